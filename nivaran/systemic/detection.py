"""The detector: a pure function over weekly counts per cell (complaint type x district).

No database here: `detect` takes the counts as plain data (from `selectors.weekly_counts`
today, from rollups later) and returns findings. The method and its false-alarm rate are
in docs/systemic.md; in short, every p-value is the largest of

- the exact conditional test of "the tested weeks' rate is above the baseline's" for
  Poisson counts: given the total T of baseline and tested counts, the tested count is
  Binomial(T, s / (B + s)) (s tested weeks, B baseline weeks), whatever the true rate;
- a floor: Poisson(s * floor), so a cell with no history needs more than a handful;
- where the baseline is over-dispersed (its sample variance above its mean), a negative
  binomial with the baseline's mean and variance.

The first is a valid test at any rate, so a flag at p < alpha has a false-alarm
probability of at most alpha per cell and week on steady Poisson data; the maximum of
valid p-values is valid too (only more conservative).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
from scipy import stats  # type: ignore[import-untyped]

POISSON = "poisson"
NEGATIVE_BINOMIAL = "negative_binomial"

SPIKE = "spike"
PERSISTENT = "persistent"
WIDESPREAD = "widespread"

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Params:
    """The detector's parameters (docs/systemic.md explains each)."""

    baseline_weeks: int = 8  # B: the weeks a cell's baseline is taken from
    alpha: float = 0.001  # flag when p < alpha: false alarms per cell and week, at most
    min_count: int = 5  # a spike needs at least this many in its week
    expected_floor: float = 1.0  # expected weekly count, at least
    persist_window: int = 4  # m: the last m weeks ...
    persist_weeks_above: int = 3  # ... k of which are each elevated at persist_week_alpha
    persist_week_alpha: float = 0.05
    widespread_cell_alpha: float = 0.05  # a district counts as elevated below this
    widespread_min_districts: int = 3

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def weeks_needed(self) -> int:
        """Weeks of counts `detect` reads, the tested week included."""
        return self.baseline_weeks + self.persist_window


Cell = tuple[int, str]  # (category id, district path)
Counts = Mapping[Cell, Mapping[date, int]]  # per cell, per week (its Monday): a count


@dataclass(frozen=True)
class Finding:
    kind: str
    category_id: int
    district: str | None  # a district's path; None: statewide
    week: date  # the Monday of the latest week tested
    count: int  # in the tested week (the window's sum for a persistent cell)
    expected: float  # its baseline, floor applied
    variance: float
    p_value: float
    score: float  # (count - expected) / sqrt(variance)
    method: str
    weeks: list[date] = field(default_factory=list)  # the evidence: weeks and their counts
    counts: list[int] = field(default_factory=list)
    districts: list[str] = field(default_factory=list)  # widespread: the elevated districts
    baseline_weeks: int = 0
    tested_weeks: list[date] = field(default_factory=list)


@dataclass(frozen=True)
class Tail:
    """Vectorised upper-tail test results, one entry per cell."""

    p_value: np.ndarray
    expected: np.ndarray
    variance: np.ndarray
    negative_binomial: np.ndarray  # bool: the baseline was over-dispersed
    score: np.ndarray  # (observed - expected) / sqrt(variance)


def upper_tail(history: np.ndarray, observed: np.ndarray, *, span: int, params: Params) -> Tail:
    """P(a count at least `observed` over `span` weeks | the baseline `history`), per row.

    `history` is cells x B weekly counts, `observed` the cells' counts summed over the
    `span` tested weeks. Vectorised: a million simulated cells take a second or two.
    """
    history = np.asarray(history, dtype=float)
    observed = np.asarray(observed, dtype=float)
    weeks = history.shape[1]
    total = history.sum(axis=1)
    mean = total / weeks
    # Exact conditional test: valid whatever the (unknown) steady rate.
    p_cond = stats.binom.sf(observed - 1, total + observed, span / (weeks + span))
    rate = np.maximum(mean, params.expected_floor)
    p_floor = stats.poisson.sf(observed - 1, span * params.expected_floor)
    # Over-dispersed: the baseline varies more than a Poisson count would.
    var = history.var(axis=1, ddof=1) if weeks > 1 else np.zeros_like(mean)
    over = (mean > 0) & (var > rate)
    nb_mean = span * rate
    nb_var = span * np.maximum(var, rate)
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.where(over, nb_mean**2 / np.maximum(nb_var - nb_mean, 1e-9), 1.0)
        p_nb = np.where(over, stats.nbinom.sf(observed - 1, n, n / (n + nb_mean)), 0.0)
    p = np.maximum.reduce([p_cond, p_floor, p_nb])
    expected = span * rate
    variance = np.where(over, nb_var, expected)
    return Tail(
        p_value=p,
        expected=expected,
        variance=variance,
        negative_binomial=over,
        score=(observed - expected) / np.sqrt(variance),
    )


def weeks_ending(week: date, count: int) -> list[date]:
    """The `count` Mondays up to and including `week`, oldest first."""
    return [week - WEEK * (count - 1 - i) for i in range(count)]


