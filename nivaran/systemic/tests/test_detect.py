"""Detection end to end: synthetic grievances registered through the workflow's bulk
intake, counted by the database, tested by the detector, written as issues."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.management import call_command

from nivaran.grievances.models import Grievance
from nivaran.systemic import selectors
from nivaran.systemic.models import IssueKind, IssueStatus, SystemicIssue
from nivaran.systemic.services import systemic_detect
from nivaran.systemic.tests.synthetic import (
    TESTED_WEEK,
    many_cells,
    now,
    register_counts,
    weeks_back,
)

pytestmark = pytest.mark.django_db

WEEKS = weeks_back(12)


def steady_plan(world, *, seed: int, rate: float = 5.0, districts: int = 8):
    """Every (type, district) cell Poisson(rate) per week for 12 weeks: 24 cells."""
    rng = np.random.default_rng(seed)
    categories, areas = many_cells(world, districts)
    return (
        {(c, a): {w: int(rng.poisson(rate)) for w in WEEKS} for c in categories for a in areas},
        categories,
        areas,
    )


def test_the_counts_are_grouped_by_type_district_and_state_week(world):
    # The block's grievances count in its district; the week's edges are in IST.
    plan = {
        (world.category, world.block): {WEEKS[-1]: 3, WEEKS[-2]: 2},
        (world.other_category, world.other_district): {WEEKS[-1]: 1},
    }
    assert register_counts(world, plan) == 6
    counts = selectors.weekly_counts(first_week=WEEKS[0], last_week=WEEKS[-1])
    assert counts == {
        (world.category.pk, "TS/TS-ONE/"): {WEEKS[-1]: 3, WEEKS[-2]: 2},
        (world.other_category.pk, "TS/TS-TWO/"): {WEEKS[-1]: 1},
    }
    # The week after the last one asked for is not read.
    assert selectors.weekly_counts(first_week=WEEKS[-2], last_week=WEEKS[-2]) == {
        (world.category.pk, "TS/TS-ONE/"): {WEEKS[-2]: 2},
    }


def test_steady_data_raises_no_issue(world):
    plan, _, _ = steady_plan(world, seed=11)
    register_counts(world, plan)
    result = systemic_detect(now=now())
    assert result.week == TESTED_WEEK
    assert result.cells == 24
    assert result.issues == []
    assert not SystemicIssue.objects.exists()


def test_an_injected_spike_is_found_with_its_evidence(world):
    plan, categories, areas = steady_plan(world, seed=11)
    spiked = (categories[0], areas[3])
    plan[spiked][TESTED_WEEK] = 24  # against a baseline of about 5 a week
    register_counts(world, plan)
    before = Grievance.objects.values_list("status", "level").order_by("id")
    statuses = list(before)

    result = systemic_detect(now=now())

    assert [(i.kind, i.category_id, i.district_key) for i in result.issues] == [
        (IssueKind.SPIKE, spiked[0].pk, areas[3].path)
    ]
    issue = SystemicIssue.objects.get()
    assert issue.week == TESTED_WEEK
    assert issue.count == 24
    assert issue.district == areas[3]
    assert issue.department == categories[0].department
    assert issue.status == IssueStatus.OPEN
    assert issue.p_value < 0.001
    assert issue.score > 5
    history = [plan[spiked][w] for w in WEEKS[-9:-1]]
    assert issue.baseline == pytest.approx(max(sum(history) / 8, 1.0), abs=1e-3)
    assert issue.evidence["counts"] == [plan[spiked][w] for w in WEEKS]
    assert issue.evidence["weeks"][-1] == TESTED_WEEK.isoformat()
    assert len(issue.sample_numbers) == 5
    samples = Grievance.objects.filter(number__in=issue.sample_numbers)
    assert {(g.category_id, g.area_path) for g in samples} == {(spiked[0].pk, areas[3].path)}
    # Detection only reads: no grievance changed.
    assert list(Grievance.objects.values_list("status", "level").order_by("id")) == statuses


def test_re_running_the_same_week_updates_rather_than_duplicates(world):
    plan, categories, areas = steady_plan(world, seed=11)
    plan[(categories[1], areas[0])][TESTED_WEEK] = 30
    register_counts(world, plan)
    first = systemic_detect(now=now())
    assert (first.created, first.updated) == (1, 0)
    issue = SystemicIssue.objects.get()
    issue.status = IssueStatus.ACKNOWLEDGED
    issue.save()
    register_counts(world, {(categories[1], areas[0]): {TESTED_WEEK: 2}})  # late arrivals
    second = systemic_detect(now=now())
    assert (second.created, second.updated) == (0, 1)
    issue.refresh_from_db()
    assert issue.count == 32
    assert issue.status == IssueStatus.ACKNOWLEDGED  # kept
    assert issue.last_seen >= issue.first_seen
    assert SystemicIssue.objects.count() == 1


def test_a_type_elevated_in_many_districts_is_a_statewide_issue(world):
    plan, categories, areas = steady_plan(world, seed=5)
    for area in areas[:5]:
        plan[(categories[2], area)][TESTED_WEEK] = 12  # each moderately above ~5
    register_counts(world, plan)
    systemic_detect(now=now())
    statewide = SystemicIssue.objects.get(kind=IssueKind.WIDESPREAD)
    assert statewide.district is None
    assert statewide.area_path == "TS/"
    assert statewide.category == categories[2]
    assert {d["path"] for d in statewide.evidence["districts"]} >= {a.path for a in areas[:5]}
    assert statewide.p_value < 0.001
    # Its count and chart are the type's state totals.
    assert statewide.count == sum(plan[(categories[2], a)][TESTED_WEEK] for a in areas)
    assert statewide.evidence["counts"][-1] == statewide.count


def test_a_cell_elevated_week_after_week_is_persistent(world):
    plan, categories, areas = steady_plan(world, seed=7, rate=4.0)
    cell = (categories[0], areas[1])
    for w in WEEKS[-4:]:
        plan[cell][w] = 11  # about 2.75 times its rate, four weeks running
    register_counts(world, plan)
    systemic_detect(now=now())
    persistent = SystemicIssue.objects.get(kind=IssueKind.PERSISTENT)
    assert persistent.district == areas[1]
    assert persistent.count == 44
    assert persistent.evidence["tested_weeks"] == [w.isoformat() for w in WEEKS[-4:]]


def test_a_young_platform_is_not_a_spike(world):
    # Data only from the tested week: no baseline, nothing is claimed.
    categories, areas = many_cells(world, 2)
    register_counts(world, {(categories[0], areas[0]): {TESTED_WEEK: 40}})
    assert systemic_detect(now=now()).issues == []


def test_the_command_runs_the_detector(world, capsys):
    plan, categories, areas = steady_plan(world, seed=11)
    plan[(categories[0], areas[0])][TESTED_WEEK] = 25
    register_counts(world, plan)
    call_command("systemic_detect", "--week", "2026-11-18")
    out = capsys.readouterr().out
    assert "week of 2026-11-16" in out
    assert "spike REV-LAND-MUT TS/TS-ONE/" in out
    call_command("systemic_detect", "--week", "2026-11-18")
    assert SystemicIssue.objects.count() == 1


@pytest.mark.parametrize(
    "args",
    [["--week", "someday"], ["--week", "0001-01-03"], ["--alpha", "2"], ["--baseline-weeks", "1"]],
)
def test_the_command_refuses_bad_arguments(world, args):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("systemic_detect", *args)


def test_the_task_is_scheduled_and_idempotent(world, settings):
    from nivaran.systemic.tasks import systemic_detect as task

    entry = settings.CELERY_BEAT_SCHEDULE["systemic-detect"]
    assert entry["task"] == "nivaran.systemic.tasks.systemic_detect"
    assert task.name == entry["task"]
    assert task()["created"] == 0


def test_the_count_walks_the_registered_at_index(world):
    """On PostgreSQL the weekly count is a range over `grv_recent`, grouped in the database."""
    from django.db import connection

    from nivaran.grievances.models import Grievance as G

    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    register_counts(world, {(world.category, world.block): {WEEKS[-1]: 3}})
    captured: list[tuple[str, object]] = []

    def record(run, sql, params, many, ctx):
        captured.append((sql, params))
        return run(sql, params, many, ctx)

    with connection.execute_wrapper(record):
        selectors.weekly_counts(first_week=WEEKS[0], last_week=WEEKS[-1])
    sql, params = next((s, p) for s, p in captured if G._meta.db_table in s)
    assert "GROUP BY" in sql
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "grv_recent" in plan
