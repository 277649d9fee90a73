"""The weekly pack: its figures by hand, the same in the API, Excel and PDF; who opens it."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from nivaran.analytics.packs import pack_subjects
from nivaran.analytics.tests.conftest import WEEK

URL = "/api/v1/analytics/weekly-packs/department/REV/"


def api(world, username: str, url: str = URL, **query: str):
    client = APIClient()
    client.force_authenticate(world[username])
    return client.get(url, {"week": "2026-11-25", **query})


def test_the_pack_holds_the_week_computed_by_hand(week):
    body = api(week, "secretary").json()
    assert body["week"] == {"start": "2026-11-23", "end": "2026-11-29"}
    flows = {f["code"]: f["count"] for f in body["flows"]}
    assert flows["registered"] == 4 and flows["disposed"] == 2
    assert flows["disposed_in_time"] == 2 and flows["satisfied"] == 1
    assert flows["rejected"] == 1 and flows["escalated"] == 0
    assert body["pending"] == 2
    assert {a["code"]: a["count"] for a in body["age_buckets"]}["age_0_7"] == 2
    assert body["levels"] == [{"level": 1, "pending": 2, "waiting": 2, "overdue": 1}]
    assert [(c["code"], c["registered"]) for c in body["top_categories"]] == [
        ("REV-LAND-MUT", 3),
        ("REV-FLOOD", 1),
    ]
    assert body["others_share"] == 0.0
    assert body["standing"]["rank"] == 1 and body["standing"]["of"] == 2
    assert body["standing"]["score"] == 90.0
    assert [o["key"] for o in body["officers"]] == ["officer_l1"]


def test_the_pack_agrees_with_the_ranking_api(week):
    pack = api(week, "cmo").json()
    client = APIClient()
    client.force_authenticate(week["cmo"])
    ranking = client.get(
        "/api/v1/analytics/ranking/", {"period": f"{WEEK.start}..{WEEK.end}"}
    ).json()
    rev = next(e for e in ranking["entries"] if e["key"] == "REV")
    assert pack["standing"]["score"] == rev["score"]
    assert pack["standing"]["components"] == rev["components"]


def test_the_excel_file_holds_the_same_figures(week, client):
    client.force_login(week["secretary"])
    response = client.get("/analytics/weekly/department/REV.xlsx", {"week": "2026-11-23"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert cells["Registered"] == 4
    assert cells["Disposed within the deadline"] == 2
    assert cells["Score"] == "90.00"
    assert cells["Up to 7 days"] == 2
    assert cells["L1"] == 2


def test_the_pdf_holds_the_same_figures_in_shaped_hindi(week, client):
    client.force_login(week["secretary"])
    response = client.get("/hi/analytics/weekly/department/REV.pdf", {"week": "2026-11-23"})
    assert response.status_code == 200 and response.content[:5] == b"%PDF-"
    document = pdfium.PdfDocument(response.content)
    text = "".join(page.get_textpage().get_text_range() for page in document)
    assert "राजस्व" in text and "90.00" in text
    # The page renders (PDFium draws every glyph of the embedded, HarfBuzz-shaped font).
    image = document[0].render(scale=1).to_pil()
    assert image.getbbox() is not None


def test_who_may_open_which_pack(week):
    def kinds(username: str) -> set[tuple[str, str]]:
        return {(s.kind, s.code) for s in pack_subjects(actor=week[username])}

    assert kinds("secretary") == {("department", "REV")}
    assert kinds("district") == {("district", "TS-ONE")}
    assert ("department", "PWR") in kinds("cmo") and ("district", "TS-TWO") in kinds("cmo")
    assert kinds("officer_l1") == set() and kinds("citizen") == set()
    assert (
        api(week, "secretary", "/api/v1/analytics/weekly-packs/department/PWR/").status_code == 404
    )
    assert api(week, "officer_l1").status_code == 403
    assert api(week, "citizen").status_code == 403
    assert (
        api(week, "district", "/api/v1/analytics/weekly-packs/district/TS-ONE/").status_code == 200
    )
    assert (
        api(week, "district", "/api/v1/analytics/weekly-packs/district/TS-TWO/").status_code == 404
    )


@pytest.mark.parametrize(
    ("url", "week_text", "status"),
    [
        (URL, "yesterday", 400),
        ("/api/v1/analytics/weekly-packs/planet/REV/", "2026-11-23", 404),
        ("/api/v1/analytics/weekly-packs/department/NOPE/", "2026-11-23", 404),
    ],
)
def test_bad_pack_requests_are_clear(week, url, week_text, status):
    assert api(week, "cmo", url, week=week_text).status_code == status


def test_the_pack_pages(week, client):
    client.force_login(week["nodal"])
    index = client.get("/analytics/weekly/", {"week": "2026-11-23"})
    assert (
        index.status_code == 200 and "/analytics/weekly/department/REV/" in index.content.decode()
    )
    page = client.get("/analytics/weekly/department/REV/", {"week": "2026-11-23"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-flow="registered"' in html and 'data-category="REV-LAND-MUT"' in html
    client.force_login(week["officer_l1"])
    assert client.get("/analytics/weekly/").status_code == 403


def test_the_weeks_systemic_issues_are_in_the_pack(week):
    from nivaran.systemic.tests.factories import make_issue

    make_issue(category=week.category, district=week.district, week=WEEK.start)
    make_issue(category=week.other_category, district=week.district, week=WEEK.start)
    body = api(week, "secretary").json()
    assert [(i["kind"], i["category"], i["count"]) for i in body["systemic_issues"]] == [
        ("spike", "Mutation pending", 24)
    ]  # Power's issue is another department's
    assert api(week, "cmo").json()["systemic_issues"][0]["district"] == "One"
