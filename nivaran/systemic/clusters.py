"""Clusters of similar complaints across districts (B4): a pure function over texts.

A complaint type's counts say *that* more people complain; the texts say *about what*.
Within one complaint type, complaints that say the same thing ("the transformer is
burnt", "ट्रांसफार्मर जल गया", "transformar jal gaya") in several districts, week after
week, and far more often than that type's texts said it before, are a systemic issue
that the type's own counts may hide (a broad type such as "Electricity supply" stays
near its baseline while one of its causes multiplies).

No database here: `clusters` takes each text as its terms (`duplicates.normalise.
text_terms`, which maps Hindi, English and Hinglish words to one spelling or concept)
with its week and district, and returns findings. The method (docs/systemic.md):

1. Texts with the same terms are one point, weighted by how many there are.
2. TF-IDF over the points' terms (scikit-learn), cosine distance.
3. DBSCAN's rule (a radius of `1 - similarity`, a core weight of `min_count`) on each
   text's nearest neighbours: a cluster is a dense region, so one shared word does not
   chain unrelated complaints together, and memory grows with the texts, not their pairs.
4. Each cluster is tested like a persistent cell (`detection.upper_tail`): its count in
   the last `m` weeks against its own count in the `B` weeks before them, which the same
   clustering measured over the same texts. A topic that was always common is not new.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np
import sklearn  # type: ignore[import-untyped]
from scipy import sparse, stats  # type: ignore[import-untyped]
from scipy.sparse.csgraph import connected_components  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
from sklearn.neighbors import NearestNeighbors  # type: ignore[import-untyped]

from nivaran.duplicates.normalise import CONCEPT_NAMES
from nivaran.systemic.detection import Params, upper_tail, weeks_ending

log = logging.getLogger(__name__)

# Memory for each chunk of the nearest-neighbour search's distances (scikit-learn's
# `working_memory`, 1 GB unless set): the worker's cost stays small and flat.
WORKING_MEMORY_MB = 64

CLUSTER = "cluster"
METHOD = "text_cluster"


@dataclass(frozen=True)
class ClusterParams:
    """How alike texts must be, and how many districts a cluster must reach."""

    similarity: float = 0.5  # cosine similarity of two texts' TF-IDF vectors, at least
    min_districts: int = 3  # districts with the cluster's texts in the tested weeks
    top_terms: int = 6  # terms kept as the cluster's evidence
    key_terms: int = 3  # of which this many name it (its key among the week's issues)
    max_points: int = 50_000  # distinct texts per complaint type clustered (a subset beyond)
    neighbours: int = 15  # each text's nearest texts looked at
    term_min_texts: int = 3  # a term shown is a concept or in this many distinct texts

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Text:
    """One grievance as the clustering sees it."""

    terms: frozenset[str]
    week: date  # the Monday of its registration week
    district: str  # its district's path
    number: str  # for the samples ("" when it has none)


@dataclass(frozen=True)
class ClusterFinding:
    category_id: int
    week: date  # the latest week tested
    topic: str  # its key: the `key_terms` top terms, sorted
    terms: list[str]  # the top terms, strongest first
    count: int  # its texts in the tested weeks
    expected: float
    variance: float
    p_value: float
    score: float
    method: str
    weeks: list[date] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)  # its texts per week, oldest first
    tested_weeks: list[date] = field(default_factory=list)
    baseline_weeks: int = 0
    districts: dict[str, int] = field(default_factory=dict)  # path -> texts in tested weeks
    samples: list[str] = field(default_factory=list)  # newest first, from the tested weeks


def clusters(
    category_id: int,
    texts: Iterable[Text],
    *,
    week: date,
    params: Params | None = None,
    cluster_params: ClusterParams | None = None,
) -> list[ClusterFinding]:
    """The clusters of one complaint type's texts (the `B + m` weeks ending at `week`) that
    are new, widespread and persistent. `texts` newest first, so samples are the newest."""
    params = params or Params()
    cp = cluster_params or ClusterParams()
    b, m = params.baseline_weeks, params.persist_window
    all_weeks = weeks_ending(week, b + m)
    column = {w: i for i, w in enumerate(all_weeks)}
    tested = set(all_weeks[b:])

    # 1. One point per distinct set of terms, with its counts per (week, district).
    index: dict[frozenset[str], int] = {}
    cells: list[Counter[tuple[int, str]]] = []
    samples: list[list[tuple[int, str]]] = []  # (the text's place, newest first; number)
    for seq, text in enumerate(texts):
        if not text.terms or text.week not in column:
            continue
        i = index.get(text.terms)
        if i is None:
            i = index[text.terms] = len(index)
            cells.append(Counter())
            samples.append([])
        cells[i][(column[text.week], text.district)] += 1
        if text.week in tested and text.number and len(samples[i]) < 5:
            samples[i].append((seq, text.number))
    if len(index) > cp.max_points:
        # Keep a subset chosen without looking at the weeks (by a hash of the terms), so
        # that the window and the baseline lose alike and the test stays valid.
        log.warning(
            "systemic clusters: type %s has %d distinct texts in the weeks; %d clustered",
            category_id,
            len(index),
            cp.max_points,
        )
        terms_of = list(index)
        kept = sorted(range(len(index)), key=lambda i: _stable_hash(terms_of[i]))
        kept = sorted(kept[: cp.max_points])
        index = {terms_of[i]: n for n, i in enumerate(kept)}
        cells = [cells[i] for i in kept]
        samples = [samples[i] for i in kept]
    if not index:
        return []
    # Points in an order blind to the weeks (the stream is newest first), so that ties in
    # the neighbour search cannot depend on when a text came.
    keys = list(index)
    order_of = sorted(range(len(keys)), key=lambda i: _stable_hash(keys[i]))
    index = {keys[i]: n for n, i in enumerate(order_of)}
    cells = [cells[i] for i in order_of]
    samples = [samples[i] for i in order_of]
    terms = [sorted(t) for t in index]
    weights = np.array([sum(c.values()) for c in cells], dtype=float)
    if weights.sum() < params.min_count:
        return []

    # 2-3. TF-IDF and density clusters; each point weighs as many texts as it stands for.
    vectoriser = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
    matrix = vectoriser.fit_transform(terms)
    labels = density_clusters(
        matrix,
        weights,
        radius=1.0 - cp.similarity,
        min_weight=params.min_count,
        neighbours=cp.neighbours,
    )
    vocabulary = np.array(vectoriser.get_feature_names_out())

    # 4. Each cluster against its own baseline weeks, and against the rest of its type.
    type_week = np.zeros(b + m)
    for point_cells in cells:
        for (col, _district), n in point_cells.items():
            type_week[col] += n
    type_window, type_baseline = type_week[b:].sum(), type_week[:b].sum()
    members: dict[int, list[int]] = defaultdict(list)
    for point, label in enumerate(labels):
        if label >= 0:
            members[int(label)].append(point)
    findings = []
    for points in members.values():
        per_week = np.zeros(b + m)
        districts: Counter[str] = Counter()
        for point in points:
            for (col, district), n in cells[point].items():
                per_week[col] += n
                if col >= b:
                    districts[district] += n
        if len(districts) < cp.min_districts:
            continue
        history, window = per_week[None, :b], per_week[None, b:]
        summed = window.sum(axis=1)
        if summed[0] < params.min_count:
            continue
        tail = upper_tail(history, summed, span=m, params=params)
        each = [
            upper_tail(history, window[:, j], span=1, params=params).p_value[0] for j in range(m)
        ]
        above = sum(1 for p in each if p < params.persist_week_alpha)
        if above < params.persist_weeks_above or tail.p_value[0] >= params.alpha:
            continue
        # A rise of the whole type (a season, a campaign) lifts its everyday topics too:
        # the cluster's texts must also lean to the window more than the rest of the type's
        # do (Fisher's exact test, one-sided).
        inside, before = summed[0], history.sum()
        _odds, p_share = stats.fisher_exact(
            [[inside, before], [type_window - inside, type_baseline - before]],
            alternative="greater",
        )
        if p_share >= params.alpha:
            continue
        weight_of_term = np.asarray(
            matrix[points].multiply(weights[points][:, None]).sum(axis=0)
        ).ravel()
        top = _shown_terms(points, terms, weight_of_term, vocabulary, cp)
        newest = sorted(s for p in points for s in samples[p])[:5]
        findings.append(
            ClusterFinding(
                category_id=category_id,
                week=week,
                topic=_topic(top, cp, points, terms),
                terms=top,
                count=int(summed[0]),
                expected=float(tail.expected[0]),
                variance=float(tail.variance[0]),
                p_value=float(tail.p_value[0]),
                score=float(tail.score[0]),
                method=METHOD,
                weeks=list(all_weeks),
                counts=[int(v) for v in per_week],
                tested_weeks=list(all_weeks[b:]),
                baseline_weeks=b,
                districts=dict(sorted(districts.items())),
                samples=[number for _seq, number in newest],
            )
        )
    return _unique_topics(sorted(findings, key=lambda f: (f.p_value, f.topic)))


MAX_TERM = 40  # characters of a term shown (a word run together can be very long)
MAX_TOPIC = 200  # the column's length


def _shown_terms(
    points: list[int],
    terms: list[list[str]],
    weight_of_term: np.ndarray,
    vocabulary: np.ndarray,
    cp: ClusterParams,
) -> list[str]:
    """The cluster's strongest terms that say what it is about rather than who wrote it:
    a concept of the lexicon, or a word in at least `term_min_texts` distinct texts of
    the cluster (copies of one text are one: their names and numbers are not shown)."""
    spread: Counter[str] = Counter(t for p in points for t in terms[p])
    order = np.argsort(-weight_of_term, kind="stable")
    shown: list[str] = []
    for t in order:
        if weight_of_term[t] <= 0 or len(shown) >= cp.top_terms:
            break
        term = str(vocabulary[t])
        if term in CONCEPT_NAMES or spread[term] >= cp.term_min_texts:
            shown.append(term[:MAX_TERM])
    return shown


def _topic(shown: list[str], cp: ClusterParams, points: list[int], terms: list[list[str]]) -> str:
    """The cluster's key: its key terms, sorted; a digest of its texts when none is shown."""
    if shown:
        return " ".join(sorted(shown[: cp.key_terms]))[:MAX_TOPIC]
    strongest = min((terms[p] for p in points), key=lambda t: _stable_hash(frozenset(t)))
    return "#" + _stable_hash(frozenset(strongest)).hex()


