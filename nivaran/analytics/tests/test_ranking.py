"""The ranking against a hand-computed week, and the rollups that feed it."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from nivaran.analytics.models import DailyFigure, PendingSnapshot
from nivaran.analytics.ranking import Period, period_parse, ranking_compute
from nivaran.analytics.rollups import rollups_rebuild, rollups_refresh
from nivaran.analytics.tests.conftest import WEEK, act, at
from nivaran.core.errors import InvalidInput, PermissionDenied
from nivaran.profiles.loader import load_profile


def test_the_week_ranks_as_computed_by_hand(week):
    ranking = ranking_compute(actor=week["cmo"], scope="department", period=WEEK)
    assert [e.key for e in ranking.entries] == ["REV", "PWR"]  # worst first
    rev, pwr = ranking.entries
    parts = {c.code: c for c in rev.components}
    # Disposed 2 (closed + rejected), both at L1 by the deadline: 30 of 30.
    assert (parts["disposed_in_time"].numerator, parts["disposed_in_time"].denominator) == (2, 2)
    # One feedback answered, satisfied: 30 of 30.
    assert (parts["satisfaction"].numerator, parts["satisfaction"].denominator) == (1, 1)
    # Waiting at the end: the interim-replied one and the overdue one: 1 - 1/2, 20 x 0.5.
    assert (parts["pending_beyond_deadline"].numerator,
            parts["pending_beyond_deadline"].denominator) == (1, 2)  # fmt: skip
    assert parts["pending_beyond_deadline"].points == 10.0
    # No special close, reopen, conflict or recall among 2 disposals: 10 + 5 + 5.
    assert parts["special_close_share"].points == 10.0
    assert parts["reopen_conflict_rate"].points == 5.0
    assert parts["recall_rate"].points == 5.0
    assert rev.score == 90.0 and rev.grade == "A"
    assert rev.volume == {"registered": 4, "disposed": 2, "pending": 2}
    # Power: only pending in time applies (20 of 20): 100.
    assert pwr.score == 100.0
    assert [c.code for c in pwr.components if c.applicable] == ["pending_beyond_deadline"]
    assert ranking.pending_as_of == date(2026, 11, 29)


def test_madhya_pradesh_grades_with_its_published_weights(week, settings):
    settings.NIVARAN_PROFILE = "madhya_pradesh"
    load_profile.cache_clear()
    ranking = ranking_compute(actor=week["cmo"], scope="department", period=WEEK)
    rev = ranking.entries[0]
    assert ranking.formula.weights == {
        "satisfaction": 60,
        "pending_over_50_days": 20,
        "poor_quality_closure": 10,
        "not_attended": 10,
    }
    # 60 x 1/1 + 20 x (1 - 0/2) + 10 x (1 - 0/2) + 10 x (1 - 0/4) = 100.
    assert rev.score == 100.0 and rev.grade == "A"


def test_movement_since_the_previous_week(week):
    # The next week: Revenue's overdue one is still there, its satisfied share unknown.
    ranking = ranking_compute(
        actor=week["cmo"], scope="department", period=Period(date(2026, 11, 30), date(2026, 12, 6))
    )
    assert ranking.previous_period == WEEK
    rev = next(e for e in ranking.entries if e.key == "REV")
    assert rev.previous_score == 90.0
    assert rev.previous_rank == 1


def test_a_refresh_equals_a_rebuild(week):
    def rows():
        return sorted(
            DailyFigure.objects.values_list(
                "day", "department_id", "district_id", "category_id", "channel", "officer_id",
                "registered", "disposed", "disposed_in_time", "satisfied", "feedback_answered",
            )
        )  # fmt: skip

    incremental = rows()
    rollups_refresh(now=at(29, 23))  # again: nothing changes
    assert rows() == incremental
    rollups_rebuild(now=at(29, 23))
    assert rows() == incremental
    assert sum(r[6] for r in incremental) == 5


def test_the_snapshot_counts_what_is_pending_and_overdue(week):
    totals = {
        f: sum(PendingSnapshot.objects.filter(day=date(2026, 11, 29)).values_list(f, flat=True))
        for f in ("pending", "waiting", "overdue", "age_0_7")
    }
    assert totals == {"pending": 3, "waiting": 3, "overdue": 1, "age_0_7": 3}


def test_officers_are_ranked_only_within_reach(week):
    everyone = ranking_compute(actor=week["cmo"], scope="officer", period=WEEK)
    assert "officer_l1" in {e.key for e in everyone.entries}
    mine = ranking_compute(actor=week["power_je"], scope="officer", period=WEEK)
    assert "officer_l1" not in {e.key for e in mine.entries}
    with pytest.raises(PermissionDenied):
        ranking_compute(actor=week["citizen"], scope="department", period=WEEK)


@pytest.mark.parametrize(
    "text", ["2026-11-30", "2026-11-30..2026-11-01", "x..y", "2025-01-01..2026-12-31", "..", "ü"]
)
def test_bad_periods_are_clear_errors(text):
    with pytest.raises(InvalidInput):
        period_parse(text, today=date(2026, 12, 2))


def test_the_default_period_is_the_last_complete_week():
    assert period_parse(None, today=date(2026, 12, 2)) == WEEK  # a Wednesday


def test_the_api_returns_every_component(week):
    client = APIClient()
    client.force_authenticate(week["analyst"])
    response = client.get(
        "/api/v1/analytics/ranking/", {"period": "2026-11-23..2026-11-29", "scope": "department"}
    )
    assert response.status_code == 200
    body = response.json()
    assert [e["key"] for e in body["entries"]] == ["REV", "PWR"]
    assert body["entries"][0]["score"] == 90.0
    assert {c["code"] for c in body["entries"][0]["components"]} == {
        "disposed_in_time", "satisfaction", "pending_beyond_deadline",
        "special_close_share", "reopen_conflict_rate", "recall_rate",
    }  # fmt: skip
    assert body["formula"]["weights"][0]["points"] == 30


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"period": "nonsense"}, 400),
        ({"scope": "planet"}, 400),
        ({"period": "2026-11-23..2026-11-29", "scope": "district"}, 200),
        ({"period": "2026-11-23..2026-11-29", "scope": "officer"}, 200),
    ],
)
def test_the_api_refuses_bad_queries(week, query, status):
    client = APIClient()
    client.force_authenticate(week["cmo"])
    assert client.get("/api/v1/analytics/ranking/", query).status_code == status


def test_citizens_and_strangers_get_no_ranking(week):
    client = APIClient()
    assert client.get("/api/v1/analytics/ranking/").status_code in (401, 403)
    client.force_authenticate(week["citizen"])
    assert client.get("/api/v1/analytics/ranking/").status_code == 403


def test_the_ranking_page_shows_the_formula_and_downloads(week, client):
    client.force_login(week["secretary"])
    page = client.get("/analytics/ranking/", {"start": "2026-11-23", "end": "2026-11-29"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-key="REV"' in html and "90.00" in html
    assert "How the score is computed" in html and "Citizen satisfaction" in html
    csv = client.get("/analytics/ranking.csv", {"start": "2026-11-23", "end": "2026-11-29"})
    lines = b"".join(csv.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("rank,key,name,score,grade")
    assert lines[1].startswith("1,REV,Revenue,90.00,A")
    xlsx = client.get("/analytics/ranking.xlsx", {"start": "2026-11-23", "end": "2026-11-29"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


@pytest.mark.parametrize(
    "query", [{"start": "2026-13-01", "end": "x"}, {"scope": "moon"}, {"period": "9..9"}]
)
def test_the_ranking_page_explains_bad_input(week, client, query):
    client.force_login(week["cmo"])
    assert client.get("/analytics/ranking/", query).status_code == 400


def test_the_ranking_page_in_hindi(week, client):
    client.force_login(week["cmo"])
    page = client.get(
        "/hi/analytics/ranking/", {"start": "2026-11-23", "end": "2026-11-29"}
    ).content.decode()
    assert "राजस्व" in page
    assert "नागरिक संतुष्टि" in page and "Citizen satisfaction" not in page  # the components


def test_a_citizen_gets_no_ranking_page(week, client):
    client.force_login(week["citizen"])
    assert client.get("/analytics/ranking/").status_code == 403


def test_the_replayed_snapshots_equal_those_taken_at_each_midnight(world):
    """Replaying the history gives each past day what a refresh at its midnight took."""
    from nivaran.analytics.rollups import snapshot_pending, snapshots_replay

    g1 = world.register(at=at(23, 11))
    world.register(at=at(23, 11, 30), category=world.hours_category, mobile="9876500004")
    taken = {}

    def take(day: int) -> None:
        snapshot_pending(date(2026, 11, day), at=at(day + 1, 0))
        taken[day] = _snapshot(date(2026, 11, day))

    take(23)
    act(world, "officer_l1", g1, "submit_atr", {"summary": "Mutation entered"}, at(24, 12))
    take(24)
    act(world, "feedback", g1, "record_feedback", {"outcome": "satisfied"}, at(25, 9))
    take(25)
    PendingSnapshot.objects.all().delete()
    snapshots_replay(until=at(26, 8))
    assert {day: _snapshot(date(2026, 11, day)) for day in (23, 24, 25)} == taken
    assert taken[24]["awaiting_feedback"] == 1 and taken[25]["pending"] == 1
    assert taken[25]["overdue"] == 1  # the 8-working-hour one, since the 24th


def _snapshot(day: date) -> dict[str, object]:
    rows = PendingSnapshot.objects.filter(day=day)
    return {
        "cells": sorted(
            rows.values_list("department_id", "district_id", "level", "officer_id", "pending")
        ),
        **{
            f: sum(rows.values_list(f, flat=True))
            for f in ("pending", "waiting", "overdue", "awaiting_feedback", "age_0_7")
        },
    }


def test_the_profile_loader_knows_every_component():
    from nivaran.analytics.ranking import COMPONENTS
    from nivaran.profiles.loader import RANKING_COMPONENTS

    assert set(COMPONENTS) == RANKING_COMPONENTS


@pytest.mark.parametrize(
    "ranking",
    [
        {"weights": {"happiness": 10}},
        {"weights": {"satisfaction": -1}},
        {"weights": {"satisfaction": 0}},
        {"weights": {"satisfaction": "ten"}},
        {"grades": [{"grade": "A", "min": 50}]},
        {"grades": [{"grade": "B", "min": 0}, {"grade": "A", "min": 80}]},
        {"grades": "A"},
    ],
)
def test_the_loader_refuses_a_bad_ranking(tmp_path, settings, ranking):
    import shutil

    import yaml

    from nivaran.profiles import loader

    folder = tmp_path / "haryana"
    shutil.copytree(loader.DATA_DIR / "haryana", folder)
    data = yaml.safe_load((folder / "profile.yaml").read_text(encoding="utf-8"))
    data["ranking"] = ranking
    (folder / "profile.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    settings.NIVARAN_PROFILE = "haryana"
    original = loader.DATA_DIR
    loader.DATA_DIR = tmp_path
    loader.load_profile.cache_clear()
    try:
        with pytest.raises(loader.ProfileError):
            loader.load_profile("haryana")
    finally:
        loader.DATA_DIR = original
        loader.load_profile.cache_clear()


def test_a_transfer_moves_the_earlier_days_in_a_refresh_as_in_a_rebuild(world, monkeypatch):
    from nivaran.analytics import rollups

    monkeypatch.setattr(rollups, "OVERLAP", 0)  # as on a busy state: nothing re-read
    g = world.register(at=at(23, 11))
    rollups_refresh(now=at(23, 23))
    transfer = {"department": "PWR", "category": "PWR-SUP", "reason": "A power matter"}
    act(world, "officer_l1", g, "transfer", transfer, at(25, 11))
    rollups_refresh(now=at(25, 23))

    def registered_on_23rd() -> dict[str, int]:
        rows = DailyFigure.objects.filter(day=date(2026, 11, 23), registered__gt=0)
        return {r.department.code: r.registered for r in rows.select_related("department")}

    refreshed = registered_on_23rd()
    rollups_rebuild(now=at(25, 23))
    assert refreshed == registered_on_23rd() == {"PWR": 1}


def test_a_closure_on_feedback_is_in_time_by_its_atr(world):
    """The officer reported an hour after registration; the feedback desk reached the
    citizen three weeks later, long after the deadline: still disposed in time."""
    g = world.register(at=at(2, 11))
    act(world, "officer_l1", g, "submit_atr", {"summary": "Mutation entered"}, at(2, 12))
    act(world, "feedback", g, "record_feedback", {"outcome": "satisfied"}, at(23, 13))
    late = world.register(at=at(2, 11, 30), mobile="9876500020")
    act(world, "officer_l1", late, "reject", {"reason": "Not a grievance"}, at(23, 14))
    rollups_refresh(now=at(29, 23))
    week = DailyFigure.objects.filter(day=date(2026, 11, 23))
    assert sum(week.values_list("disposed", flat=True)) == 2
    assert sum(week.values_list("disposed_in_time", flat=True)) == 1
