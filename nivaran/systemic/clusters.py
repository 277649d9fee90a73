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
3. DBSCAN with a radius of `1 - similarity` and a core weight of `min_count`: a cluster
   is a dense region, so one shared word does not chain unrelated complaints together.
4. Each cluster is tested like a persistent cell (`detection.upper_tail`): its count in
   the last `m` weeks against its own count in the `B` weeks before them, which the same
   clustering measured over the same texts. A topic that was always common is not new.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import numpy as np
from sklearn.cluster import DBSCAN  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

from nivaran.systemic.detection import Params, upper_tail, weeks_ending

log = logging.getLogger(__name__)

CLUSTER = "cluster"
METHOD = "text_cluster"


@dataclass(frozen=True)
class ClusterParams:
    """How alike texts must be, and how many districts a cluster must reach."""

    similarity: float = 0.6  # cosine similarity of two texts' TF-IDF vectors, at least
    min_districts: int = 3  # districts with the cluster's texts in the tested weeks
    top_terms: int = 6  # terms kept as the cluster's evidence
    key_terms: int = 3  # of which this many name it (its key among the week's issues)
    max_points: int = 50_000  # distinct texts per complaint type clustered, newest kept

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
    left_out = 0
    for seq, text in enumerate(texts):
        if not text.terms or text.week not in column:
            continue
        i = index.get(text.terms)
        if i is None:
            if len(index) >= cp.max_points:
                left_out += 1
                continue
            i = index[text.terms] = len(index)
            cells.append(Counter())
            samples.append([])
        cells[i][(column[text.week], text.district)] += 1
        if text.week in tested and text.number and len(samples[i]) < 5:
            samples[i].append((seq, text.number))
    if left_out:
        log.warning(
            "systemic clusters: type %s has more than %d distinct texts in the weeks; "
            "%d older ones left out",
            category_id,
            cp.max_points,
            left_out,
        )
    if not index:
        return []
    terms = [sorted(t) for t in index]
    weights = np.array([sum(c.values()) for c in cells], dtype=float)
    if weights.sum() < params.min_count:
        return []

    # 2-3. TF-IDF and DBSCAN over the points, each weighing as many texts as it stands for.
    vectoriser = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
    matrix = vectoriser.fit_transform(terms)
    labels = DBSCAN(
        eps=1.0 - cp.similarity, min_samples=params.min_count, metric="cosine", algorithm="brute"
    ).fit_predict(matrix, sample_weight=weights)
    vocabulary = np.array(vectoriser.get_feature_names_out())

    # 4. Each cluster against its own baseline weeks.
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
        weight_of_term = np.asarray(
            matrix[points].multiply(weights[points][:, None]).sum(axis=0)
        ).ravel()
        order = np.argsort(-weight_of_term, kind="stable")
        top = [str(vocabulary[t]) for t in order[: cp.top_terms] if weight_of_term[t] > 0]
        newest = sorted(s for p in points for s in samples[p])[:5]
        findings.append(
            ClusterFinding(
                category_id=category_id,
                week=week,
                topic=" ".join(sorted(top[: cp.key_terms])),
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
    return sorted(findings, key=lambda f: (f.p_value, f.topic))


def _identity(terms: list[str]) -> list[str]:
    return terms
