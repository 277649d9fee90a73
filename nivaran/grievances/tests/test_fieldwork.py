"""Field validation (W7, W8): picks, visit reports, recalls and coverage."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from rest_framework.test import APIClient

from nivaran.accounts.models import User
from nivaran.accounts.roles import Role
from nivaran.core.errors import InvalidInput, NotFound, PermissionDenied, TransitionNotAllowed
from nivaran.geo.models import Area
from nivaran.grievances import fieldwork
from nivaran.grievances.models import (
    ActionTakenReport,
    AtrOutcome,
    FieldVisit,
    FieldVisitPhoto,
    Grievance,
    GrievanceEvent,
    Status,
    VisitPick,
)
from nivaran.grievances.workflow import grievance_act
from nivaran.org.models import FieldCoverage, Post
from nivaran.profiles.loader import active_profile
from nivaran.testing.world import PASSWORD, World

pytestmark = pytest.mark.django_db

# The smallest valid PNG: one transparent pixel.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png(name: str = "site.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def client_for(username: str) -> APIClient:
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def with_atr(world: World, **register: object) -> Grievance:
    g = world.register(**register)
    officer = "other_l1" if register.get("area") == world.other_district else "officer_l1"
    return grievance_act(
        grievance_id=g.pk,
        actor=world[officer],
        action="submit_atr",
        data={"summary": "Mutation entered in the record."},
    )


def picked(world: World, grievance: Grievance) -> FieldVisit:
    visit, _created = fieldwork.field_visit_pick(number=grievance.number or "", actor=world["cmo"])
    return visit


def executive(world: World, username: str, district: Area) -> User:
    user = User(username=username, role=Role.FIELD_VALIDATION_EXECUTIVE, mobile="9111111111")
    user.set_password(PASSWORD)
    user.save()
    FieldCoverage.objects.create(executive=user, district=district, since=timezone.localdate())
    return user


# --- picking ---------------------------------------------------------------------------


def test_a_pick_is_idempotent(world):
    g = with_atr(world)
    first, created = fieldwork.field_visit_pick(number=g.number or "", actor=world["cmo"])
    assert created is True
    assert first.picked_how == VisitPick.REVIEWER
    assert first.picked_by == world["cmo"]
    assert first.atr == ActionTakenReport.objects.get(grievance=g)
    assert first.area_path == g.area_path
    # The second pick finds the pending visit under the grievance's lock and says so.
    again, created = fieldwork.field_visit_pick(number=g.number or "", actor=world["secretary"])
    assert created is False
    assert again.pk == first.pk and again.picked_by == world["cmo"]
    assert FieldVisit.objects.filter(grievance=g).count() == 1
    # Once recorded, a new pick is a new visit.
    fieldwork.field_visit_record(
        visit_id=first.pk, actor=world["fieldexec"], rating=4, remarks="As reported."
    )
    third, created = fieldwork.field_visit_pick(number=g.number or "", actor=world["cmo"])
    assert created is True and third.pk != first.pk
    assert FieldVisit.objects.filter(grievance=g).count() == 2


def test_the_refusals_are_said_in_hindi(world):
    g = world.register()
    with translation.override("hi"):
        with pytest.raises(NotFound) as missing:
            fieldwork.field_visit_pick(number="NOPE-1", actor=world["cmo"])
        with pytest.raises(TransitionNotAllowed) as nothing:
            fieldwork.field_visit_pick(number=g.number or "", actor=world["cmo"])
        with pytest.raises(PermissionDenied) as officer:
            fieldwork.field_visit_pick(number=g.number or "", actor=world["officer_l1"])
    assert missing.value.detail == "शिकायत NOPE-1 नहीं मिली।"
    assert nothing.value.code == "nothing_to_check"
    assert g.number in nothing.value.detail and "कार्रवाई रिपोर्ट" in nothing.value.detail
    assert "मुख्यमंत्री कार्यालय" in officer.value.detail
    # In English they read as before.
    with pytest.raises(NotFound) as english:
        fieldwork.field_visit_pick(number="NOPE-1", actor=world["cmo"])
    assert english.value.detail == "No grievance NOPE-1."


def test_a_pick_through_the_api_is_idempotent(world):
    g = with_atr(world)
    cmo = client_for("cmo")
    first = cmo.post("/api/v1/field-visits/", {"grievance": g.number}, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["grievance"] == g.number
    assert first.json()["picked_how"] == "reviewer"
    again = cmo.post("/api/v1/field-visits/", {"grievance": g.number}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]


def test_nothing_to_check_without_an_atr(world):
    g = world.register()
    with pytest.raises(TransitionNotAllowed):
        picked(world, g)
    response = client_for("cmo").post(
        "/api/v1/field-visits/", {"grievance": g.number}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "nothing_to_check"


def test_who_may_pick(world):
    g = with_atr(world)
    with pytest.raises(NotFound):
        fieldwork.field_visit_pick(number="NOPE-1", actor=world["cmo"])
    for username in ("fieldexec", "officer_l1", "district", "hod"):
        with pytest.raises(PermissionDenied):
            fieldwork.field_visit_pick(number=g.number or "", actor=world[username])
    # The administrative secretary of the department, within their jurisdiction, by the API.
    response = client_for("secretary").post(
        "/api/v1/field-visits/", {"grievance": g.number}, format="json"
    )
    assert response.status_code == 201, response.content
    visit = FieldVisit.objects.get(pk=response.json()["id"])
    assert visit.picked_by == world["secretary"]
    power = world.register(category=world.other_category)
    grievance_act(
        grievance_id=power.pk,
        actor=world["power_je"],
        action="submit_atr",
        data={"summary": "Line restored."},
    )
    with pytest.raises(PermissionDenied):
        fieldwork.field_visit_pick(number=power.number or "", actor=world["secretary"])
    response = client_for("officer_l1").post(
        "/api/v1/field-visits/", {"grievance": g.number}, format="json"
    )
    assert response.status_code == 403


# --- recording -------------------------------------------------------------------------


def test_below_the_standard_the_atr_is_recalled_to_the_hod(world):
    g = with_atr(world)
    visit = picked(world, g)
    due_before = Grievance.objects.get(pk=g.pk).due_at
    response = client_for("fieldexec").post(
        f"/api/v1/field-visits/{visit.pk}/record/",
        {"rating": 2, "remarks": "The record is not updated at the tehsil.", "photos": [png()]},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["recalled"] is True
    assert body["meets_standard"] is False
    assert body["standard"] == 3
    assert body["visit"]["rating"] == 2

    g.refresh_from_db()
    assert g.status == Status.REOPENED
    assert g.level == active_profile().hod_level == 3
    assert g.assigned_to == world["hod"]
    assert g.due_at is not None and g.due_at != due_before and g.due_at > timezone.now()
    event = GrievanceEvent.objects.filter(grievance=g).order_by("-at", "-id").first()
    assert event is not None
    assert event.action == "recall"
    assert event.actor == world["fieldexec"]
    assert event.data["visit"] == visit.pk
    assert event.note == "The record is not updated at the tehsil."
    atr = ActionTakenReport.objects.get(grievance=g)
    assert atr.outcome == AtrOutcome.RECALLED  # the recall is counted on the ATR

    visit.refresh_from_db()
    assert visit.visited_at is not None
    assert visit.executive == world["fieldexec"]
    assert visit.meets_standard is False
    photo = FieldVisitPhoto.objects.get(visit=visit)
    assert photo.content_type == "image/png"
    assert photo.file.name.startswith("field/")
    assert photo.original_name == "site.png"


@pytest.mark.parametrize("rating", [3, 5])
def test_at_or_above_the_standard_nothing_is_recalled(world, rating):
    g = with_atr(world)
    visit = picked(world, g)
    result = fieldwork.field_visit_record(
        visit_id=visit.pk, actor=world["fieldexec"], rating=rating, remarks="Done as reported."
    )
    assert result.meets_standard is True
    assert result.recalled is False
    g.refresh_from_db()
    assert g.status == Status.ATR_SUBMITTED
    assert not GrievanceEvent.objects.filter(grievance=g, action="recall").exists()
    assert ActionTakenReport.objects.get(grievance=g).outcome == AtrOutcome.AWAITING


def test_a_closed_grievance_is_recalled_too(world):
    g = with_atr(world)
    grievance_act(
        grievance_id=g.pk,
        actor=world["feedback"],
        action="record_feedback",
        data={"outcome": "satisfied"},
    )
    visit = picked(world, g)
    result = fieldwork.field_visit_record(
        visit_id=visit.pk, actor=world["fieldexec"], rating=1, remarks="Nothing done."
    )
    assert result.recalled is True
    g.refresh_from_db()
    assert g.status == Status.REOPENED
    assert g.closed_at is None


def test_a_grievance_that_moved_on_keeps_the_finding_without_a_recall(world):
    g = with_atr(world)
    visit = picked(world, g)
    grievance_act(
        grievance_id=g.pk,
        actor=world["feedback"],
        action="record_feedback",
        data={"outcome": "not_satisfied", "reason": "Nothing was done"},
    )
    g.refresh_from_db()
    status_before = g.status
    result = fieldwork.field_visit_record(
        visit_id=visit.pk, actor=world["fieldexec"], rating=1, remarks="Nothing done."
    )
    assert result.recalled is False
    assert result.meets_standard is False
    assert result.not_recalled_reason
    visit.refresh_from_db()
    assert visit.visited_at is not None and visit.rating == 1
    g.refresh_from_db()
    assert g.status == status_before
    assert not GrievanceEvent.objects.filter(grievance=g, action="recall").exists()


def test_an_executive_not_covering_the_district_is_refused(world):
    g = with_atr(world)
    visit = picked(world, g)
    other = executive(world, "fieldexec_two", world.other_district)
    with pytest.raises(PermissionDenied):
        fieldwork.field_visit_record(visit_id=visit.pk, actor=other, rating=1, remarks="No.")
    response = client_for("fieldexec_two").post(
        f"/api/v1/field-visits/{visit.pk}/record/",
        {"rating": 1, "remarks": "No."},
        format="multipart",
    )
    assert response.status_code == 403
    for username in ("cmo", "officer_l1"):
        with pytest.raises(PermissionDenied):
            fieldwork.field_visit_record(
                visit_id=visit.pk, actor=world[username], rating=1, remarks="No."
            )
    visit.refresh_from_db()
    assert visit.visited_at is None


def test_a_visit_is_recorded_once(world):
    g = with_atr(world)
    visit = picked(world, g)
    client = client_for("fieldexec")
    url = f"/api/v1/field-visits/{visit.pk}/record/"
    first = client.post(url, {"rating": 4, "remarks": "Fine."}, format="multipart")
    assert first.status_code == 200, first.content
    again = client.post(url, {"rating": 1, "remarks": "Changed my mind."}, format="multipart")
    assert again.status_code == 409
    assert again.json()["code"] == "already_recorded"
    visit.refresh_from_db()
    assert visit.rating == 4
    # Once recorded, a new pick makes a new visit.
    assert picked(world, g).pk != visit.pk


def test_bad_photos_and_missing_remarks_are_refused(world):
    g = with_atr(world)
    visit = picked(world, g)
    client = client_for("fieldexec")
    url = f"/api/v1/field-visits/{visit.pk}/record/"
    fake = SimpleUploadedFile("site.png", b"not an image at all", content_type="image/png")
    response = client.post(
        url, {"rating": 1, "remarks": "Bad.", "photos": [fake]}, format="multipart"
    )
    assert response.status_code == 400
    assert "photos" in response.json()["fields"]
    exe = SimpleUploadedFile("site.exe", b"MZ...", content_type="application/octet-stream")
    response = client.post(
        url, {"rating": 1, "remarks": "Bad.", "photos": [exe]}, format="multipart"
    )
    assert response.status_code == 400
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4 ...", content_type="application/pdf")
    with pytest.raises(InvalidInput) as caught:
        fieldwork.field_visit_record(
            visit_id=visit.pk, actor=world["fieldexec"], rating=1, remarks="Bad.", photos=[pdf]
        )
    assert "photos" in caught.value.fields
    response = client.post(url, {"rating": 1, "remarks": " "}, format="multipart")
    assert response.status_code == 400
    with pytest.raises(InvalidInput):
        fieldwork.field_visit_record(
            visit_id=visit.pk, actor=world["fieldexec"], rating=1, remarks="  "
        )
    with pytest.raises(InvalidInput):
        fieldwork.field_visit_record(
            visit_id=visit.pk, actor=world["fieldexec"], rating=6, remarks="Six?"
        )
    response = client.post(url, {"rating": 0, "remarks": "Zero"}, format="multipart")
    assert response.status_code == 400
    visit.refresh_from_db()
    assert visit.visited_at is None
    assert not FieldVisitPhoto.objects.exists()
    assert Grievance.objects.get(pk=g.pk).status == Status.ATR_SUBMITTED


# --- lists and coverage ----------------------------------------------------------------


def test_the_executive_sees_pending_visits_in_their_districts_oldest_first(world):
    now = timezone.now()
    first = with_atr(world, mobile="9800000001")
    second = with_atr(world, mobile="9800000002")
    elsewhere = with_atr(world, mobile="9800000003", area=world.other_district)
    v2, _ = fieldwork.field_visit_pick(number=second.number or "", actor=world["cmo"], at=now)
    v1, _ = fieldwork.field_visit_pick(
        number=first.number or "", actor=world["cmo"], at=now - timedelta(days=1)
    )
    v3 = picked(world, elsewhere)
    assert list(fieldwork.visits_for_executive(actor=world["fieldexec"])) == [v1, v2]

    body = client_for("fieldexec").get("/api/v1/field-visits/").json()
    assert [row["id"] for row in body["results"]] == [v1.pk, v2.pk]
    assert body["results"][0]["atr_summary"] == "Mutation entered in the record."

    fieldwork.field_visit_record(
        visit_id=v1.pk, actor=world["fieldexec"], rating=5, remarks="All good."
    )
    assert list(fieldwork.visits_for_executive(actor=world["fieldexec"])) == [v2]

    cmo = client_for("cmo")
    everything = cmo.get("/api/v1/field-visits/").json()
    assert {row["id"] for row in everything["results"]} == {v1.pk, v2.pk, v3.pk}
    pending = cmo.get("/api/v1/field-visits/?pending=true").json()
    assert [row["id"] for row in pending["results"]] == [v1.pk, v2.pk, v3.pk][1:]
    done = cmo.get("/api/v1/field-visits/?pending=false").json()
    assert [row["id"] for row in done["results"]] == [v1.pk]

    assert client_for("officer_l1").get("/api/v1/field-visits/").status_code == 403
    assert client_for("district").get("/api/v1/field-visits/").status_code == 403


def test_coverage_is_seen_by_the_district_and_the_cmo_cell(world):
    two = executive(world, "fieldexec_two", world.other_district)
    FieldCoverage.objects.create(
        executive=world["fieldexec"], district=world.district, since=timezone.localdate()
    )
    rows = fieldwork.coverage_visible_to(actor=world["district"])
    assert [(r.executive.username, r.district.code) for r in rows] == [("fieldexec", "TS-ONE")]

    body = client_for("district").get("/api/v1/field-coverage/").json()
    assert body == [
        {
            "executive": "fieldexec",
            "name": "Fieldexec",
            "mobile": "",
            "district": "TS-ONE",
            "district_name": "One",
            "since": timezone.localdate().isoformat(),
        }
    ]
    everyone = client_for("cmo").get("/api/v1/field-coverage/").json()
    assert {(r["executive"], r["district"]) for r in everyone} == {
        ("fieldexec", "TS-ONE"),
        (two.username, "TS-TWO"),
    }
    for username in ("officer_l1", "fieldexec", "telecaller"):
        assert client_for(username).get("/api/v1/field-coverage/").status_code == 403


def test_coverage_is_filtered_in_the_database(world):
    two = executive(world, "fieldexec_two", world.other_district)
    FieldCoverage.objects.create(
        executive=world["fieldexec"], district=world.district, since=timezone.localdate()
    )
    with CaptureQueriesContext(connection) as queries:
        rows = fieldwork.coverage_visible_to(actor=world["district"])
    assert [(r.executive.username, r.district.code) for r in rows] == [("fieldexec", "TS-ONE")]
    # Only the district's rows are read: the other district's coverage never leaves the DB.
    read = [q["sql"] for q in queries.captured_queries if '"org_fieldcoverage"' in q["sql"]]
    assert read and all("LIKE" in sql for sql in read), read
    # A post inside a district (a sub-division) sees its own district, not the others.
    inside = User.objects.create(username="sdm", role=Role.DISTRICT_ADMINISTRATION)
    designation = Post.objects.filter(holder=world["district"]).first()
    assert designation is not None
    Post.objects.create(
        code="SDM-B1",
        title="SDM",
        designation=designation.designation,
        area=world.block,
        holder=inside,
    )
    rows = fieldwork.coverage_visible_to(actor=inside)
    assert [(r.executive.username, r.district.code) for r in rows] == [("fieldexec", "TS-ONE")]
    assert two.username not in {r.executive.username for r in rows}


def test_an_executive_without_a_coverage_row_covers_their_own_district(world):
    # The world's executive has only an area (district One): field_paths counts it.
    rows = fieldwork.coverage_visible_to(actor=world["district"])
    assert [(r.executive.username, r.district.code, r.since) for r in rows] == [
        ("fieldexec", "TS-ONE", None)
    ]
    world["fieldexec"].is_active = False
    world["fieldexec"].save()
    assert fieldwork.coverage_visible_to(actor=world["district"]) == []


def test_the_schema_documents_the_field_endpoints(world):
    schema = client_for("cmo").get("/api/v1/schema/?format=json").json()
    for path in (
        "/api/v1/field-visits/",
        "/api/v1/field-visits/{visit_id}/record/",
        "/api/v1/field-coverage/",
    ):
        assert path in schema["paths"], path
