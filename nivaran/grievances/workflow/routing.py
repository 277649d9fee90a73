"""The officers' routing tools: type change (M1), transfer and out of jurisdiction (M2),
and the record of a WhatsApp share (M3).

A grievance escalated to an officer may never be sent back, by transfer or by out of
jurisdiction, to a post (or the officer holding it) it was escalated from: the reason
Madhya Pradesh changed its portal (seed 004).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from nivaran.accounts.roles import POST_ROLES, Role
from nivaran.catalog.models import Category
from nivaran.core.calendar import BusinessCalendar
from nivaran.core.errors import InvalidInput, TransitionNotAllowed
from nivaran.duplicates.services import duplicates_reindex
from nivaran.grievances import notify
from nivaran.grievances.deadlines import deadlines_for, due_at
from nivaran.grievances.models import Grievance, GrievanceEvent, Status
from nivaran.grievances.workflow.base import KEEP, TOP_LEVEL, Change, Context
from nivaran.org.models import Department, Post
from nivaran.org.selectors import LevelResolver
from nivaran.profiles.loader import Profile

ROUTING_ACTIONS = ("transfer", "mark_out_of_jurisdiction")


def _history(g: Grievance) -> list[GrievanceEvent]:
    return list(
        GrievanceEvent.objects.filter(grievance=g)
        .order_by("at", "id")
        .only("id", "at", "action", "level", "assigned_to_id", "due_at", "data")
    )


def escalated_from(events: list[GrievanceEvent]) -> tuple[set[int], set[int]]:
    """The posts and officers the grievance was ever escalated from."""
    posts: set[int] = set()
    officers: set[int] = set()
    for before, event in pairwise(events):
        if event.action != "escalate":
            continue
        data = event.data or {}
        if data.get("from_post"):
            posts.add(int(data["from_post"]))
        officer = data.get("from_officer") if "from_officer" in data else before.assigned_to_id
        if officer:
            officers.add(int(officer))
    return posts, officers


def type_change_until(
    grievance: Grievance, profile: Profile, calendar: BusinessCalendar
) -> datetime | None:
    """The end of the profile's window for an L1 type change (None: the rule is off)."""
    days = int(profile.rules.get("type_change_window_days", 0))
    if days <= 0:
        return None
    if profile.rules.get("type_change_window_calendar", "calendar") == "working":
        return calendar.add_working_days(grievance.registered_at, days)
    return grievance.registered_at + timedelta(days=days)


def _level_of_actor(ctx: Context) -> int | None:
    g = ctx.grievance
    return ctx.resolver.level_of(
        user=ctx.actor,
        department_id=g.department_id,
        area_path=g.area_path,
        category_id=g.category_id,
    )


def _category(code: str, field: str = "category") -> Category:
    category = (
        Category.objects.filter(code=code, is_active=True, selectable=True)
        .select_related("department")
        .first()
    )
    if category is None:
        raise InvalidInput(
            _("No open complaint type with code %(code)s.") % {"code": code},
            fields={field: [_("Not an open complaint type.")]},
        )
    return category


def _level_started(events: list[GrievanceEvent], due: datetime | None) -> datetime | None:
    """When the current deadline began: the first of the latest events that carry it, or
    where a type change recomputed it, the instant that change counted from."""
    start = None
    for event in reversed(events):
        if event.due_at != due:
            break
        if event.action == "change_type" and (event.data or {}).get("deadline_from"):
            return datetime.fromisoformat(event.data["deadline_from"])
        start = event.at
    return start


def _routed(ctx: Context, department: Department, category: Category) -> tuple[Post, datetime]:
    """The department's L1 post for the grievance's area, and a fresh L1 deadline."""
    g = ctx.grievance
    resolver = LevelResolver(department_id=department.pk).knows(category)
    post = resolver.post_for(
        department_id=department.pk, area_path=g.area_path, category_id=category.pk, level=1
    )
    if post is None:
        raise TransitionNotAllowed(
            _(
                "The %(department)s department has no L1 officer mapped for %(area)s; "
                "it cannot receive the grievance until its mapping is completed."
            )
            % {"department": department.name, "area": g.area.name}
        )
    posts, officers = escalated_from(_history(g))
    if post.pk in posts or (post.holder_id is not None and post.holder_id in officers):
        raise TransitionNotAllowed(
            _(
                "The grievance was escalated from %(post)s; it cannot be sent back there "
                "by transfer or out of jurisdiction."
            )
            % {"post": post.title}
        )
    deadlines = deadlines_for(category=category, emergency=g.emergency, profile=ctx.profile)
    return post, due_at(deadlines=deadlines, level=1, start=ctx.at, calendar=ctx.calendar)


