"""Nodal appointments (W9, W10): the rank floor is data (designation ranks and the profile's
minimum), each refusal says why, and only the head of department, the District Magistrate or
the office's head appoints."""

from __future__ import annotations

import pytest

from nivaran.accounts.models import User
from nivaran.accounts.roles import Role
from nivaran.core.errors import InvalidInput, PermissionDenied
from nivaran.org.models import (
    Department,
    Designation,
    NodalAppointment,
    NodalScope,
    Office,
    OrgChange,
    Post,
)
from nivaran.org.selectors import nodal_directory
from nivaran.org.services import nodal_appoint
from nivaran.testing.world import World


def _post(code, designation, area, department=None, **extra) -> Post:
    return Post.objects.create(
        code=code,
        title=code,
        designation=Designation.objects.get(code=designation),
        area=area,
        department=department,
        **extra,
    )


def _user(username: str, role: str = Role.OFFICER, mobile: str = "") -> User:
    return User.objects.create(username=username, role=role, mobile=mobile, first_name=username)


def test_the_hod_appoints_the_department_nodal_officer(world: World):
    js = _user("js_rev", mobile="9000000100")
    _post("REV-JS2", "joint_secretary", world.state, world.department, holder=js)
    appointment = nodal_appoint(actor=world["hod"], scope="department", unit="REV", post="REV-JS2")
    assert appointment.post.code == "REV-JS2"
    assert (
        NodalAppointment.objects.filter(scope="department", department=world.department).count()
        == 1
    )
    change = OrgChange.objects.get()
    assert (change.old["post"], change.new["post"]) == ("REV-NODAL", "REV-JS2")
    assert change.actor == world["hod"] and change.kind == "nodal_appointment"


@pytest.mark.parametrize(
    ("post", "reason"),
    [
        ("REV-L1-ONE", "A department nodal officer may not be below Joint Secretary"),
        ("PWR-JS", "The post PWR-JS is not a post of this department"),
    ],
)
def test_department_refusals_say_why(world: World, post, reason):
    _post("PWR-JS", "joint_secretary", world.state, world.other_department)
    with pytest.raises(InvalidInput) as refused:
        nodal_appoint(actor=world["hod"], scope="department", unit="REV", post=post)
    assert reason in refused.value.detail
    assert NodalAppointment.objects.get(scope="department").post.code == "REV-NODAL"
    assert not OrgChange.objects.exists()


def test_the_rank_floor_is_data_not_a_name(world: World):
    """Raise the Joint Secretary's rank above the Director's: the same post is now refused."""
    js = _user("js_rev")
    _post("REV-JS2", "joint_secretary", world.state, world.department, holder=js)
    Designation.objects.filter(code="tehsildar").update(rank=70)
    nodal_appoint(actor=world["hod"], scope="department", unit="REV", post="REV-L1-ONE")
    Designation.objects.filter(code="joint_secretary").update(rank=80)
    with pytest.raises(InvalidInput, match="may not be below"):
        nodal_appoint(actor=world["hod"], scope="department", unit="REV", post="REV-L1-ONE")


def test_the_dm_appoints_the_district_nodal_officer(world: World):
    adm = _user("adm_one", Role.DISTRICT_ADMINISTRATION)
    _post("ADM-ONE", "additional_district_magistrate", world.district, holder=adm)
    _post("ADM-TWO", "additional_district_magistrate", world.other_district)
    _post("TEH-ONE", "tehsildar", world.district)
    with pytest.raises(InvalidInput, match="may not be below Additional District Magistrate"):
        nodal_appoint(actor=world["district"], scope="district", unit="TS-ONE", post="TEH-ONE")
    with pytest.raises(InvalidInput, match="The post ADM-TWO is not in One"):
        nodal_appoint(actor=world["district"], scope="district", unit="TS-ONE", post="ADM-TWO")
    made = nodal_appoint(actor=world["district"], scope="district", unit="TS-ONE", post="ADM-ONE")
    assert (made.scope, made.district, made.post.code) == ("district", world.district, "ADM-ONE")
    # The ADM is of the district administration too, but not its senior-most post: the DM
    # appoints, not the ADM.
    with pytest.raises(PermissionDenied):
        nodal_appoint(actor=adm, scope="district", unit="TS-ONE", post="ADM-ONE")


