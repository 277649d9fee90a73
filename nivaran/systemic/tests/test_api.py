"""The systemic-issues API: who sees which issue, who may acknowledge, and bad requests."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from rest_framework.test import APIClient

from nivaran.systemic.models import Acknowledgement, IssueKind, IssueStatus, SystemicIssue
from nivaran.systemic.tests.factories import make_issue

pytestmark = pytest.mark.django_db

LIST = "/api/v1/analytics/systemic-issues/"


def ack_url(issue_id: object) -> str:
    return f"{LIST}{issue_id}/acknowledge/"


@pytest.fixture
def issues(world):
    """Revenue and Power issues in both districts, and a statewide Revenue one."""
    return {
        "rev_one": make_issue(category=world.category, district=world.district),
        "pwr_one": make_issue(category=world.other_category, district=world.district),
        "rev_two": make_issue(category=world.hours_category, district=world.other_district),
        "pwr_two": make_issue(category=world.other_category, district=world.other_district),
        "rev_state": make_issue(category=world.category, district=None, kind=IssueKind.WIDESPREAD),
    }


def client_for(world, username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(world[username])
    return client


ALL = {"rev_one", "pwr_one", "rev_two", "pwr_two", "rev_state"}
SEES = {
    "cmo": ALL,
    "analyst": ALL,
    "telecaller": ALL,
    "admin": ALL,
    "officer_l1": {"rev_one"},  # Revenue in district One
    "other_l1": {"rev_two"},  # Revenue in district Two
    "power_je": {"pwr_one"},  # Power in district One: never Revenue's, never Two's
    "hod": {"rev_one", "rev_two", "rev_state"},
    "secretary": {"rev_one", "rev_two", "rev_state"},
    "nodal": {"rev_one", "rev_two", "rev_state"},
    "district": {"rev_one", "pwr_one"},  # the DM: every department in the district
}


@pytest.mark.parametrize("username", sorted(SEES))
def test_each_role_sees_only_its_issues(world, issues, username):
    response = client_for(world, username).get(LIST)
    assert response.status_code == 200, response.content
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {issues[name].pk for name in SEES[username]}


@pytest.mark.parametrize("username", ["citizen", "fieldexec"])
def test_citizens_and_others_are_refused(world, issues, username):
    response = client_for(world, username).get(LIST)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_anonymous_is_refused(world, issues):
    assert APIClient().get(LIST).status_code in {401, 403}


def test_the_list_carries_the_evidence(world, issues):
    row = next(
        r
        for r in client_for(world, "cmo").get(LIST).json()["results"]
        if r["id"] == issues["rev_one"].pk
    )
    assert row["kind"] == "spike"
    assert row["category"] == {"code": "REV-LAND-MUT", "name": "Mutation pending"}
    assert row["department"]["code"] == "REV"
    assert row["district"] == {"code": "TS-ONE", "name": "One"}
    assert row["count"] == 24
    assert row["baseline"] == 5.0
    assert row["method"] == "poisson"
    assert row["p_value"] == 1e-9
    assert row["alpha"] == 0.001
    assert row["weeks"] == [
        {"week": "2026-11-09", "count": 5, "tested": False},
        {"week": "2026-11-16", "count": 24, "tested": True},
    ]
    assert row["may_acknowledge"] is True
    state = next(
        r
        for r in client_for(world, "cmo").get(LIST).json()["results"]
        if r["id"] == issues["rev_state"].pk
    )
    assert state["district"] is None


def test_sample_grievances_are_listed_only_where_the_caller_may_open_them(world):
    revenue = world.register(category=world.category, area=world.block)
    power = world.register(category=world.other_category, area=world.block)
    issue = make_issue(
        category=world.category, district=world.district, samples=[revenue.number, power.number]
    )
    # The Revenue officer sees the issue but not Power's grievance in it.
    mine = client_for(world, "officer_l1").get(LIST).json()["results"]
    assert [(r["id"], r["sample_grievances"]) for r in mine] == [(issue.pk, [revenue.number])]
    cmo = client_for(world, "cmo").get(LIST).json()["results"]
    assert cmo[0]["sample_grievances"] == [revenue.number, power.number]


def test_filters(world, issues):
    cmo = client_for(world, "cmo")
    issues["pwr_two"].status = IssueStatus.ACKNOWLEDGED
    issues["pwr_two"].save()
    old = make_issue(category=world.category, district=world.district, week=date(2026, 10, 5))

    def ids(**params: str) -> set[int]:
        response = cmo.get(LIST, params)
        assert response.status_code == 200, response.content
        return {r["id"] for r in response.json()["results"]}

    assert ids(status="acknowledged") == {issues["pwr_two"].pk}
    assert ids(kind="widespread") == {issues["rev_state"].pk}
    assert ids(department="PWR") == {issues["pwr_one"].pk, issues["pwr_two"].pk}
    assert ids(district="TS-TWO") == {issues["rev_two"].pk, issues["pwr_two"].pk}
    assert ids(district="NOWHERE") == set()
    assert old.pk in ids()
    assert old.pk not in ids(since="2026-11-18")  # a Wednesday: its week on
    assert ids(since="2026-11-18") == {i.pk for i in issues.values()}


@pytest.mark.parametrize(
    "params",
    [
        {"status": "closed"},
        {"kind": "tsunami"},
        {"since": "yesterday"},
        {"since": "2026-13-01"},
        {"department": "X" * 500},
        {"page": "0"},
        {"page_size": "abc", "page": "99"},
    ],
)
def test_bad_filters_are_400_or_404_never_500(world, issues, params):
    response = client_for(world, "cmo").get(LIST, params)
    assert response.status_code in {400, 404}
    assert "code" in response.json()


# --- Acknowledging -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "issue", "status"),
    [
        ("secretary", "rev_one", 200),
        ("hod", "rev_two", 200),
        ("nodal", "rev_state", 200),
        ("cmo", "pwr_two", 200),  # the CMO cell: any department's
        ("cmo", "rev_state", 200),
        ("hod", "pwr_one", 403),  # another department's
        ("secretary", "pwr_two", 403),
        ("officer_l1", "rev_one", 403),  # sees it, may not acknowledge it
        ("district", "rev_one", 403),
        ("analyst", "rev_one", 403),
        ("admin", "rev_one", 403),
        ("power_je", "rev_one", 403),
        ("citizen", "rev_one", 403),
        ("fieldexec", "rev_one", 403),
    ],
)
def test_who_may_acknowledge(world, issues, username, issue, status):
    target = issues[issue]
    response = client_for(world, username).post(
        ack_url(target.pk),
        {"policy_note": "Tehsil staff to clear the mutation backlog."},
        format="json",
    )
    assert response.status_code == status, response.content
    target.refresh_from_db()
    if status == 200:
        body = response.json()
        assert body["status"] == "acknowledged"
        assert body["acknowledged_by"] == username
        assert body["policy_note"] == "Tehsil staff to clear the mutation backlog."
        assert [a["by"] for a in body["acknowledgements"]] == [username]
        assert target.status == IssueStatus.ACKNOWLEDGED
        assert target.acknowledged_by == world[username]
        log = Acknowledgement.objects.get(issue=target)
        assert (log.actor_username, log.actor_role) == (username, world[username].role)
    else:
        assert target.status == IssueStatus.OPEN
        assert not Acknowledgement.objects.exists()


def test_a_second_acknowledgement_is_a_409_naming_the_first(world, issues):
    url = ack_url(issues["rev_one"].pk)
    first = client_for(world, "secretary").post(
        url, {"policy_note": "Backlog drive."}, format="json"
    )
    assert first.status_code == 200
    again = client_for(world, "cmo").post(url, {"policy_note": "Another note."}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "already_acknowledged"
    assert "secretary" in again.json()["detail"]
    assert Acknowledgement.objects.count() == 1
    issues["rev_one"].refresh_from_db()
    assert issues["rev_one"].policy_note == "Backlog drive."


def test_the_log_is_append_only(world, issues):
    client_for(world, "cmo").post(
        ack_url(issues["rev_one"].pk), {"policy_note": "Noted."}, format="json"
    )
    log = Acknowledgement.objects.get()
    log.policy_note = "Changed."
    with pytest.raises(RuntimeError):
        log.save()
    with pytest.raises(RuntimeError):
        log.delete()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"policy_note": ""},
        {"policy_note": "   "},
        {"policy_note": None},
        {"policy_note": ["a list"]},
        {"policy_note": {"an": "object"}},
        {"policy_note": "x" * 4001},
        {"policy_note": "nul \x00 inside"},
        ["policy_note"],
        "just a string",
    ],
)
def test_bad_bodies_are_400(world, issues, body):
    response = client_for(world, "cmo").post(ack_url(issues["rev_one"].pk), body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] in {"invalid", "bad_request", "parse_error"}
    issues["rev_one"].refresh_from_db()
    assert issues["rev_one"].status == IssueStatus.OPEN


def test_a_body_that_is_not_json_is_400(world, issues):
    response = client_for(world, "cmo").post(
        ack_url(issues["rev_one"].pk), "{not json", content_type="application/json"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("issue_id", ["999999", "9" * 30, "abc", "-1", "0"])
def test_no_such_issue_is_404(world, issues, issue_id):
    response = client_for(world, "cmo").post(
        f"{LIST}{issue_id}/acknowledge/", {"policy_note": "x"}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_get_on_acknowledge_is_405(world, issues):
    assert client_for(world, "cmo").get(ack_url(issues["rev_one"].pk)).status_code == 405


def test_no_issue_is_written_by_reading(world, issues):
    before = SystemicIssue.objects.count()
    client_for(world, "cmo").get(LIST)
    assert SystemicIssue.objects.count() == before


def test_the_list_takes_the_same_queries_for_2_and_12_issues(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from nivaran.systemic.services import issue_acknowledge

    client = client_for(world, "secretary")
    numbers = [world.register(category=world.category, area=world.block).number]

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST).status_code == 200
        return len(ctx.captured_queries)

    def add(n: int) -> None:
        for i in range(n):
            issue = make_issue(
                category=world.category,
                district=[world.district, world.other_district][i % 2],
                week=date(2025, 1, 6) + timedelta(weeks=SystemicIssue.objects.count()),
                samples=numbers,
            )
            if i % 2:
                issue_acknowledge(actor=world["cmo"], issue_id=issue.pk, policy_note="Noted.")

    add(2)
    few = count()
    add(10)
    assert count() == few
