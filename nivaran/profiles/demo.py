"""Demo data: a holder for every post, the named demo logins, and a lived-in set of grievances.

Grievances are made through the workflow's own door, on a simulated timeline
(registrations, actions and daily SLA sweeps in time order), so the demo's
histories are exactly what real use would leave.
"""

from __future__ import annotations

import contextlib
import functools
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from nivaran.accounts.models import User
from nivaran.accounts.roles import Role
from nivaran.accounts.services import system_user
from nivaran.core.errors import DomainError
from nivaran.geo.models import Area
from nivaran.grievances.fieldwork import field_visit_pick
from nivaran.grievances.models import Grievance
from nivaran.grievances.workflow import grievance_act, grievance_register, grievances_sweep
from nivaran.org.models import FieldCoverage, Post
from nivaran.profiles.loader import Profile, ProfileError
from nivaran.profiles.services import post_code

DEMO_PASSWORD = "nivaran-demo"  # noqa: S105 - published on purpose; works only in demo mode
NAMED_POSTS = {
    "officer_l1": lambda d, a: post_code(d, "L1", a),
    "officer_l2": lambda d, a: post_code(d, "L2", a),
    "hod": lambda d, a: post_code(d, "L3"),
    "secretary": lambda d, a: post_code(d, "L4"),
    "nodal": lambda d, a: post_code(d, "NODAL"),
    "district": lambda d, a: post_code("DM", "HEAD", a),
}


def _role_of(post: Post) -> str:
    if post.code.startswith("DM-HEAD-"):
        return Role.DISTRICT_ADMINISTRATION
    if "-NODAL" in post.code:
        return Role.NODAL_OFFICER
    if post.is_head_of_department:
        return Role.HEAD_OF_DEPARTMENT
    if post.code.endswith("-L4"):
        return Role.ADMINISTRATIVE_SECRETARY
    return Role.OFFICER


@dataclass
class DemoReport:
    users: int = 0
    grievances: int = 0
    logins: list[tuple[str, str]] | None = None


def _make_user(
    username: str,
    role: str,
    *,
    first: str,
    last: str,
    mobile: str,
    password_hash: str,
    area: Area | None = None,
) -> User:
    user, _ = User.objects.update_or_create(
        username=username,
        defaults={
            "role": role,
            "first_name": first,
            "last_name": last,
            "mobile": mobile,
            "is_demo": True,
            "password": password_hash,
            "area": area,
            "is_staff": role == Role.PLATFORM_ADMIN,
            "is_superuser": role == Role.PLATFORM_ADMIN,
        },
    )
    return user


@transaction.atomic
def demo_users(profile: Profile) -> DemoReport:
    if not settings.DEMO_MODE:
        raise ProfileError("demo data is loaded only in demo mode (NIVARAN_DEMO_MODE=1)")
    demo = profile.read("demo.yaml")
    district = Area.objects.get(code=demo["district"])
    dept = demo["department"]
    probe = User()
    probe.set_password(DEMO_PASSWORD)
    password_hash = probe.password
    report = DemoReport(logins=[])
    named_posts = {
        NAMED_POSTS[u["username"]](dept, district): u
        for u in demo["users"]
        if u["username"] in NAMED_POSTS
    }
    for n, post in enumerate(Post.objects.select_related("area").order_by("code"), start=1):
        named = named_posts.get(post.code)
        username = named["username"] if named else post.code.lower()
        post.holder = _make_user(
            username,
            named["role"] if named else _role_of(post),
            first=named.get("first_name", post.title) if named else post.title[:150],
            last=named.get("last_name", "") if named else "",
            mobile=f"9{n:09d}",
            password_hash=password_hash,
        )
        post.save(update_fields=["holder"])
        report.users += 1
    for n, u in enumerate(demo["users"], start=1):
        if u["username"] not in NAMED_POSTS:
            field = u["role"] == Role.FIELD_VALIDATION_EXECUTIVE
            user = _make_user(
                u["username"],
                u["role"],
                first=u.get("first_name", ""),
                last=u.get("last_name", ""),
                # The district administration calls its field executives (W8).
                mobile=f"8{n:09d}" if field else "",
                password_hash=password_hash,
                area=district if field else None,
            )
            if field:
                FieldCoverage.objects.get_or_create(
                    executive=user, district=district, defaults={"since": timezone.localdate()}
                )
            report.users += 1
    report.logins = [(u["username"], u["role"]) for u in demo["users"]]
    return report