def _destination(ctx: Context, field: str = "department") -> tuple[Department, Category]:
    """The department named in the input and the grievance's type there."""
    g = ctx.grievance
    code = ctx.data.get(field) or ""
    department = Department.objects.filter(code=code, is_active=True).first()
    if department is None:
        raise InvalidInput(
            _("No department with code %(code)s.") % {"code": code},
            fields={field: [_("Not a department.")]},
        )
    if department.pk == g.department_id and g.status != Status.OUT_OF_JURISDICTION:
        raise InvalidInput(
            _("The grievance is already with the %(department)s department.")
            % {"department": department.name},
            fields={field: [_("Name another department.")]},
        )
    if ctx.data.get("category"):
        category = _category(ctx.data["category"])
        if category.department_id != department.pk:
            raise InvalidInput(
                _("Complaint type %(code)s is not one of the %(department)s department's.")
                % {"code": category.code, "department": department.name},
                fields={"category": [_("Choose a type of the department it goes to.")]},
            )
        return department, category
    if g.category.department_id == department.pk:
        return department, g.category
    others = Category.objects.filter(
        department=department, is_others=True, is_active=True, selectable=True
    ).first()
    if others is None:
        raise InvalidInput(
            _("Choose the complaint type of the %(department)s department.")
            % {"department": department.name},
            fields={"category": [_("The department has no 'Others' type; choose one.")]},
        )
    return department, others


def _to_department(ctx: Context, department: Department, category: Category) -> Change:
    """Routed to `department` at L1 with a fresh deadline; the citizen is told."""
    g = ctx.grievance
    post, due = _routed(ctx, department, category)
    hindi = (g.citizen.language or ctx.profile.default_language) == "hi"
    name = department.name_hi if hindi and department.name_hi else department.name
    return Change(
        level=1,
        post=post,
        due_at=due,
        department=department if department.pk != g.department_id else KEEP,
        category=category if category.pk != g.category_id else KEEP,
        note=ctx.data["reason"],
        data=_moved(g, department, category, post),
        messages=[notify.to_citizen(g, "transferred", department=name)],
        writes=[_reindexed] if category.pk != g.category_id else [],
    )


def _reindexed(g: Grievance) -> None:
    """The duplicate index keys a grievance by its type: a new type is keyed again."""
    duplicates_reindex(grievance_ids=[g.pk])


def _moved(
    g: Grievance, department: Department | None, category: Category | None, post: Post | None
) -> dict[str, Any]:
    """What the history keeps of a move, for analytics and for the bounce-back rule."""
    return {
        "from_department": g.department_id,
        "to_department": department.pk if department else None,
        "from_category": g.category.code,
        "to_category": category.code if category else None,
        "from_post": g.assigned_post_id,
        "from_officer": g.assigned_to_id,
        "to_post": post.pk if post else None,
    }


# --- type change (M1) -------------------------------------------------------------


def guard_change_type(ctx: Context) -> str | None:
    """the profile's window from registration; the L1 officer only"""
    until = type_change_until(ctx.grievance, ctx.profile, ctx.calendar)
    if until is None:
        return _("Complaint types cannot be changed in this state")
    if ctx.grievance.level != 1 or _level_of_actor(ctx) != 1:
        return _("Only the L1 officer may change the complaint type, while it is at L1")
    if ctx.at > until:
        return _(
            "The complaint type may be changed only within %(days)s days of registration "
            "(until %(until)s)"
        ) % {
            "days": ctx.profile.rules.get("type_change_window_days"),
            "until": timezone.localtime(until).strftime("%d-%m-%Y %H:%M"),
        }
    return None


def change_type(ctx: Context) -> Change:
    """The L1 officer corrects the complaint type within the profile's window (M1); the
    deadline follows the new type, and a type of another department moves it there."""
    g = ctx.grievance
    new = _category(ctx.data["category"])
    if new.pk == g.category_id:
        raise InvalidInput(
            _("The grievance already has this type."),
            fields={"category": [_("Choose another type.")]},
        )
    if new.kind != g.kind:
        raise InvalidInput(
            _("Type %(code)s is for a %(kind)s, not a %(own)s.")
            % {"code": new.code, "kind": new.get_kind_display(), "own": g.get_kind_display()},
            fields={"category": [_("Choose a type of the same kind.")]},
        )
    if new.department_id != g.department_id:
        if not ctx.profile.rules.get("department_transfer", True):
            raise TransitionNotAllowed(
                _("Grievances are not transferred between departments in this state")
            )
        change = _to_department(ctx, new.department, new)
        change.data["department_changed"] = True
        return change
    events = _history(g)
    start = _level_started(events, g.due_at) or g.registered_at
    deadlines = deadlines_for(category=new, emergency=g.emergency, profile=ctx.profile)
    # The mapping may name another post for the new type (mappings per category).
    post = ctx.resolver.post_for(
        department_id=g.department_id, area_path=g.area_path, category_id=new.pk, level=g.level
    )
    moved = post is not None and post.pk != g.assigned_post_id
    return Change(
        category=new,
        post=post if moved else KEEP,
        due_at=due_at(deadlines=deadlines, level=g.level, start=start, calendar=ctx.calendar),
        note=ctx.data["reason"],
        data={
            **_moved(g, None, new, post if moved else g.assigned_post),
            "department_changed": False,
            # Where this deadline is counted from: a second type change counts from the
            # same instant, not from the first change.
            "deadline_from": start.isoformat(),
        },
        writes=[_reindexed],
    )


