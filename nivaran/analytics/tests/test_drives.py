"""Drives: declared over a filter, burned down day by day as grievances finish."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from nivaran.analytics.drives import DriveFilter, drive_burn_down, drive_declare, drives_track
from nivaran.analytics.models import Drive
from nivaran.analytics.tests.conftest import act, at
from nivaran.core.errors import InvalidInput, PermissionDenied


@pytest.fixture
def backlog(world):
    """Five pending Revenue grievances registered on 2 November, one Power."""
    items = [world.register(at=at(2, 10, i), mobile=f"98765000{i:02d}") for i in range(5)]
    world.register(at=at(2, 11), category=world.other_category, mobile="9876500099")
    return items


def declare(world, username="secretary", **extra):
    return drive_declare(
        actor=world[username],
        department=extra.pop("department", "REV"),
        name=extra.pop("name", "November backlog"),
        target_date=extra.pop("target_date", date(2026, 11, 30)),
        filters=extra.pop("filters", DriveFilter(older_than_days=7)),
        now=extra.pop("now", at(20, 10)),
    )


def test_a_drive_burns_down_as_its_grievances_finish(world, backlog):
    drive = declare(world)
    assert drive.total == 5  # Power's grievance is another department's
    reason = {"reason": "Not a grievance"}
    act(world, "officer_l1", backlog[0], "reject", reason, at(21, 11))
    drives_track(now=at(21, 22))
    act(world, "officer_l1", backlog[1], "reject", reason, at(22, 11))
    act(world, "officer_l1", backlog[2], "reject", reason, at(22, 12))
    drives_track(now=at(22, 22))
    burn = drive_burn_down(drive, now=at(22, 23))
    by_day = {d: r for d, r, _i in burn.days}
    assert by_day[date(2026, 11, 20)] == 5
    assert by_day[date(2026, 11, 21)] == 4
    assert by_day[date(2026, 11, 22)] == 2
    assert by_day[date(2026, 11, 23)] is None  # not yet
    assert burn.remaining == 2 and burn.cleared == 3
    ideal = {d: i for d, _r, i in burn.days}
    assert ideal[date(2026, 11, 20)] == 5.0 and ideal[date(2026, 11, 30)] == 0.0
    assert burn.on_track is True  # 2 left against an ideal of 3.0 on the 22nd


def test_a_new_grievance_does_not_join_a_declared_drive(world, backlog):
    drive = declare(world, filters=DriveFilter())
    world.register(at=at(21, 10), mobile="9876500050")
    drives_track(now=at(21, 22))
    assert drive_burn_down(drive, now=at(21, 23)).remaining == 5


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"filters": DriveFilter(category="PWR-SUP")}, "category"),
        ({"filters": DriveFilter(district="NOWHERE")}, "district"),
        ({"filters": DriveFilter(level=9)}, "level"),
        ({"filters": DriveFilter(older_than_days=90)}, "filters"),  # nothing that old
        ({"target_date": date(2026, 11, 1)}, "target_date"),
        ({"name": "   "}, "name"),
        ({"department": "PWR"}, "department"),  # not the secretary's
    ],
)
def test_a_bad_drive_is_refused_with_the_field(world, backlog, extra, field):
    with pytest.raises(InvalidInput) as caught:
        declare(world, **extra)
    assert field in caught.value.fields


def test_who_may_declare(world, backlog):
    assert declare(world, "cmo", department="PWR", filters=DriveFilter()).total == 1
    for username in ("officer_l1", "citizen", "telecaller"):
        with pytest.raises(PermissionDenied):
            declare(world, username)


def test_the_drive_api(world, backlog):
    client = APIClient()
    client.force_authenticate(world["nodal"])
    body = {"department": "REV", "name": "Clear L1", "target_date": "2027-01-31",
            "filters": {"level": 1}}  # fmt: skip
    created = client.post("/api/v1/analytics/drives/", body, format="json")
    assert created.status_code == 201, created.content
    drive = created.json()
    assert drive["total"] == 5 and drive["remaining"] == 5
    assert drive["burn_down"][0]["remaining"] == 5
    assert client.get("/api/v1/analytics/drives/").json()[0]["id"] == drive["id"]
    assert client.get(f"/api/v1/analytics/drives/{drive['id']}/").status_code == 200
    bodies: list[object] = [
        {},
        {"department": "REV"},
        [],
        "x",
        {**body, "target_date": "soon"},
        {**body, "filters": {"level": "one"}},
        {**body, "filters": []},
    ]
    for bad in bodies:
        assert client.post("/api/v1/analytics/drives/", bad, format="json").status_code == 400
    other = APIClient()
    other.force_authenticate(world["power_je"])
    assert other.get(f"/api/v1/analytics/drives/{drive['id']}/").status_code == 403
    other.force_authenticate(world["citizen"])
    assert other.get("/api/v1/analytics/drives/").status_code == 403


def test_another_departments_drive_is_not_found(world, backlog):
    drive = declare(world, "cmo", department="PWR", filters=DriveFilter())
    client = APIClient()
    client.force_authenticate(world["secretary"])
    assert client.get(f"/api/v1/analytics/drives/{drive.pk}/").status_code == 404


def test_the_drive_pages(world, backlog, client):
    client.force_login(world["secretary"])
    assert client.get("/analytics/drives/").status_code == 200
    bad = client.post("/analytics/drives/declare/", {"department": "REV", "name": "x",
                                                     "target_date": "soon"})  # fmt: skip
    assert bad.status_code == 400 and "Target date" in bad.content.decode()
    made = client.post(
        "/analytics/drives/declare/",
        {"department": "REV", "name": "Backlog", "target_date": "2027-03-31", "level": "1"},
    )
    assert made.status_code == 302
    drive = Drive.objects.get(name="Backlog")
    page = client.get(made["Location"])
    html = page.content.decode()
    assert 'data-chart="burn-down"' in html and backlog[0].number in html
    assert f'data-testid="total">{drive.total}<' in html


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"target_date": date(9999, 12, 31)}, "target_date"),
        ({"target_date": date(2028, 1, 1)}, "target_date"),
        ({"filters": DriveFilter(older_than_days=1_000_000)}, "older_than_days"),
    ],
)
def test_a_drive_too_long_or_too_old_is_refused(world, backlog, extra, field):
    with pytest.raises(InvalidInput) as caught:
        declare(world, **extra)
    assert field in caught.value.fields


def test_a_district_posts_department_role_declares_no_drive_and_opens_no_pack(world, backlog):
    """A nodal officer whose post covers one district does not reach the department's
    statewide drives and pack."""
    from nivaran.accounts.models import User
    from nivaran.analytics.packs import pack_subjects
    from nivaran.org.models import Designation, Post

    local = User.objects.create(username="local_nodal", role="nodal_officer", mobile="9000000077")
    Post.objects.create(code="REV-NODAL-ONE", title="Nodal, One", department=world.department,
                        area=world.district, designation=Designation.objects.earliest("pk"),
                        holder=local)  # fmt: skip
    declare(world)  # the secretary's statewide drive
    with pytest.raises(PermissionDenied):
        drive_declare(
            actor=local, department="REV", name="x", target_date=date(2026, 11, 30),
            filters=DriveFilter(), now=at(20, 10),
        )  # fmt: skip
    assert pack_subjects(actor=local) == []