def demo_grievances(
    profile: Profile, *, count: int = 300, seed: int = 1905, now: datetime | None = None
) -> int:
    """Lay `count` grievances over the last 30 days through the workflow, with daily sweeps."""
    rng = random.Random(seed)
    now = now or timezone.now()
    demo = profile.read("demo.yaml")
    texts = demo["grievances"]
    district = Area.objects.get(code=demo["district"])
    local_areas = list(Area.objects.filter(path__startswith=district.path))
    other_districts = list(Area.objects.filter(type="district").exclude(pk=district.pk))
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["telecaller", "feedback", "cmo", "analyst"])
    }
    system = system_user()
    first_names = [
        "Ramesh",
        "Sunita",
        "Mohd. Arif",
        "Priya",
        "Suresh",
        "Kavita",
        "Rajesh",
        "Anjali",
        "Manoj",
        "Pooja",
        "Vikram",
        "Rekha",
        "Amit",
        "Seema",
    ]
    surnames = ["Kumar", "Devi", "Sharma", "Singh", "Yadav", "Verma", "Gupta", "Das", "Khan"]

    timeline: list[tuple[datetime, int, Callable[[], Any]]] = []
    start = now - timedelta(days=30)
    made: list[Grievance] = []

    def register(text: dict[str, Any], at: datetime, area: Area, mobile: str) -> None:
        grievance, _ = grievance_register(
            actor=users["telecaller"],
            citizen_name=f"{rng.choice(first_names)} {rng.choice(surnames)}",
            mobile=mobile,
            category_code=text["category"],
            area_code=area.code,
            description=text["text"],
            channel=rng.choice(["call_centre"] * 3 + ["web"]),
            language=text.get("language"),
            at=at,
        )
        made.append(grievance)
        plan = rng.random()
        step = at + timedelta(hours=rng.randint(4, 120))
        officer = grievance.assigned_to
        if officer is None or plan < 0.35:
            return  # left alone: the sweeps will escalate it
        if plan < 0.5:
            timeline.append(
                (
                    step,
                    2,
                    lambda: _act(
                        grievance,
                        officer,
                        "interim_reply",
                        {"message": "Site inspection is scheduled."},
                        step,
                    ),
                )
            )
            return
        if plan < 0.55:
            timeline.append(
                (
                    step,
                    2,
                    lambda: _act(
                        grievance, officer, "reject", {"reason": "Matter is sub-judice."}, step
                    ),
                )
            )
            return
        if plan < 0.58 and profile.special_close_reasons:
            reason = profile.special_close_reasons[0]
            timeline.append(
                (
                    step,
                    2,
                    lambda: _act(
                        grievance,
                        users["cmo"],
                        "special_close",
                        {
                            "reason_code": reason.code,
                            "reason": "The same complaint is being handled under an earlier "
                            "grievance.",
                        },
                        step,
                    ),
                )
            )
            return
        atr_at, feedback_at = step, step + timedelta(hours=rng.randint(2, 48))
        timeline.append(
            (
                atr_at,
                2,
                lambda: _act(
                    grievance,
                    officer,
                    "submit_atr",
                    {
                        "summary": "Inspected on site and the work has been completed.",
                        "resolution_type": "resolved",
                    },
                    atr_at,
                ),
            )
        )
        if plan < 0.8:
            feedback = {"outcome": "satisfied", "recording_ref": f"REC-{rng.randint(10**5, 10**6)}"}
        elif plan < 0.88:
            feedback = {
                "outcome": "not_satisfied",
                "reason": "Citizen says the work is not done.",
                "recording_ref": f"REC-{rng.randint(10**5, 10**6)}",
            }
        elif plan < 0.93:
            feedback = {"outcome": "unreachable", "comments": "Phone switched off."}
        else:
            return  # the ATR waits in the feedback desk's queue
        timeline.append(
            (
                feedback_at,
                3,
                lambda: _act(
                    grievance, users["feedback"], "record_feedback", feedback, feedback_at
                ),
            )
        )

    for i in range(count):
        text = texts[i % len(texts)]
        at = start + timedelta(minutes=rng.randint(0, 30 * 24 * 60 - 1))
        area = rng.choice(local_areas) if rng.random() < 0.6 else rng.choice(other_districts)
        mobile = f"{rng.choice('6789')}{rng.randint(0, 10**9 - 1):09d}"
        timeline.append((at, 1, functools.partial(register, text, at, area, mobile)))
    for day in range(31):
        sweep_at = timezone.make_aware(
            datetime.combine((start + timedelta(days=day)).date(), time(23, 30))
        )
        if sweep_at <= now:
            timeline.append(
                (sweep_at, 0, functools.partial(grievances_sweep, at=sweep_at, actor=system))
            )
    done = 0
    while timeline:
        timeline.sort(key=lambda item: (item[0], item[1]))
        _at, _order, step_fn = timeline.pop(0)
        step_fn()
        done += 1
    _pick_for_field_visits(district, users["cmo"], now)
    return len(made)


def _pick_for_field_visits(district: Area, cmo: User, now: datetime, count: int = 4) -> None:
    """The CMO grievance cell picks a few ATRs in the demo district for a field visit (W7),
    so the field validation executive's queue is not empty."""
    numbers = (
        Grievance.objects.filter(
            area_path__startswith=district.path, status__in=["atr_submitted", "closed"]
        )
        .order_by("-updated_at")
        .values_list("number", flat=True)[:count]
    )
    for number in numbers:
        with contextlib.suppress(DomainError):
            field_visit_pick(number=number or "", actor=cmo, at=now)


def _act(
    grievance: Grievance, actor: User, action: str, data: dict[str, Any], at: datetime
) -> None:
    # If the simulated day moved on (escalated, say) and the step no longer fits, skip it,
    # as the real officer would have found the grievance elsewhere.
    with contextlib.suppress(DomainError):
        grievance_act(grievance_id=grievance.pk, actor=actor, action=action, data=data, at=at)
