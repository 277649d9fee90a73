"""The systemic-issues page: who sees it, the evidence it shows, the acknowledgement form."""

from __future__ import annotations

import pytest
from django.test import Client

from nivaran.systemic.models import IssueKind, IssueStatus
from nivaran.systemic.tests.factories import make_issue

pytestmark = pytest.mark.django_db

PAGE = "/analytics/systemic/"


def client_for(world, username: str) -> Client:
    client = Client()
    client.force_login(world[username])
    return client


@pytest.fixture
def issues(world):
    revenue = world.register(category=world.category, area=world.block)
    return {
        "rev_one": make_issue(
            category=world.category, district=world.district, samples=[revenue.number]
        ),
        "pwr_one": make_issue(category=world.other_category, district=world.district),
        "rev_state": make_issue(category=world.category, district=None, kind=IssueKind.WIDESPREAD),
        "number": revenue.number,
    }


def test_the_cmo_cell_sees_every_issue_with_its_evidence(world, issues):
    response = client_for(world, "cmo").get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("rev_one", "pwr_one", "rev_state"):
        assert f'data-issue="{issues[name].pk}"' in html
    assert "Mutation pending" in html
    assert "Whole state" in html
    assert "against 5.0 expected" in html
    assert 'data-testid="weekly-counts"' in html
    assert "<rect" in html  # the small weekly chart
    assert f">{issues['number']}</a>" in html
    assert html.count('data-form="acknowledge"') == 3
    assert 'href="/analytics/systemic/"' in html  # the navigation's link


def test_an_officer_sees_only_their_department_and_district_and_cannot_acknowledge(world, issues):
    html = client_for(world, "power_je").get(PAGE).content.decode()
    assert f'data-issue="{issues["pwr_one"].pk}"' in html
    assert f'data-issue="{issues["rev_one"].pk}"' not in html
    assert f'data-issue="{issues["rev_state"].pk}"' not in html
    assert 'data-form="acknowledge"' not in html
    assert issues["number"] not in html


@pytest.mark.parametrize("username", ["citizen", "fieldexec"])
def test_citizens_are_refused(world, issues, username):
    response = client_for(world, username).get(PAGE)
    assert response.status_code == 403
    assert "Mutation pending" not in response.content.decode()


def test_the_navigation_offers_the_page_only_to_those_who_may_see_it(world):
    # A tab of the analytics, which the navigation's "Analytics" opens.
    officer = client_for(world, "officer_l1")
    assert 'href="/analytics/"' in officer.get("/").content.decode()
    assert 'href="/analytics/systemic/"' in officer.get("/analytics/").content.decode()
    field = client_for(world, "fieldexec").get("/field/").content.decode()
    assert 'href="/analytics/systemic/"' not in field and 'href="/analytics/"' not in field


def test_the_page_reads_in_hindi(world, issues):
    response = client_for(world, "cmo").get("/hi" + PAGE)
    assert response.status_code == 200
    assert 'lang="hi"' in response.content.decode()
    assert "इंतकाल लंबित" in response.content.decode()  # the type's Hindi name


def test_the_secretary_acknowledges_with_a_policy_note(world, issues):
    client = client_for(world, "secretary")
    issue = issues["rev_one"]
    response = client.post(
        f"{PAGE}{issue.pk}/acknowledge/",
        {"policy_note": "Special camps for mutations in every tehsil.", "next": PAGE},
        follow=True,
    )
    assert response.status_code == 200
    issue.refresh_from_db()
    assert issue.status == IssueStatus.ACKNOWLEDGED
    assert issue.acknowledged_by == world["secretary"]
    html = client.get(PAGE + "?status=").content.decode()
    assert "Special camps for mutations in every tehsil." in html
    # Acknowledged issues leave the default view (open ones).
    assert f'data-issue="{issue.pk}"' not in client.get(PAGE).content.decode()


def test_an_empty_note_or_another_department_is_refused_with_a_message(world, issues):
    client = client_for(world, "secretary")
    response = client.post(
        f"{PAGE}{issues['rev_one'].pk}/acknowledge/", {"policy_note": "  "}, follow=True
    )
    assert "Please correct the form." in response.content.decode()
    response = client.post(
        f"{PAGE}{issues['pwr_one'].pk}/acknowledge/", {"policy_note": "Not ours."}, follow=True
    )
    assert "Your role or jurisdiction does not allow this." in response.content.decode()
    for name in ("rev_one", "pwr_one"):
        issues[name].refresh_from_db()
        assert issues[name].status == IssueStatus.OPEN


def test_an_outside_next_is_not_followed(world, issues):
    response = client_for(world, "cmo").post(
        f"{PAGE}{issues['rev_one'].pk}/acknowledge/",
        {"policy_note": "Noted.", "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == PAGE


@pytest.mark.parametrize(
    "query", ["?status=closed", "?since=notadate", "?kind=x&department=" + "Z" * 300, "?page=abc"]
)
def test_bad_filters_show_a_page_not_an_error(world, issues, query):
    response = client_for(world, "cmo").get(PAGE + query)
    assert response.status_code == 200


def test_filters_narrow_the_list(world, issues):
    html = client_for(world, "cmo").get(PAGE + "?department=PWR").content.decode()
    assert f'data-issue="{issues["pwr_one"].pk}"' in html
    assert f'data-issue="{issues["rev_one"].pk}"' not in html


def test_the_admin_lists_issues_and_acknowledgements_read_only(world, issues):
    from nivaran.systemic.services import issue_acknowledge

    issue_acknowledge(actor=world["cmo"], issue_id=issues["rev_one"].pk, policy_note="Noted.")
    admin = world["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = client_for(world, "admin")
    for url in ("/admin/systemic/systemicissue/", "/admin/systemic/acknowledgement/"):
        assert client.get(url).status_code == 200
    assert client.get("/admin/systemic/acknowledgement/add/").status_code == 403
    issue_url = f"/admin/systemic/systemicissue/{issues['rev_one'].pk}/change/"
    assert client.get(issue_url).status_code == 200  # a view, not a form
    assert client.post(issue_url, {"status": "open"}).status_code == 403