def detect(
    counts: Counts,
    *,
    week: date,
    params: Params | None = None,
    data_since: date | None = None,
) -> list[Finding]:
    """Spikes, persistent cells and widespread types in the week starting `week`.

    `data_since` is the Monday of the first week with any data: a test whose baseline
    reaches back before it is not made (a young platform is not a state-wide spike).
    """
    params = params or Params()
    b, m = params.baseline_weeks, params.persist_window
    all_weeks = weeks_ending(week, b + m)
    cells = sorted(counts)
    if not cells:
        return []
    matrix = np.array([[counts[c].get(w, 0) for w in all_weeks] for c in cells], dtype=float)
    findings: list[Finding] = []

    # (a) Spikes: the tested week against the B weeks before it.
    spike_ok = data_since is None or all_weeks[-b - 1] >= data_since  # its first baseline week
    if spike_ok:
        history, observed = matrix[:, -b - 1 : -1], matrix[:, -1]
        tail = upper_tail(history, observed, span=1, params=params)
        flagged = (observed >= params.min_count) & (tail.p_value < params.alpha)
        for i in (int(j) for j in np.flatnonzero(flagged)):
            findings.append(
                _finding(
                    SPIKE, cells[i], week, observed[i], tail, i, all_weeks, matrix[i], b, [week]
                )
            )
        # (c) Widespread: one type elevated in many districts in the same week.
        findings += _widespread(cells, tail, matrix, observed, week, all_weeks, params)

    # (b) Persistent: the last m weeks against the B weeks before the window.
    if data_since is None or all_weeks[0] >= data_since:
        history, window = matrix[:, :b], matrix[:, b:]
        summed = window.sum(axis=1)
        tail = upper_tail(history, summed, span=m, params=params)
        each = np.stack(
            [upper_tail(history, window[:, j], span=1, params=params).p_value for j in range(m)],
            axis=1,
        )
        above = (each < params.persist_week_alpha).sum(axis=1)
        flagged = (
            (above >= params.persist_weeks_above)
            & (summed >= params.min_count)
            & (tail.p_value < params.alpha)
        )
        for i in (int(j) for j in np.flatnonzero(flagged)):
            findings.append(
                _finding(
                    PERSISTENT,
                    cells[i],
                    week,
                    summed[i],
                    tail,
                    i,
                    all_weeks,
                    matrix[i],
                    b,
                    all_weeks[b:],
                )
            )
    return findings


def _finding(
    kind: str,
    cell: Cell,
    week: date,
    count: float,
    tail: Tail,
    i: int,
    all_weeks: list[date],
    row: np.ndarray,
    baseline_weeks: int,
    tested: list[date],
) -> Finding:
    return Finding(
        kind=kind,
        category_id=cell[0],
        district=cell[1],
        week=week,
        count=int(count),
        expected=float(tail.expected[i]),
        variance=float(tail.variance[i]),
        p_value=float(tail.p_value[i]),
        score=float(tail.score[i]),
        method=NEGATIVE_BINOMIAL if tail.negative_binomial[i] else POISSON,
        weeks=list(all_weeks),
        counts=[int(v) for v in row],
        baseline_weeks=baseline_weeks,
        tested_weeks=list(tested),
    )


def _widespread(
    cells: list[Cell],
    tail: Tail,
    matrix: np.ndarray,
    observed: np.ndarray,
    week: date,
    all_weeks: list[date],
    params: Params,
) -> list[Finding]:
    by_category: dict[int, list[int]] = {}
    for i, (category_id, _district) in enumerate(cells):
        by_category.setdefault(category_id, []).append(i)
    findings = []
    for category_id, rows in sorted(by_category.items()):
        elevated = [i for i in rows if tail.p_value[i] < params.widespread_cell_alpha]
        k, d = len(elevated), len(rows)
        if k < params.widespread_min_districts:
            continue
        # Under steady data each district is elevated with probability <= cell alpha.
        p = float(stats.binom.sf(k - 1, d, params.widespread_cell_alpha))
        if p >= params.alpha:
            continue
        # The type's state totals, as its weekly counts are: all its districts.
        count = int(observed[rows].sum())
        expected = float(tail.expected[rows].sum())
        variance = float(tail.variance[rows].sum())
        findings.append(
            Finding(
                kind=WIDESPREAD,
                category_id=category_id,
                district=None,
                week=week,
                count=count,
                expected=expected,
                variance=variance,
                p_value=p,
                score=(count - expected) / float(np.sqrt(variance)),
                method="binomial_over_districts",
                weeks=list(all_weeks),
                counts=[int(v) for v in matrix[rows].sum(axis=0)],
                districts=sorted(cells[i][1] for i in elevated),
                baseline_weeks=params.baseline_weeks,
                tested_weeks=[week],
            )
        )
    return findings


def false_alarm_rate(
    *,
    rate: float,
    cells: int,
    seed: int,
    params: Params | None = None,
    variance_ratio: float = 1.0,
) -> float:
    """The share of simulated steady cells the spike test flags: each cell's B baseline
    weeks and tested week drawn from one distribution with mean `rate` (Poisson, or
    negative binomial with variance `variance_ratio` x mean when that is above 1)."""
    params = params or Params()
    rng = np.random.default_rng(seed)
    shape = (cells, params.baseline_weeks + 1)
    if variance_ratio > 1:
        r = rate / (variance_ratio - 1)
        draws = rng.negative_binomial(r, r / (r + rate), shape)
    else:
        draws = rng.poisson(rate, shape)
    history, observed = draws[:, :-1], draws[:, -1]
    tail = upper_tail(history, observed, span=1, params=params)
    flagged = (observed >= params.min_count) & (tail.p_value < params.alpha)
    return float(flagged.mean())
