"""The re-categorisation assistant (B3, H9): clusters the pending grievances of a
department's "Others" type by what they say, and proposes each large cluster as a new
complaint type with sample grievances. Accepting one is `services.category_carve`, which
creates the type and moves the chosen grievances through the workflow's `recategorise`.

Texts are compared by their script-neutral terms (`duplicates.normalise.text_terms`:
Devanagari, Hinglish and English spellings meet, and the grievance lexicon maps "कूड़ा",
"kooda" and "garbage" to one concept), weighted by TF-IDF and clustered by average-linkage
agglomerative clustering over cosine distances (scikit-learn), cut at `THRESHOLD`, so
the number of groups follows from the pile rather than being fixed in advance. It only
reads, deterministically for the same pile.

Grouping costs a second or so for a large pile, so the groups are kept in the cache
(`others_grouping`) and made again only when the department's tree changes (a carve,
split or merge: `catalog.versions`), when the pile has changed by a tenth since (grievances
arrived or left), when they are `NIVARAN_CATALOG_GROUPS_SECONDS` old, or on the
secretary's "Group again". The cache holds grievance ids; each view reads the grievances
afresh, and one that is no longer pending under the type (closed, moved) is not shown.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from sklearn.cluster import AgglomerativeClustering  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

from nivaran.accounts.models import User
from nivaran.catalog.models import Category
from nivaran.catalog.selectors import category_tree_check, grievances_to_move
from nivaran.catalog.versions import tree_version
from nivaran.duplicates.normalise import text_terms
from nivaran.grievances.models import Grievance

PILE_LIMIT = 2000  # the newest pending grievances of the type that are clustered
# Two groups merge while the mean cosine distance between their grievances is below this
# (0.85: a mean similarity of at least 0.15, about one shared distinctive term).
THRESHOLD = 0.85
MIN_SIZE = 3  # a cluster smaller than this is not proposed
SAMPLES = 5
TERMS = 3
# The groups are made again once this share of the grouped pile has arrived or left.
MATERIAL = 0.1
# What the assistant and its page read of a grievance (not whole rows: up to PILE_LIMIT).
READ = ("id", "number", "description", "registered_at")
# Part of the cache key: a change of the method or its parameters is a new key.
METHOD = f"tfidf-average-{THRESHOLD}-{PILE_LIMIT}"


@dataclass(frozen=True)
class Proposal:
    """A cluster of the pile: its top terms, its grievances (nearest the centre first) and
    how alike they are (mean cosine similarity to the centre, 0..1)."""

    terms: list[str]
    grievances: list[Grievance]
    cohesion: float

    @property
    def size(self) -> int:
        return len(self.grievances)

    @property
    def samples(self) -> list[Grievance]:
        return self.grievances[:SAMPLES]


def _terms(g: Grievance) -> list[str]:
    return sorted(text_terms(g.description))


def _grouped(pile: list[Grievance], min_size: int) -> list[tuple[list[str], list[int], float]]:
    """The clusters of the pile, largest first: (top terms, grievance ids nearest the
    centre first, cohesion)."""
    docs = [_terms(g) for g in pile]
    keep = [i for i, d in enumerate(docs) if d]
    if len(keep) < max(3, min_size):
        return []
    pile = [pile[i] for i in keep]
    docs = [docs[i] for i in keep]
    vectorizer = TfidfVectorizer(analyzer=lambda doc: doc, min_df=1)
    x = vectorizer.fit_transform(docs)  # rows are L2-normalised: cosine = dot product
    distance = np.clip(1.0 - (x @ x.T).toarray(), 0.0, 2.0)
    labels = (
        AgglomerativeClustering(
            n_clusters=None, metric="precomputed", linkage="average", distance_threshold=THRESHOLD
        )
        .fit(distance)
        .labels_
    )
    names = vectorizer.get_feature_names_out()
    groups = []
    for label in sorted(set(labels)):
        members = np.flatnonzero(labels == label)
        if len(members) < min_size:
            continue
        centre = np.asarray(x[members].mean(axis=0)).ravel()
        norm = float(np.linalg.norm(centre)) or 1.0
        similarity = np.asarray(x[members] @ centre).ravel() / norm
        order = members[np.argsort(-similarity, kind="stable")]
        top = [str(names[i]) for i in np.argsort(-centre, kind="stable")[:TERMS] if centre[i] > 0]
        groups.append((top, [pile[i].pk for i in order], round(float(similarity.mean()), 2)))
    groups.sort(key=lambda p: (-len(p[1]), p[0]))
    return groups


@dataclass(frozen=True)
class _Computed:
    """What the cache keeps of one grouping."""

    at: datetime
    pending: int  # the pile's size then
    top_id: int  # its highest grievance id then
    grouped: int  # how many of its newest were grouped
    groups: list[tuple[list[str], list[int], float]]


@dataclass(frozen=True)
class Grouping:
    """The proposals for an "Others" pile, when they were made and how the pile changed
    since: `pending` grievances under the type now, `grouped` of them grouped at `at`,
    `changed` arrived or left since then."""

    proposals: list[Proposal]
    at: datetime
    pending: int
    grouped: int
    changed: int


def _key(pile: QuerySet[Grievance], category: Category, min_size: int) -> str:
    # The pile is the grievances the actor may see: the key carries its query (the actor's
    # jurisdiction filter included), so two users share groups only if they see one pile.
    sql, params = pile.query.sql_with_params()
    scope = hashlib.sha256(f"{sql}|{params!r}".encode()).hexdigest()[:32]
    version = tree_version(department_id=category.department_id)
    return f"catalog:groups:{category.pk}:{version}:{METHOD}:{min_size}:{scope}"


def others_grouping(
    *,
    actor: User,
    category: Category,
    min_size: int = MIN_SIZE,
    fresh: bool = False,
    now: datetime | None = None,
) -> Grouping:
    """Proposed new types carved out of `category` (an "Others" type), largest first, from
    the cache unless `fresh`, the tree changed, the pile changed materially (`MATERIAL`)
    or the groups are older than `NIVARAN_CATALOG_GROUPS_SECONDS`."""
    category_tree_check(actor=actor, department=category.department)
    now = now or timezone.now()
    ttl = settings.NIVARAN_CATALOG_GROUPS_SECONDS
    pile = grievances_to_move(actor=actor, category=category)
    key = _key(pile, category, min_size)
    hit = None if fresh or ttl <= 0 else cache.get(key)
    if not (isinstance(hit, _Computed) and timedelta(0) <= now - hit.at < timedelta(seconds=ttl)):
        hit = None
    # One indexed aggregate: the pile's size, and how many are newer than the grouped ones.
    shape = pile.order_by().aggregate(
        n=Count("id"),
        top=Max("id"),
        newer=Count("id", filter=Q(id__gt=hit.top_id if hit else 0)),
    )
    pending, top_id = shape["n"], shape["top"] or 0
    changed = 0
    if hit is not None:
        # Arrivals have higher ids; what left is what the size lacks of old + arrived.
        changed = shape["newer"] + abs(hit.pending + shape["newer"] - pending)
        if changed >= max(min_size, math.ceil(MATERIAL * hit.grouped)):
            hit = None
    if hit is None:
        rows = list(pile.select_related(None).only(*READ).order_by("-registered_at")[:PILE_LIMIT])
        hit = _Computed(
            at=now,
            pending=pending,
            top_id=top_id,
            grouped=len(rows),
            groups=_grouped(rows, min_size),
        )
        changed = 0
        if ttl > 0:
            cache.set(key, hit, timeout=ttl)
    # The grievances read afresh: one no longer pending under the type is not proposed.
    ids = [gid for _terms_, members, _c in hit.groups for gid in members]
    live = (
        {g.pk: g for g in pile.select_related(None).only(*READ).filter(pk__in=ids)} if ids else {}
    )
    proposals = []
    for terms, members, cohesion in hit.groups:
        grievances = [live[gid] for gid in members if gid in live]
        if len(grievances) >= min_size:
            proposals.append(Proposal(terms=terms, grievances=grievances, cohesion=cohesion))
    return Grouping(
        proposals=proposals, at=hit.at, pending=pending, grouped=hit.grouped, changed=changed
    )


def others_proposals(
    *, actor: User, category: Category, min_size: int = MIN_SIZE
) -> list[Proposal]:
    """Proposed new types carved out of `category` (an "Others" type), largest first."""
    return others_grouping(actor=actor, category=category, min_size=min_size).proposals
