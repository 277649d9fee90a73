"""The re-categorisation assistant (B3, H9): clusters the pending grievances of a
department's "Others" type by what they say, and proposes each large cluster as a new
complaint type with sample grievances. Accepting one is `services.category_carve`, which
creates the type and moves the chosen grievances through the workflow's `recategorise`.

Texts are compared by their script-neutral terms (`duplicates.normalise.text_terms`:
Devanagari, Hinglish and English spellings meet, and the grievance lexicon maps "कूड़ा",
"kooda" and "garbage" to one concept), weighted by TF-IDF and clustered by average-linkage
agglomerative clustering over cosine distances (scikit-learn), cut at `THRESHOLD`, so
the number of groups follows from the pile rather than being fixed in advance. It only
reads; a proposal is recomputed on each visit, deterministically for the same pile.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.cluster import AgglomerativeClustering  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

from nivaran.accounts.models import User
from nivaran.catalog.models import Category
from nivaran.catalog.selectors import category_tree_check, grievances_to_move
from nivaran.duplicates.normalise import text_terms
from nivaran.grievances.models import Grievance

PILE_LIMIT = 2000  # the newest pending grievances of the type that are clustered
# Two groups merge while the mean cosine distance between their grievances is below this
# (0.85: a mean similarity of at least 0.15, about one shared distinctive term).
THRESHOLD = 0.85
MIN_SIZE = 3  # a cluster smaller than this is not proposed
SAMPLES = 5
TERMS = 3


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


def others_proposals(
    *, actor: User, category: Category, min_size: int = MIN_SIZE
) -> list[Proposal]:
    """Proposed new types carved out of `category` (an "Others" type), largest first."""
    category_tree_check(actor=actor, department=category.department)
    pile = list(
        grievances_to_move(actor=actor, category=category).order_by("-registered_at")[:PILE_LIMIT]
    )
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
    proposals = []
    for label in sorted(set(labels)):
        members = np.flatnonzero(labels == label)
        if len(members) < min_size:
            continue
        centre = np.asarray(x[members].mean(axis=0)).ravel()
        norm = float(np.linalg.norm(centre)) or 1.0
        similarity = np.asarray(x[members] @ centre).ravel() / norm
        order = members[np.argsort(-similarity, kind="stable")]
        top = [str(names[i]) for i in np.argsort(-centre, kind="stable")[:TERMS] if centre[i] > 0]
        proposals.append(
            Proposal(
                terms=top,
                grievances=[pile[i] for i in order],
                cohesion=round(float(similarity.mean()), 2),
            )
        )
    proposals.sort(key=lambda p: (-p.size, p.terms))
    return proposals