@pytest.mark.parametrize(
    ("username", "scope", "unit"),
    [
        ("district", "district", "TS-TWO"),  # another district's DM is not this one
        ("district", "department", "REV"),
        ("hod", "district", "TS-ONE"),
        ("hod", "department", "PWR"),  # another department's nodal officer: the attack
        ("secretary", "department", "REV"),  # W9: the head of department appoints
        ("officer_l1", "department", "REV"),
        ("nodal", "department", "REV"),
        ("cmo", "department", "REV"),
        ("citizen", "district", "TS-ONE"),
    ],
)
def test_who_may_not_appoint(world: World, username, scope, unit):
    _post("ADM-ONE", "additional_district_magistrate", world.district)
    with pytest.raises(PermissionDenied):
        nodal_appoint(actor=world[username], scope=scope, unit=unit, post="ADM-ONE")
    assert not OrgChange.objects.exists()


def test_the_platform_admin_appoints_anywhere(world: World):
    _post("ADM-TWO", "additional_district_magistrate", world.other_district)
    nodal_appoint(actor=world["admin"], scope="district", unit="TS-TWO", post="ADM-TWO")
    assert NodalAppointment.objects.get(scope="district", district=world.other_district)


@pytest.fixture
def police(world: World) -> dict[str, object]:
    """A Superintendent of Police's office in district One (W10: CP and SP offices)."""
    for code, rank in [("superintendent_of_police", 66), ("additional_sp", 60), ("sho", 35)]:
        Designation.objects.create(code=code, name=code.replace("_", " ").title(), rank=rank)
    pol = Department.objects.create(code="POL", name="Police")
    office = Office.objects.create(
        code="SP-ONE", name="SP One", department=pol, area=world.district
    )
    sp = _user("sp_one", mobile="9000000200")
    _post("SP-ONE", "superintendent_of_police", world.district, pol, office=office, holder=sp)
    asp = _user("asp_one", mobile="9000000201")
    _post("ASP-ONE", "additional_sp", world.district, pol, office=office, holder=asp)
    _post("SHO-ONE", "sho", world.district, pol, office=office)
    _post("ASP-TWO", "additional_sp", world.other_district, pol)
    return {"sp": sp, "asp": asp, "office": office}


def test_the_sp_appoints_the_office_nodal_officer(world: World, police):
    with pytest.raises(InvalidInput, match="may not be below Additional District Magistrate"):
        nodal_appoint(actor=police["sp"], scope="office", unit="SP-ONE", post="SHO-ONE")
    with pytest.raises(InvalidInput, match="The post ASP-TWO is not in this office"):
        nodal_appoint(actor=police["sp"], scope="office", unit="SP-ONE", post="ASP-TWO")
    with pytest.raises(PermissionDenied):
        nodal_appoint(actor=police["asp"], scope="office", unit="SP-ONE", post="ASP-ONE")
    with pytest.raises(PermissionDenied):
        nodal_appoint(actor=world["district"], scope="office", unit="SP-ONE", post="ASP-ONE")
    made = nodal_appoint(actor=police["sp"], scope="office", unit="SP-ONE", post="ASP-ONE")
    assert (made.scope, made.office) == (NodalScope.OFFICE, police["office"])


def test_the_nodal_directory_is_for_the_cmo_cell(world: World, police):
    nodal_appoint(actor=police["sp"], scope="office", unit="SP-ONE", post="ASP-ONE")
    nodal = world["nodal"]
    nodal.email = "nodal.rev@example.gov.in"
    nodal.save(update_fields=["email"])
    entries = nodal_directory(actor=world["cmo"])
    assert [(e.scope, e.unit_code, e.mobile) for e in entries] == [
        ("department", "REV", "9000000005"),
        ("office", "SP-ONE", "9000000201"),
    ]
    assert entries[0].email == "nodal.rev@example.gov.in" and entries[0].rank == 70
    for username in ["hod", "district", "nodal", "officer_l1", "telecaller", "citizen"]:
        with pytest.raises(PermissionDenied):
            nodal_directory(actor=world[username])
