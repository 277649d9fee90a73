"""Role x action x (inside / outside jurisdiction): who may act, who may see."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from nivaran.accounts.models import User
from nivaran.accounts.roles import Role
from nivaran.grievances.models import Citizen
from nivaran.grievances.workflow import grievance_act
from nivaran.org.models import Designation, Post
from nivaran.profiles.loader import active_profile

pytestmark = pytest.mark.django_db

OK, DENIED, WRONG_STATE, UNSEEN = 200, 403, 409, 404

# Each role, by the user who holds it inside the grievance's jurisdiction (department REV,
# district One) and one who holds it outside (another department or district), if any.
ACTORS = {
    Role.OFFICER: ("officer_l1", "other_l1"),
    Role.HEAD_OF_DEPARTMENT: ("hod", "pwr_hod"),
    Role.ADMINISTRATIVE_SECRETARY: ("secretary", "pwr_secretary"),
    Role.NODAL_OFFICER: ("nodal", "pwr_nodal"),
    Role.DISTRICT_ADMINISTRATION: ("district", "dm_two"),
    Role.FIELD_VALIDATION_EXECUTIVE: ("fieldexec", "fieldexec_two"),
    Role.CITIZEN: ("citizen", "other_citizen"),
    Role.TELE_CALLER: ("telecaller", None),
    Role.DATA_ANALYST: ("analyst", None),
    Role.FEEDBACK_AGENT: ("feedback", None),
    Role.CMO_GRIEVANCE_CELL: ("cmo", None),
    Role.PLATFORM_ADMIN: ("admin", None),
}
POST_HOLDERS = {
    Role.OFFICER,
    Role.HEAD_OF_DEPARTMENT,
    Role.ADMINISTRATIVE_SECRETARY,
    Role.NODAL_OFFICER,
    Role.DISTRICT_ADMINISTRATION,
}
# Each case: the action, the state it needs, and its input.
SETUP = {
    "interim_reply": ("interim_reply", "open", {"message": "Inspection on Monday"}),
    "submit_atr": ("submit_atr", "open", {"summary": "Done"}),
    "reject": ("reject", "open", {"reason": "Private dispute"}),
    "special_close": (
        "special_close",
        "open",
        {"reason": "Sub judice", "reason_code": "sub_judice"},
    ),
    "record_feedback": ("record_feedback", "atr_submitted", {"outcome": "satisfied"}),
    "clarify_conflict": ("clarify_conflict", "conflict", {"clarification": "Re-inspect"}),
    "review_special_close": ("review_special_close", "special_closed", {"decision": "confirm"}),
    "recall": ("recall", "atr_submitted", {"reasons": "Road still broken"}),
    "reopen_rejected": ("reopen", "rejected", {"reason": "Wrongly rejected"}),
    "reopen_closed": ("reopen", "closed", {"reason": "It broke again"}),
    "transfer": ("transfer", "open", {"department": "PWR", "category": "PWR-SUP", "reason": "x"}),
}


def expected(role: str, case: str, inside: bool) -> int:
    if role == Role.CITIZEN and not inside:
        return UNSEEN  # someone else's grievance is, to a citizen, no grievance at all
    if case in ("interim_reply", "submit_atr", "reject"):
        return OK if role in POST_HOLDERS and inside else DENIED
    if case == "transfer":  # M2: the officers of its chain, and the CMO cell statewide
        if role == Role.CMO_GRIEVANCE_CELL:
            return OK
        return OK if role in POST_HOLDERS and inside else DENIED
    if case == "special_close":
        if role == Role.CMO_GRIEVANCE_CELL:
            return OK
        if role not in POST_HOLDERS or not inside:
            return DENIED
        # inside, but only the levels the profile allows may special-close
        level = {Role.OFFICER: 1, Role.HEAD_OF_DEPARTMENT: 3, Role.ADMINISTRATIVE_SECRETARY: 4}.get(
            role
        )
        return OK if level in active_profile().special_close_levels else WRONG_STATE
    if case == "record_feedback":
        if role == Role.CITIZEN:  # the citizen whose grievance it is, through the portal
            return OK if inside else DENIED
        return OK if role in (Role.FEEDBACK_AGENT, Role.CMO_GRIEVANCE_CELL) else DENIED
    if case == "clarify_conflict":
        return OK if role == Role.ADMINISTRATIVE_SECRETARY and inside else DENIED
    if case == "review_special_close":
        # Haryana: the administrative secretary reviews; the CMO cell may not here
        if role == Role.ADMINISTRATIVE_SECRETARY:
            return OK if inside else DENIED
        return WRONG_STATE if role == Role.CMO_GRIEVANCE_CELL else DENIED
    if case == "recall":
        if role == Role.FIELD_VALIDATION_EXECUTIVE:
            return OK if inside else DENIED
        return OK if role == Role.CMO_GRIEVANCE_CELL else DENIED
    if case == "reopen_rejected":
        if role == Role.CITIZEN:
            return WRONG_STATE if inside else DENIED
        if role == Role.TELE_CALLER:
            return WRONG_STATE
        return OK if role == Role.CMO_GRIEVANCE_CELL else DENIED
    if case == "reopen_closed":
        if role == Role.CITIZEN:
            return OK if inside else DENIED
        return OK if role in (Role.CMO_GRIEVANCE_CELL, Role.TELE_CALLER) else DENIED
    raise AssertionError(case)


@pytest.fixture
def outsiders(world):
    des = Designation.objects.get(code="director")
    ps = Designation.objects.get(code="principal_secretary")
    js = Designation.objects.get(code="joint_secretary")
    dm = Designation.objects.get(code="district_magistrate")

    def person(username, role, **kw):
        user = User.objects.create_user(username=username, password="x-pass-123", role=role, **kw)
        world.users[username] = user
        return user

    Post.objects.create(
        code="PWR-L3",
        title="Director Power",
        designation=des,
        area=world.state,
        department=world.other_department,
        holder=person("pwr_hod", Role.HEAD_OF_DEPARTMENT),
        is_head_of_department=True,
    )
    Post.objects.create(
        code="PWR-L4",
        title="PS Power",
        designation=ps,
        area=world.state,
        department=world.other_department,
        holder=person("pwr_secretary", Role.ADMINISTRATIVE_SECRETARY),
    )
    Post.objects.create(
        code="PWR-NODAL",
        title="JS Power",
        designation=js,
        area=world.state,
        department=world.other_department,
        holder=person("pwr_nodal", Role.NODAL_OFFICER),
    )
    Post.objects.create(
        code="DM-TWO",
        title="DM Two",
        designation=dm,
        area=world.other_district,
        department=None,
        holder=person("dm_two", Role.DISTRICT_ADMINISTRATION),
    )
    person("fieldexec_two", Role.FIELD_VALIDATION_EXECUTIVE, area=world.other_district)
    person("other_citizen", Role.CITIZEN)
    return world


def grievance_in(world, status: str):
    g = world.register(citizen_name="Matrix Citizen", mobile="9123456780")
    Citizen.objects.filter(pk=g.citizen_id).update(user=world["citizen"])
    if status in ("atr_submitted", "conflict", "closed"):
        grievance_act(
            grievance_id=g.pk,
            actor=world["officer_l1"],
            action="submit_atr",
            data={"summary": "Done"},
        )
    if status in ("conflict", "closed"):
        grievance_act(
            grievance_id=g.pk,
            actor=world["feedback"],
            action="record_feedback",
            data={"outcome": "satisfied"}
            if status == "closed"
            else {"outcome": "not_satisfied", "reason": "Nothing was done"},
        )
    elif status == "special_closed":
        grievance_act(
            grievance_id=g.pk,
            actor=world["hod"],
            action="special_close",
            data={"reason": "In court", "reason_code": "sub_judice"},
        )
    elif status == "rejected":
        grievance_act(
            grievance_id=g.pk,
            actor=world["officer_l1"],
            action="reject",
            data={"reason": "Not ours"},
        )
    g.refresh_from_db()
    assert g.status == status
    return g


CASES = [
    (role, action, inside)
    for role, (inside_user, outside_user) in ACTORS.items()
    for action in SETUP  # a case name
    for inside in (True, False)
    if inside or outside_user
]


@pytest.mark.parametrize(
    "role,action,inside", CASES, ids=[f"{r}-{a}-{'in' if i else 'out'}" for r, a, i in CASES]
)
def test_who_may_act(outsiders, role, action, inside):
    world = outsiders
    case = action
    action, status, data = SETUP[case]
    g = grievance_in(world, status)
    username = ACTORS[role][0 if inside else 1]
    client = APIClient()
    client.force_authenticate(world[username])
    response = client.post(f"/api/v1/grievances/{g.number}/actions/{action}/", data, format="json")
    want = expected(role, case, inside)
    assert response.status_code == want, response.content
    if want != OK:
        g2 = type(g).objects.get(pk=g.pk)
        assert (g2.status, g2.events.count()) == (g.status, g.events.count())


SEES = {
    # role: (sees the grievance inside, sees it outside)
    Role.OFFICER: (True, False),
    Role.HEAD_OF_DEPARTMENT: (True, False),
    Role.ADMINISTRATIVE_SECRETARY: (True, False),
    Role.NODAL_OFFICER: (True, False),
    Role.DISTRICT_ADMINISTRATION: (True, False),
    Role.FIELD_VALIDATION_EXECUTIVE: (True, False),
    Role.CITIZEN: (True, False),
    Role.TELE_CALLER: (True, None),
    Role.DATA_ANALYST: (True, None),
    Role.FEEDBACK_AGENT: (True, None),
    Role.CMO_GRIEVANCE_CELL: (True, None),
    Role.PLATFORM_ADMIN: (True, None),
}


@pytest.mark.parametrize("role", list(SEES))
def test_who_may_see(outsiders, role):
    world = outsiders
    g = grievance_in(world, "open")
    for index, sees in enumerate(SEES[role]):
        if sees is None:
            continue
        client = APIClient()
        client.force_authenticate(world[ACTORS[role][index]])
        detail = client.get(f"/api/v1/grievances/{g.number}/")
        listed = client.get("/api/v1/grievances/").json()["count"]
        unseen = UNSEEN if role == Role.CITIZEN else DENIED
        assert (detail.status_code, listed) == ((200, 1) if sees else (unseen, 0))
        history = client.get(f"/api/v1/grievances/{g.number}/history/")
        # the office's record: a citizen reads their own through the citizen API
        assert history.status_code == ((DENIED if role == Role.CITIZEN else OK) if sees else unseen)