def _unique_topics(findings: list[ClusterFinding]) -> list[ClusterFinding]:
    """Two clusters of a type may share their key terms: the later ones take more of their
    terms, then a number, so that each is its own issue."""
    seen: set[str] = set()
    out = []
    for finding in findings:
        topic, extra = finding.topic, 3
        while topic in seen and extra < len(finding.terms):
            extra += 1
            topic = " ".join(sorted(finding.terms[:extra]))[:MAX_TOPIC]
        n = 2
        base = topic
        while topic in seen:
            topic = f"{base[: MAX_TOPIC - 4]} #{n}"
            n += 1
        seen.add(topic)
        out.append(replace(finding, topic=topic))
    return out


def density_clusters(
    matrix: Any, weights: np.ndarray, *, radius: float, min_weight: int, neighbours: int
) -> np.ndarray:
    """DBSCAN's rule on each point's nearest neighbours: a label per point, -1 for noise.

    A point is a core point when the points within `radius` (cosine distance), itself
    included, weigh at least `min_weight`; core points within `radius` of each other are
    one cluster; a point that is not core joins the cluster of its nearest core point
    within `radius`. Only each point's `neighbours` nearest are looked at (scikit-learn's
    brute-force search, in chunks of bounded memory), so memory grows with the points,
    not with their pairs: plain DBSCAN keeps every neighbourhood whole, and a common
    topic's thousands of alike texts are millions of pairs. Whether a point is core is
    exact (with at least `min_weight` neighbours looked at, a point with all of them
    within the radius is core whatever the rest); a dense region is joined through each
    core point's nearest core neighbours, which keeps it whole unless it is a chain of
    regions each denser than `neighbours` points.
    """
    n = matrix.shape[0]
    labels = np.full(n, -1)
    if n < 2:
        if n == 1 and weights[0] >= min_weight:
            labels[0] = 0
        return labels
    k = min(max(neighbours, min_weight), n - 1)
    with sklearn.config_context(working_memory=WORKING_MEMORY_MB):
        search = NearestNeighbors(n_neighbors=k, metric="cosine", algorithm="brute")
        distance, index = search.fit(matrix).kneighbors()  # each point's, itself left out
    near = distance <= radius + 1e-9
    core = weights + (weights[index] * near).sum(axis=1) >= min_weight
    rows, cols = np.nonzero(near & core[:, None] & core[index])
    graph = sparse.coo_matrix((np.ones(len(rows)), (rows, index[rows, cols])), shape=(n, n)).tocsr()
    _count, component = connected_components(graph, directed=False)
    labels[core] = component[core]
    for point in np.flatnonzero(~core):
        for j in range(k):
            if not near[point, j]:
                break
            if core[index[point, j]]:
                labels[point] = component[index[point, j]]
                break
    return labels


def _stable_hash(terms: frozenset[str]) -> bytes:
    return hashlib.blake2b("\x1f".join(sorted(terms)).encode(), digest_size=8).digest()


def _identity(terms: list[str]) -> list[str]:
    return terms
