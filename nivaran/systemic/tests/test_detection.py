"""The pure detector: counts in, findings out, and its false-alarm rate on steady data."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats  # type: ignore[import-untyped]

from nivaran.systemic.detection import (
    NEGATIVE_BINOMIAL,
    PERSISTENT,
    POISSON,
    SPIKE,
    Params,
    detect,
    false_alarm_rate,
    upper_tail,
    weeks_ending,
)

WEEK = date(2026, 11, 16)
WEEKS = weeks_ending(WEEK, 12)
ALPHA = Params().alpha


def cell(counts: list[int]) -> dict[date, int]:
    """12 weekly counts, oldest first, the last one the tested week."""
    assert len(counts) == 12
    return dict(zip(WEEKS, counts, strict=True))


@pytest.mark.parametrize("rate", [1.0, 3.0, 10.0, 30.0])
def test_the_false_alarm_rate_on_steady_poisson_cells_is_at_most_alpha(rate):
    cells = 200_000
    observed = false_alarm_rate(rate=rate, cells=cells, seed=2026)
    # The bound is alpha (the conditional test is exact, the rest only more conservative);
    # allow four binomial standard errors of the simulation on top.
    assert observed <= ALPHA + 4 * np.sqrt(ALPHA * (1 - ALPHA) / cells)
    # ... and it is near alpha, not a test that never fires: within a factor of ten.
    assert observed >= ALPHA / 10


def test_the_false_alarm_rate_follows_alpha():
    strict = false_alarm_rate(rate=10, cells=200_000, seed=1, params=Params(alpha=1e-4))
    loose = false_alarm_rate(rate=10, cells=200_000, seed=1, params=Params(alpha=1e-2))
    assert strict <= 1e-4 + 4 * np.sqrt(1e-4 / 200_000)
    assert 1e-3 <= loose <= 1e-2 + 4 * np.sqrt(1e-2 / 200_000)


def test_steady_cells_give_no_findings_and_a_burst_is_found():
    rng = np.random.default_rng(42)
    # 300 steady cells: at alpha = 0.001 (measured about 0.0005) fewer than 0.5 false
    # alarms are expected over spikes, persistent cells and widespread types together.
    counts = {(c % 10, f"S/D{c // 10}/"): cell(list(rng.poisson(6, 12))) for c in range(300)}
    assert detect(counts, week=WEEK) == []
    burst = dict(counts[(3, "S/D7/")])
    burst[WEEK] = 30
    counts[(3, "S/D7/")] = burst
    findings = detect(counts, week=WEEK)
    assert [(f.kind, f.category_id, f.district) for f in findings] == [(SPIKE, 3, "S/D7/")]
    spike = findings[0]
    assert spike.count == 30
    assert spike.method in {POISSON, NEGATIVE_BINOMIAL}  # NB where the 8 weeks vary more
    assert spike.p_value < ALPHA
    history = [burst[w] for w in WEEKS[-9:-1]]
    assert spike.expected == pytest.approx(np.mean(history))
    assert spike.counts == [burst[w] for w in WEEKS]


def test_the_p_value_is_the_poisson_conditional_test():
    history = np.array([[4, 6, 5, 5, 7, 3, 5, 5]])
    tail = upper_tail(history, np.array([15]), span=1, params=Params())
    expected = stats.binom.sf(14, 40 + 15, 1 / 9)
    assert tail.p_value[0] == pytest.approx(expected)
    assert tail.expected[0] == pytest.approx(5.0)


def test_a_cell_with_no_history_needs_more_than_the_floor_allows():
    quiet = [0] * 11
    assert detect({(1, "S/D/"): cell([*quiet, 5])}, week=WEEK) == []  # P(X>=5 | 1) = 0.004
    found = detect({(1, "S/D/"): cell([*quiet, 6])}, week=WEEK)  # P(X>=6 | 1) = 0.0006
    assert [f.kind for f in found] == [SPIKE]
    assert found[0].expected == 1.0


def test_a_spike_needs_the_minimum_count():
    params = Params(expected_floor=0.1)
    assert detect({(1, "S/D/"): cell([0] * 11 + [4])}, week=WEEK, params=params) == []
    assert len(detect({(1, "S/D/"): cell([0] * 11 + [5])}, week=WEEK, params=params)) == 1


def test_an_over_dispersed_cell_is_tested_with_a_negative_binomial():
    swinging = [0, 20] * 5 + [0]
    counts = {(1, "S/D/"): cell([*swinging, 25])}
    # Poisson at a mean of about 10 would flag 25; this cell's own swings do not.
    assert stats.poisson.sf(24, 10) < ALPHA
    assert detect(counts, week=WEEK) == []
    tail = upper_tail(np.array([swinging[-8:]]), np.array([25]), span=1, params=Params())
    assert bool(tail.negative_binomial[0])
    found = detect({(1, "S/D/"): cell([*swinging, 90])}, week=WEEK)
    assert [(f.kind, f.method) for f in found] == [(SPIKE, NEGATIVE_BINOMIAL)]


def test_one_burst_is_a_spike_not_a_persistent_cell():
    found = detect({(1, "S/D/"): cell([5, 4, 6, 5, 5, 6, 4, 5, 5, 6, 4, 40])}, week=WEEK)
    assert [f.kind for f in found] == [SPIKE]


def test_weeks_running_above_the_baseline_are_persistent():
    found = detect({(1, "S/D/"): cell([5, 4, 6, 5, 5, 6, 4, 5, 12, 13, 11, 12])}, week=WEEK)
    kinds = {f.kind: f for f in found}
    assert PERSISTENT in kinds
    persistent = kinds[PERSISTENT]
    assert persistent.count == 48
    assert persistent.expected == pytest.approx(4 * 5.0)
    assert persistent.tested_weeks == WEEKS[-4:]


def test_no_test_reaches_back_before_the_data():
    counts = {(1, "S/D/"): cell([0] * 11 + [40])}
    assert detect(counts, week=WEEK, data_since=WEEK) == []
    assert detect(counts, week=WEEK, data_since=WEEKS[0])  # eight weeks of zeros are data
    # The spike's baseline is the 8 weeks before the tested one: data from its first week on.
    assert detect(counts, week=WEEK, data_since=WEEKS[-9])
    assert detect(counts, week=WEEK, data_since=WEEKS[-8]) == []


def test_no_counts_no_findings():
    assert detect({}, week=WEEK) == []


# --- Properties ---------------------------------------------------------------------

histories = st.lists(st.integers(min_value=0, max_value=200), min_size=8, max_size=8)


@settings(max_examples=200, deadline=None)
@given(history=histories, x=st.integers(min_value=0, max_value=400))
def test_more_in_the_tested_week_never_makes_it_less_surprising(history, x):
    tail = upper_tail(np.array([history, history]), np.array([x, x + 1]), span=1, params=Params())
    assert 0.0 <= tail.p_value[1] <= tail.p_value[0] <= 1.0


@settings(max_examples=200, deadline=None)
@given(history=histories)
def test_a_week_at_or_below_its_baseline_is_never_flagged(history):
    x = int(np.floor(np.mean(history)))
    counts = {(1, "S/D/"): cell([*history[:3], *history, x])}
    assert [f for f in detect(counts, week=WEEK) if f.kind == SPIKE] == []


@settings(max_examples=100, deadline=None)
@given(history=histories, x=st.integers(min_value=0, max_value=400))
def test_the_order_of_the_cells_does_not_change_the_findings(history, x):
    one = {(1, "S/A/"): cell([*history[:3], *history, x]), (2, "S/B/"): cell([0] * 11 + [x])}
    two = dict(reversed(list(one.items())))
    assert detect(one, week=WEEK) == detect(two, week=WEEK)