# --- transfer and out of jurisdiction (M2) ------------------------------------------


def guard_transfer(ctx: Context) -> str | None:
    """the profile allows transfers; not by an officer it was escalated past; out of
    jurisdiction: the CMO cell re-routes"""
    if not ctx.profile.rules.get("department_transfer", True):
        return _("Grievances are not transferred between departments in this state")
    g = ctx.grievance
    if g.status == Status.OUT_OF_JURISDICTION and ctx.actor.role != Role.CMO_GRIEVANCE_CELL:
        return _("The CMO grievance cell re-routes a grievance marked out of jurisdiction")
    level = _level_of_actor(ctx) if ctx.actor.role in POST_ROLES else None
    if level is not None and level < g.level:
        return _("The grievance is at L%(level)s now: its officer there decides where it goes") % {
            "level": g.level
        }
    return None


def transfer(ctx: Context) -> Change:
    """Send a grievance that belongs to another department there; its L1 officer gets it
    with a fresh deadline (M2)."""
    department, category = _destination(ctx)
    return _to_department(ctx, department, category)


def _reached_top_by_escalation(events: list[GrievanceEvent]) -> bool:
    for before, event in reversed(list(pairwise(events))):
        if event.level == before.level:
            continue
        return event.action == "escalate" and event.level == TOP_LEVEL
    return False


def guard_out_of_jurisdiction(ctx: Context) -> str | None:
    """the profile's rule; the L4 officer, on a grievance that reached L4 by escalation"""
    if not ctx.profile.rules.get("out_of_jurisdiction_at_l4"):
        return _("Out of jurisdiction is not used in this state; transfer the grievance")
    g = ctx.grievance
    if g.level != TOP_LEVEL or _level_of_actor(ctx) != TOP_LEVEL:
        return _("Only the L4 officer marks a grievance at L4 out of jurisdiction")
    if not _reached_top_by_escalation(_history(g)):
        return _("Only a grievance that reached L4 by escalation can be marked out of jurisdiction")
    return None


def mark_out_of_jurisdiction(ctx: Context) -> Change:
    """An L4 officer marks an escalated grievance as another department's (M2): to that
    department, or with none named to the CMO grievance cell's re-routing queue."""
    g = ctx.grievance
    if ctx.data.get("department"):
        department, category = _destination(ctx)
        change = _to_department(ctx, department, category)
        change.outcome = "routed"
        return change
    if ctx.data.get("category"):
        raise InvalidInput(
            _("Name the department the complaint type belongs to."),
            fields={"department": [_("Needed with a complaint type.")]},
        )
    return Change(
        outcome="rerouting",
        post=None,
        due_at=None,
        note=ctx.data["reason"],
        data=_moved(g, None, None, None),
        messages=[notify.to_citizen(g, "rerouting")],
    )


# --- WhatsApp share (M3) ----------------------------------------------------------------


def guard_share(ctx: Context) -> str | None:
    """the profile's rule; L1, L2 and L3 officers of its chain"""
    if not ctx.profile.rules.get("whatsapp_share"):
        return _("Grievances are not shared over WhatsApp in this state")
    if _level_of_actor(ctx) not in {1, 2, 3}:
        return _("Only its L1, L2 and L3 officers share a grievance")
    return None


def share_whatsapp(ctx: Context) -> Change:
    """Shared over WhatsApp with a subordinate or field officer (M3), by the share service,
    which sends the one message for the whole list."""
    post = Post.objects.select_related("holder").get(code=ctx.data["recipient"])
    holder = post.holder
    return Change(
        note=_("Shared on WhatsApp with %(name)s (%(post)s)")
        % {"name": holder.get_full_name() if holder else "-", "post": post.title},
        data={
            "share": ctx.data["share"],
            "recipient_post": post.code,
            "recipient": holder.username if holder else None,
        },
    )
