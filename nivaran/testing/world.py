"""A small, complete state for tests: two districts, one department, L1-L4, every role."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from nivaran.accounts.models import User
from nivaran.accounts.roles import Role
from nivaran.catalog.models import Category
from nivaran.geo.models import Area
from nivaran.grievances.models import Grievance
from nivaran.grievances.workflow import grievance_register
from nivaran.org.models import (
    Department,
    Designation,
    LevelMapping,
    NodalAppointment,
    NodalScope,
    Post,
)

PASSWORD = "test-pass-123"  # noqa: S105


@dataclass
class World:
    state: Area
    district: Area
    other_district: Area
    block: Area
    department: Department
    other_department: Department
    category: Category
    hours_category: Category
    other_category: Category
    users: dict[str, User] = field(default_factory=dict)
    posts: dict[str, Post] = field(default_factory=dict)

    def __getitem__(self, username: str) -> User:
        return self.users[username]

    def register(
        self,
        *,
        actor: str = "telecaller",
        at: datetime | None = None,
        category: Category | None = None,
        area: Area | None = None,
        emergency: bool = False,
        **extra: object,
    ) -> Grievance:
        grievance, _ = grievance_register(
            actor=self.users[actor],
            citizen_name=str(extra.pop("citizen_name", "Ramesh Kumar")),
            mobile=str(extra.pop("mobile", "9876543210")),
            category_code=(category or self.category).code,
            area_code=(area or self.block).code,
            description=str(extra.pop("description", "सड़क पर तीन महीने से पानी भरा है।")),
            channel=str(extra.pop("channel", "call_centre")),
            emergency=emergency,
            at=at,
            **extra,  # type: ignore[arg-type]
        )
        return grievance


CITIZEN_MOBILE = "9811122233"


def _user(username: str, role: str, mobile: str = "", area: Area | None = None) -> User:
    user = User(username=username, role=role, mobile=mobile, first_name=username.title(), area=area)
    user.set_password(PASSWORD)
    user.save()
    return user


def build_world() -> World:
    state = Area.objects.create(code="TS", name="Test State", type="state")
    district = Area.objects.create(code="TS-ONE", name="One", type="district", parent=state)
    other = Area.objects.create(code="TS-TWO", name="Two", type="district", parent=state)
    block = Area.objects.create(code="TS-ONE-B1", name="One Block", type="block", parent=district)
    other_block = Area.objects.create(
        code="TS-TWO-B1", name="Two Block", type="block", parent=other
    )
    dept = Department.objects.create(code="REV", name="Revenue", name_hi="राजस्व")
    other_dept = Department.objects.create(code="PWR", name="Power", name_hi="बिजली")
    ranks = {
        "tehsildar": 40,
        "district_revenue_officer": 50,
        "director": 75,
        "joint_secretary": 70,
        "principal_secretary": 90,
        "district_magistrate": 68,
        "additional_district_magistrate": 60,
        "junior_engineer": 28,
    }
    des = {
        code: Designation.objects.create(code=code, name=code.replace("_", " ").title(), rank=rank)
        for code, rank in ranks.items()
    }
    parent = Category.objects.create(
        department=dept, code="REV-LAND", name="Land", selectable=False
    )
    category = Category.objects.create(
        department=dept,
        parent=parent,
        code="REV-LAND-MUT",
        name="Mutation pending",
        name_hi="इंतकाल लंबित",
    )
    hours = Category.objects.create(
        department=dept,
        code="REV-FLOOD",
        name="Flood relief",
        deadline_unit="working_hours",
        deadline_l1=8,
        deadline_l2=8,
        deadline_l3=8,
        deadline_l4=8,
    )
    other_category = Category.objects.create(
        department=other_dept, code="PWR-SUP", name="No supply"
    )
    Category.objects.create(department=dept, code="REV-OTH", name="Others", is_others=True)
    world = World(state, district, other, block, dept, other_dept, category, hours, other_category)

    def post(
        code: str,
        designation: str,
        area: Area,
        department: Department | None,
        holder: User | None,
        hod: bool = False,
    ) -> Post:
        p = Post.objects.create(
            code=code,
            title=code,
            designation=des[designation],
            area=area,
            department=department,
            holder=holder,
            is_head_of_department=hod,
        )
        world.posts[code] = p
        return p

    u = world.users
    for name, role in [
        ("telecaller", Role.TELE_CALLER),
        ("analyst", Role.DATA_ANALYST),
        ("feedback", Role.FEEDBACK_AGENT),
        ("cmo", Role.CMO_GRIEVANCE_CELL),
        ("admin", Role.PLATFORM_ADMIN),
    ]:
        u[name] = _user(name, role)
    # A citizen account holds the mobile it proved (the portal's OTP makes such accounts).
    u["citizen"] = _user("citizen", Role.CITIZEN, CITIZEN_MOBILE)
    u["fieldexec"] = _user("fieldexec", Role.FIELD_VALIDATION_EXECUTIVE, area=district)
    u["officer_l1"] = _user("officer_l1", Role.OFFICER, "9000000001")
    u["officer_l2"] = _user("officer_l2", Role.OFFICER, "9000000002")
    u["other_l1"] = _user("other_l1", Role.OFFICER, "9000000011")
    u["other_l2"] = _user("other_l2", Role.OFFICER, "9000000012")
    u["hod"] = _user("hod", Role.HEAD_OF_DEPARTMENT, "9000000003")
    u["secretary"] = _user("secretary", Role.ADMINISTRATIVE_SECRETARY, "9000000004")
    u["nodal"] = _user("nodal", Role.NODAL_OFFICER, "9000000005")
    u["district"] = _user("district", Role.DISTRICT_ADMINISTRATION, "9000000006")
    u["power_je"] = _user("power_je", Role.OFFICER, "9000000007")

    l1 = post("REV-L1-ONE", "tehsildar", district, dept, u["officer_l1"])
    l2 = post("REV-L2-ONE", "district_revenue_officer", district, dept, u["officer_l2"])
    l1b = post("REV-L1-TWO", "tehsildar", other, dept, u["other_l1"])
    l2b = post("REV-L2-TWO", "district_revenue_officer", other, dept, u["other_l2"])
    l3 = post("REV-L3", "director", state, dept, u["hod"], hod=True)
    l4 = post("REV-L4", "principal_secretary", state, dept, u["secretary"])
    nodal = post("REV-NODAL", "joint_secretary", state, dept, u["nodal"])
    NodalAppointment.objects.create(scope=NodalScope.DEPARTMENT, department=dept, post=nodal)
    post("DM-ONE", "district_magistrate", district, None, u["district"])
    pwr = post("PWR-L1-ONE", "junior_engineer", district, other_dept, u["power_je"])
    for level, p, area in [
        (1, l1, district),
        (2, l2, district),
        (1, l1b, other),
        (2, l2b, other),
        (3, l3, None),
        (4, l4, None),
    ]:
        LevelMapping.objects.create(department=dept, area=area, level=level, post=p)
    for level in (1, 2, 3, 4):
        LevelMapping.objects.create(department=other_dept, level=level, post=pwr)
    _ = other_block
    return world
