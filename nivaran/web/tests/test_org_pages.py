"""The organisation pages (U2, W9, W10) through HTTP: who opens which page and export, a
refused row on the page with its reason, the gaps CSV and the nodal directory's CSV and
Excel as files."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from nivaran.accounts.models import User
from nivaran.org.models import Designation, LevelMapping, NodalAppointment, OrgChange, Post
from nivaran.testing.world import PASSWORD, World

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(
    ("username", "department", "status"),
    [
        ("hod", "REV", 200),
        ("secretary", "REV", 200),
        ("admin", "PWR", 200),
        ("hod", "PWR", 403),
        ("power_je", "PWR", 403),
        ("officer_l1", "REV", 403),
        ("nodal", "REV", 403),
        ("district", "REV", 403),
        ("cmo", "REV", 403),
        ("telecaller", "REV", 403),
    ],
)
def test_the_editor_by_role_and_department(world: World, username, department, status):
    client = signed_in(username)
    assert client.get(f"/org/levels/{department}/").status_code == status
    row = LevelMapping.objects.filter(department__code=department, level=1).first()
    post = row.post.code
    response = client.post(
        f"/org/levels/{department}/",
        {"area": row.area.code if row.area else "", "level": 1, "post": post},
    )
    assert response.status_code == (302 if status == 200 else 403)
    assert OrgChange.objects.count() == (1 if status == 200 else 0)
    removed = client.post(f"/org/levels/{department}/rows/{row.pk}/remove/")
    assert removed.status_code == (302 if status == 200 else 403)
    assert LevelMapping.objects.filter(pk=row.pk).exists()  # allowed: refused as a gap


def test_the_editor_is_for_signed_in_officers_only(world: World):
    assert Client().get("/org/levels/REV/").status_code == 302
    assert signed_in("hod").get("/org/levels/")["Location"] == "/org/levels/REV/"
    assert signed_in("admin").get("/org/levels/").status_code == 200


def test_a_refused_row_says_why_on_the_page(world: World):
    client = signed_in("hod")
    response = client.post("/org/levels/REV/", {"area": "", "level": 3, "post": "REV-L2-ONE"})
    assert response.status_code == 400
    assert "L3 must be the head of department; REV-L2-ONE is not." in response.text
    assert LevelMapping.objects.get(department=world.department, level=3).post.code == "REV-L3"
    removal = client.post(
        "/org/levels/REV/rows/"
        f"{LevelMapping.objects.get(department=world.department, area=world.district, level=2).pk}"
        "/remove/",
        follow=True,
    )
    assert "This would leave One without an L2 officer." in removal.text


def test_a_saved_row_shows_in_the_mapping_and_the_change_log(world: World):
    Post.objects.create(
        code="REV-L1-B1",
        title="Tehsildar, One Block",
        designation=Designation.objects.get(code="tehsildar"),
        area=world.block,
        department=world.department,
    )
    response = signed_in("secretary").post(
        "/org/levels/REV/", {"area": "TS-ONE-B1", "level": 1, "post": "REV-L1-B1"}, follow=True
    )
    assert "L1 is now Tehsildar, One Block." in response.text
    assert 'data-area="TS-ONE-B1"' in response.text
    assert "added REV-L1-B1" in " ".join(response.text.split())


def _gap(world: World) -> None:
    LevelMapping.objects.filter(
        department=world.department, area=world.other_district, level=2
    ).delete()
    Post.objects.create(
        code="REV-VACANT",
        title="Naib Tehsildar, One",
        designation=Designation.objects.get(code="tehsildar"),
        area=world.district,
        department=world.department,
    )


def test_the_gaps_report_and_its_csv(world: World):
    _gap(world)
    page = signed_in("hod").get("/org/gaps/")
    assert page.status_code == 200
    assert 'data-gap="REV/TS-TWO/REV-LAND-MUT"' in page.text
    assert 'data-vacant="REV-VACANT"' in page.text
    assert "PWR/" not in page.text  # another department's gaps are not the HoD's
    export = signed_in("hod").get("/org/gaps.csv?district=TS-TWO&show=gaps")
    assert export.status_code == 200 and export.streaming
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    raw = _body(export)
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the file as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:6] == [
        "what",
        "department",
        "district",
        "complaint_type",
        "complaint_type_name",
        "complaint_type_name_hi",
    ]
    mutation = next(r for r in rows[1:] if r[3] == "REV-LAND-MUT")
    assert mutation[:7] == [
        "incomplete_chain",
        "REV",
        "TS-TWO",
        "REV-LAND-MUT",
        "Mutation pending",
        "इंतकाल लंबित",
        "L2",
    ]
    assert {r[2] for r in rows[1:]} == {"TS-TWO"}
    assert all(r[0] == "incomplete_chain" for r in rows[1:])


def test_the_cmo_cell_reads_every_departments_gaps(world: World):
    _gap(world)
    page = signed_in("cmo").get("/org/gaps/?department=PWR")
    assert 'data-gap="PWR/TS-ONE/PWR-SUP"' in page.text  # one post at every level
    assert "REV/" not in page.text
    vacant = signed_in("cmo").get("/org/gaps.csv?show=vacant")
    rows = list(csv.reader(io.StringIO(_body(vacant).decode("utf-8-sig"))))
    assert [r[8] for r in rows[1:]] == ["REV-VACANT"]


@pytest.mark.parametrize("username", ["officer_l1", "nodal", "district", "telecaller", "citizen"])
def test_the_gaps_report_is_refused_to_others(world: World, username):
    client = signed_in(username)
    assert client.get("/org/gaps/").status_code == 403
    assert client.get("/org/gaps.csv").status_code == 403


def test_appointing_a_nodal_officer_on_the_page(world: World):
    Post.objects.create(
        code="ADM-ONE",
        title="ADM, One",
        designation=Designation.objects.get(code="additional_district_magistrate"),
        area=world.district,
    )
    client = signed_in("district")
    page = client.get("/org/nodal/")
    assert 'data-unit="district/TS-ONE"' in page.text and "ADM-ONE" in page.text
    refused = client.post(
        "/org/nodal/appoint/",
        {"scope": "district", "unit": "TS-ONE", "post": "DM-ONE-JUNIOR"},
        follow=True,
    )
    assert "There is no post DM-ONE-JUNIOR." in refused.text
    made = client.post(
        "/org/nodal/appoint/",
        {"scope": "district", "unit": "TS-ONE", "post": "ADM-ONE"},
        follow=True,
    )
    assert "ADM, One is now the nodal officer." in made.text
    hod = signed_in("hod")
    below = hod.post(
        "/org/nodal/appoint/",
        {"scope": "department", "unit": "REV", "post": "REV-L1-ONE"},
        follow=True,
    )
    assert "A department nodal officer may not be below Joint Secretary" in below.text
    attack = hod.post(
        "/org/nodal/appoint/", {"scope": "district", "unit": "TS-ONE", "post": "ADM-ONE"}
    )
    assert attack.status_code == 403


@pytest.mark.parametrize("username", ["officer_l1", "secretary", "cmo", "telecaller"])
def test_the_nodal_page_is_refused_to_those_who_appoint_none(world: World, username):
    assert signed_in(username).get("/org/nodal/").status_code == 403


def test_the_nodal_directory_exports_for_the_cmo_cell(world: World):
    nodal = world["nodal"]
    nodal.first_name, nodal.last_name, nodal.email = "सुनीता", "देवी", "js.rev@example.gov.in"
    nodal.save()
    client = signed_in("cmo")
    page = client.get("/org/nodal/directory/")
    assert page.status_code == 200 and "9000000005" in page.text
    exported = client.get("/org/nodal/directory.csv")
    rows = list(csv.reader(io.StringIO(_body(exported).decode("utf-8-sig"))))
    expected = [
        "Department",
        "REV",
        "Revenue",
        "REV-NODAL",
        "Joint Secretary",
        "70",
        "सुनीता देवी",
        "9000000005",
        "js.rev@example.gov.in",
    ]
    assert rows == [
        [
            "scope",
            "unit_code",
            "department_or_district",
            "post",
            "rank",
            "rank_order",
            "name",
            "mobile",
            "email",
        ],
        expected,
    ]
    workbook = client.get("/org/nodal/directory.xlsx")
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == rows[0]
    assert values[1] == [*expected[:5], 70, *expected[6:]]


@pytest.mark.parametrize("username", ["hod", "district", "nodal", "officer_l1", "citizen"])
def test_the_nodal_directory_is_refused_to_others(world: World, username):
    client = signed_in(username)
    for url in ["/org/nodal/directory/", "/org/nodal/directory.csv", "/org/nodal/directory.xlsx"]:
        assert client.get(url).status_code == 403, url


def test_a_formula_in_a_name_is_written_as_text(world: World):
    nodal = world["nodal"]
    nodal.first_name, nodal.last_name = '=HYPERLINK("http://x")', ""
    nodal.save()
    client = signed_in("cmo")
    sheet = load_workbook(io.BytesIO(client.get("/org/nodal/directory.xlsx").content)).active
    assert sheet["G2"].value == '\'=HYPERLINK("http://x")' and sheet["G2"].data_type == "s"
    rows = list(
        csv.reader(io.StringIO(_body(client.get("/org/nodal/directory.csv")).decode("utf-8-sig")))
    )
    assert rows[1][6].startswith("'=")


def test_the_pages_on_a_whole_state_profile(settings):
    """Madhya Pradesh as loaded: its keepers' pages open, its chains are complete, and the
    report reads the state in a bounded number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from nivaran.profiles.demo import demo_users
    from nivaran.profiles.loader import load_profile
    from nivaran.profiles.services import profile_apply

    settings.DEMO_MODE = True
    settings.NIVARAN_PROFILE = "madhya_pradesh"
    load_profile.cache_clear()
    profile = load_profile("madhya_pradesh")
    profile_apply(profile)
    demo_users(profile)
    client = Client()
    client.force_login(User.objects.get(username="hod"))
    assert client.get("/org/levels/REV/").status_code == 200
    assert 'data-unit="department/REV"' in client.get("/org/nodal/").text
    cmo = Client()
    cmo.force_login(User.objects.get(username="cmo"))
    with CaptureQueriesContext(connection) as queries:
        page = cmo.get("/org/gaps/?show=gaps")
    assert page.status_code == 200 and "Every chain is complete." in page.text
    assert len(queries) < 30, len(queries)
    directory = cmo.get("/org/nodal/directory.csv")
    rows = list(csv.reader(io.StringIO(_body(directory).decode("utf-8-sig"))))
    assert len(rows) - 1 == NodalAppointment.objects.count() > 50
