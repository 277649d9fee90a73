"""The dashboard's figures and filters, its downloads, and the public transparency page."""

from __future__ import annotations

import pytest

from nivaran.analytics.dashboard import DashboardFilters, dashboard_compute
from nivaran.analytics.tests.conftest import WEEK
from nivaran.core.errors import InvalidInput, PermissionDenied

QUERY = {"start": "2026-11-23", "end": "2026-11-29"}


def test_the_dashboard_totals_and_series(week):
    board = dashboard_compute(actor=week["cmo"], period=WEEK, filters=DashboardFilters())
    assert board.totals["registered"] == 5 and board.totals["disposed"] == 2
    assert board.totals["pending"] == 3 and board.totals["overdue"] == 1
    assert board.rates["satisfaction"] == 1.0
    assert [r["registered"] for r in board.trend] == [4, 1, 0, 0, 0, 0, 0]
    assert board.trend[0]["disposed"] == 2
    assert board.channels[0][0] == "call_centre" and board.channels[0][2] == 5
    assert board.levels == [{"level": 1, "pending": 3, "waiting": 3, "overdue": 1}]
    assert {d["code"]: d["pending"] for d in board.departments} == {"REV": 2, "PWR": 1}
    assert {d["code"] for d in board.districts} == {"TS-ONE"}


def test_the_filters_narrow_the_figures(week):
    rev = dashboard_compute(
        actor=week["cmo"], period=WEEK, filters=DashboardFilters(department="REV")
    )
    assert rev.totals["registered"] == 4 and rev.totals["pending"] == 2
    flood = dashboard_compute(
        actor=week["cmo"], period=WEEK, filters=DashboardFilters(category="REV-FLOOD")
    )
    assert flood.totals["registered"] == 1
    web = dashboard_compute(actor=week["cmo"], period=WEEK, filters=DashboardFilters(channel="web"))
    assert web.totals["registered"] == 0
    with pytest.raises(InvalidInput) as caught:
        dashboard_compute(
            actor=week["cmo"], period=WEEK,
            filters=DashboardFilters(department="NOPE", district="X", channel="fax", level=7),
        )  # fmt: skip
    assert set(caught.value.fields) == {"department", "district", "channel", "level"}


def test_an_officer_sees_only_their_departments_figures(week):
    power = dashboard_compute(actor=week["power_je"], period=WEEK, filters=DashboardFilters())
    assert power.totals["registered"] == 1
    assert {d["code"] for d in power.departments} == {"PWR"}
    with pytest.raises(PermissionDenied):
        dashboard_compute(actor=week["citizen"], period=WEEK, filters=DashboardFilters())


def test_the_dashboard_page_and_its_downloads(week, client):
    client.force_login(week["cmo"])
    page = client.get("/analytics/", QUERY)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-chart="chart-trend"' in html and 'id="chart-trend"' in html
    assert 'data-total="registered">5<' in html
    assert "vendor/chartjs/chart.umd.min.js" in html
    rows = b"".join(client.get("/analytics/figures.csv", QUERY).streaming_content)
    assert rows.decode("utf-8-sig").splitlines()[1].startswith("TS-ONE,One,5,2,2,1,1")
    by_department = client.get("/analytics/figures.xlsx", {**QUERY, "by": "department"})
    assert by_department.status_code == 200 and by_department.content[:2] == b"PK"
    assert client.get("/analytics/", {**QUERY, "level": "x"}).status_code == 400
    assert client.get("/analytics/", {"start": "2026-02-30", "end": "x"}).status_code == 400


def test_the_transparency_page_is_public_and_personal_data_free(week, client):
    page = client.get("/transparency/", QUERY)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-total="registered">5<' in html and 'data-code="REV"' in html
    for personal in ("Ramesh", "9876", "officer_l1", "Officer_L1", week["officer_l1"].mobile):
        assert personal not in html
    hindi = client.get("/hi/transparency/", QUERY).content.decode()
    assert "राजस्व" in hindi


def test_the_transparency_page_survives_nonsense(week, client):
    page = client.get("/transparency/", {"start": "x", "end": "y"})
    assert page.status_code == 200  # the default period instead


def test_the_dashboard_api(week):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(week["analyst"])
    body = client.get("/api/v1/analytics/dashboard/", {**QUERY, "department": "REV"}).json()
    assert body["totals"]["registered"] == 4 and body["totals"]["pending"] == 2
    assert [d["registered"] for d in body["trend"]] == [4, 0, 0, 0, 0, 0, 0]
    assert body["levels"] == [{"level": 1, "pending": 2, "waiting": 2, "overdue": 1}]
    for bad in ({"level": "x"}, {"channel": "fax"}, {"period": "bad"}, {"start": "2026-01-01"}):
        assert client.get("/api/v1/analytics/dashboard/", bad).status_code == 400
    client.force_authenticate(week["citizen"])
    assert client.get("/api/v1/analytics/dashboard/").status_code == 403


def test_the_public_figures_need_no_sign_in_and_hold_no_personal_data(week):
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/public/figures/", QUERY)
    assert response.status_code == 200
    body = response.json()
    assert body["totals"]["registered"] == 5
    assert {d["code"] for d in body["departments"]} == {"REV", "PWR"}
    assert set(body["departments"][0]) == {
        "code", "name", "registered", "disposed", "pending", "overdue", "age_over_50",
        "disposed_in_time_rate", "satisfaction_rate", "special_close_share",
    }  # fmt: skip
    assert "9876" not in response.content.decode()
    hindi = APIClient().get("/api/v1/public/figures/", QUERY, HTTP_ACCEPT_LANGUAGE="hi")
    assert "राजस्व" in hindi.content.decode()
    assert APIClient().get("/api/v1/public/figures/", {"period": "x"}).status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        {"period": "9999-12-25..9999-12-31"},
        {"period": "0001-01-01..0001-01-07"},
        {"level": "²"},
        {"level": "9" * 5000},
        {"start": "2026-02-30", "end": "2026-03-01"},
    ],
)
def test_edge_queries_are_400_not_500(week, query):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(week["cmo"])
    assert client.get("/api/v1/analytics/dashboard/", query).status_code == 400
    assert client.get("/api/v1/analytics/ranking/", query).status_code in (200, 400)
    page = APIClient()
    page.force_login(week["cmo"])
    assert page.get("/analytics/", query).status_code == 400


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-03", "1999-12-31"])
def test_a_week_at_the_calendars_edge_is_400(week, day):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(week["cmo"])
    url = "/api/v1/analytics/weekly-packs/department/REV/"
    assert client.get(url, {"week": day}).status_code == 400


def test_the_public_figures_are_throttled(week, settings):
    from rest_framework.test import APIClient

    settings.NIVARAN_PUBLIC_FIGURES_RATE = "3/min"
    client = APIClient()
    codes = [client.get("/api/v1/public/figures/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
