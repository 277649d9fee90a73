"""Writes of the category trees kept by the departments themselves (H8): create, rename,
change deadlines, split, merge and retire a category.

Each function takes the acting user, checks that they keep the department's tree
(`selectors.category_departments_kept`), locks the department for the edit, writes in one
transaction and appends a `CategoryChange` row (who, when, operation, before, after, why).
A grievance's type is never written here: a split or merge moves each pending grievance
through the workflow's door (`recategorise`, as the acting user), so the move is in that
grievance's history too, and the whole operation is refused if one move is. A retired type
takes no new grievance (intake reads only active types) and stays readable on the old ones.
A department always keeps an active "Others" type.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nivaran.accounts.models import User
from nivaran.catalog.models import Category, CategoryChange, CategoryOperation, Kind
from nivaran.catalog.selectors import category_departments_kept
from nivaran.catalog.versions import tree_changed
from nivaran.core.errors import InvalidInput, NotFound, PermissionDenied
from nivaran.grievances.models import Grievance
from nivaran.grievances.workflow import PENDING, grievance_act
from nivaran.org.models import Department

UNITS = ("working_days", "working_hours", "clock_hours")
CODE = re.compile(r"^[A-Z0-9]+(-[A-Z0-9]+)+$")


@dataclass(frozen=True)
class Deadlines:
    """A complaint type's own deadline per level (L1..L4) in one unit."""

    unit: str
    levels: tuple[int, int, int, int]


@dataclass(frozen=True)
class NewType:
    """One of the types a split makes: code and names; the rest is the split type's."""

    code: str
    name: str
    name_hi: str = ""


def _deadlines_of(c: Category) -> dict[str, Any] | None:
    if not c.deadline_unit:
        return None  # the profile's default
    return {
        "unit": c.deadline_unit,
        "levels": [c.deadline_l1, c.deadline_l2, c.deadline_l3, c.deadline_l4],
    }


def _snapshot(c: Category) -> dict[str, Any]:
    return {
        "code": c.code,
        "name": c.name,
        "name_hi": c.name_hi,
        "kind": c.kind,
        "parent": c.parent.code if c.parent_id and c.parent else None,
        "selectable": c.selectable,
        "is_others": c.is_others,
        "is_active": c.is_active,
        "deadlines": _deadlines_of(c),
    }


def _record(
    *,
    actor: User,
    operation: str,
    category: Category,
    old: dict[str, Any],
    new: dict[str, Any],
    reason: str,
    at: datetime,
) -> CategoryChange:
    # Every write of a tree is logged here, so this is where what the pages keep in the
    # cache about the department (pending counts, the assistant's groups) goes stale.
    tree_changed(department_id=category.department_id)
    return CategoryChange.objects.create(
        at=at,
        actor=actor,
        actor_username=actor.username,
        actor_role=actor.role,
        operation=operation,
        department_id=category.department_id,
        category=category,
        old=old,
        new=new,
        reason=reason,
    )


def _refuse_unless_kept(actor: User, department: Department) -> Department:
    """The department, locked for the edit, if `actor` keeps its tree."""
    if not category_departments_kept(actor=actor).filter(pk=department.pk).exists():
        raise PermissionDenied(
            _("Only the administrative secretary of %(department)s keeps its categories.")
            % {"department": department.name}
        )
    # One edit of a department's tree at a time: the "Others" rule reads the other rows.
    return Department.objects.select_for_update().get(pk=department.pk)


def _department_for_edit(actor: User, code: str) -> Department:
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise NotFound(_("There is no department %(code)s.") % {"code": code})
    return _refuse_unless_kept(actor, department)


def _category_for_edit(actor: User, code: str) -> Category:
    category = Category.objects.filter(code=code).select_related("department").first()
    if category is None:
        raise NotFound(_("There is no category %(code)s.") % {"code": code})
    _refuse_unless_kept(actor, category.department)
    return (
        Category.objects.select_for_update(of=("self",))
        .select_related("parent")
        .get(pk=category.pk)
    )


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            _("Say why the change is made; it is kept in the log."),
            fields={"reason": [_("This field is required.")]},
        )
    return reason


def _names(name: str, name_hi: str) -> tuple[str, str]:
    name, name_hi = (name or "").strip(), (name_hi or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the English name.")]
    if not name_hi:
        errors["name_hi"] = [_("Give the Hindi name.")]
    if len(name) > 200 or len(name_hi) > 200:
        errors.setdefault("name", []).append(_("A name has at most 200 characters."))
    if errors:
        raise InvalidInput(_("The names are incomplete."), fields=errors)
    return name, name_hi


def _code(code: str, department: Department) -> str:
    code = (code or "").strip().upper()
    if not CODE.match(code) or not code.startswith(f"{department.code}-") or len(code) > 40:
        raise InvalidInput(
            _(
                "A code is the department's code and a dash, then capital letters and digits "
                "(e.g. %(example)s), at most 40 characters."
            )
            % {"example": f"{department.code}-WATER"},
            fields={"code": [_("Not a valid code.")]},
        )
    if Category.objects.filter(code=code).exists():
        raise InvalidInput(
            _("The code %(code)s is taken.") % {"code": code},
            fields={"code": [_("Choose another code.")]},
        )
    return code


def _apply_deadlines(c: Category, deadlines: Deadlines | None) -> None:
    if deadlines is None:
        c.deadline_unit = ""
        c.deadline_l1 = c.deadline_l2 = c.deadline_l3 = c.deadline_l4 = None
        return
    if deadlines.unit not in UNITS:
        raise InvalidInput(
            _("Choose a deadline unit."), fields={"deadline_unit": [_("Not a unit.")]}
        )
    if len(deadlines.levels) != 4 or any(int(v) < 1 or int(v) > 999 for v in deadlines.levels):
        raise InvalidInput(
            _("Give each of the four level deadlines, from 1 to 999."),
            fields={"deadlines": [_("From 1 to 999 each.")]},
        )
    c.deadline_unit = deadlines.unit
    c.deadline_l1, c.deadline_l2, c.deadline_l3, c.deadline_l4 = (int(v) for v in deadlines.levels)


def _clean(c: Category) -> None:
    try:
        c.full_clean()
    except ValidationError as exc:
        raise InvalidInput(
            " ".join(exc.messages), fields=getattr(exc, "message_dict", None)
        ) from None


def _others_left(department: Department, without: Sequence[int]) -> bool:
    return (
        Category.objects.filter(
            department=department, is_others=True, is_active=True, selectable=True
        )
        .exclude(pk__in=without)
        .exists()
    )


def _keep_an_others(c: Category) -> None:
    if c.is_others and not _others_left(c.department, [c.pk]):
        raise InvalidInput(
            _(
                "%(code)s is the department's only 'Others' type; a department always keeps "
                "one. Create another 'Others' type first."
            )
            % {"code": c.code},
            fields={"code": [_("The last 'Others' type stays.")]},
        )


def _open_type(c: Category) -> None:
    if not c.is_active or not c.selectable:
        raise InvalidInput(
            _("%(code)s is not an open complaint type.") % {"code": c.code},
            fields={"code": [_("Not an open complaint type.")]},
        )


MAX_MOVE = 2_000


def _move(
    *, actor: User, grievance_ids: Sequence[int], to: Category, reason: str, at: datetime
) -> list[str]:
    """Each grievance moved through the workflow's door; the numbers moved. One request
    moves at most MAX_MOVE (each is a workflow action with its history and lock): a
    larger pile is split or merged in parts."""
    if len(grievance_ids) > MAX_MOVE:
        raise InvalidInput(
            _(
                "At most %(max)s pending grievances move at once; this would move "
                "%(count)s. Move them in parts (split by a narrower choice)."
            )
            % {"max": MAX_MOVE, "count": len(grievance_ids)},
            fields={"grievances": [_("Too many to move at once.")]},
        )
    numbers = []
    tree_changed(department_id=to.department_id)  # the pending counts per type change
    for gid in grievance_ids:
        g = grievance_act(
            grievance_id=gid,
            actor=actor,
            action="recategorise",
            data={"category": to.code, "reason": reason},
            at=at,
        )
        numbers.append(g.number or "")
    return numbers


def _pending_ids(c: Category) -> list[int]:
    return list(
        Grievance.objects.filter(category=c, status__in=PENDING)
        .order_by("registered_at", "id")
        .values_list("id", flat=True)
    )


@transaction.atomic
def category_create(
    *,
    actor: User,
    department: str,
    code: str,
    name: str,
    name_hi: str,
    kind: str = Kind.GRIEVANCE,
    parent: str | None = None,
    selectable: bool = True,
    is_others: bool = False,
    deadlines: Deadlines | None = None,
    reason: str,
    at: datetime | None = None,
) -> Category:
    """A new complaint type (or a group of types, `selectable=False`) of the department,
    under `parent` (a category of the same department) or at the top of its tree."""
    at = at or timezone.now()
    dept = _department_for_edit(actor, department)
    reason = _reason(reason)
    name, name_hi = _names(name, name_hi)
    if kind not in Kind.values:
        raise InvalidInput(_("Choose a kind."), fields={"kind": [_("Not a kind.")]})
    parent_row = None
    if parent:
        parent_row = Category.objects.filter(code=parent).first()
        if parent_row is None or parent_row.department_id != dept.pk or not parent_row.is_active:
            raise InvalidInput(
                _("The parent must be an active category of %(department)s.")
                % {"department": dept.name},
                fields={"parent": [_("Not a category of this department.")]},
            )
    c = Category(
        department=dept,
        parent=parent_row,
        code=_code(code, dept),
        name=name,
        name_hi=name_hi,
        kind=kind,
        selectable=selectable,
        is_others=is_others,
    )
    _apply_deadlines(c, deadlines if selectable else None)
    _clean(c)
    c.save()
    _record(
        actor=actor,
        operation=CategoryOperation.CREATE,
        category=c,
        old={},
        new=_snapshot(c),
        reason=reason,
        at=at,
    )
    return c


@transaction.atomic
def category_rename(
    *, actor: User, code: str, name: str, name_hi: str, reason: str, at: datetime | None = None
) -> Category:
    """New English and Hindi names; the code stays, so every grievance keeps its type."""
    c = _category_for_edit(actor, code)
    reason = _reason(reason)
    name, name_hi = _names(name, name_hi)
    before = _snapshot(c)
    c.name, c.name_hi = name, name_hi
    _clean(c)
    c.save(update_fields=["name", "name_hi"])
    _record(
        actor=actor,
        operation=CategoryOperation.RENAME,
        category=c,
        old=before,
        new=_snapshot(c),
        reason=reason,
        at=at or timezone.now(),
    )
    return c


@transaction.atomic
def category_deadlines_set(
    *,
    actor: User,
    code: str,
    deadlines: Deadlines | None,
    reason: str,
    at: datetime | None = None,
) -> Category:
    """The type's own deadline per level, or None for the profile's default. Grievances
    keep the deadline they run on; the next level they reach, and new grievances, take the
    new ones."""
    c = _category_for_edit(actor, code)
    reason = _reason(reason)
    if not c.selectable:
        raise InvalidInput(
            _("Only a complaint type has deadlines."), fields={"code": [_("A group.")]}
        )
    before = _snapshot(c)
    _apply_deadlines(c, deadlines)
    _clean(c)
    c.save()
    _record(
        actor=actor,
        operation=CategoryOperation.DEADLINES,
        category=c,
        old=before,
        new=_snapshot(c),
        reason=reason,
        at=at or timezone.now(),
    )
    return c


def _retire(c: Category) -> None:
    _keep_an_others(c)
    if Category.objects.filter(parent=c, is_active=True).exists():
        raise InvalidInput(
            _("%(code)s has active categories under it; retire or merge them first.")
            % {"code": c.code},
            fields={"code": [_("Has active children.")]},
        )
    c.is_active = False
    c.save(update_fields=["is_active"])


@transaction.atomic
def category_retire(*, actor: User, code: str, reason: str, at: datetime | None = None) -> Category:
    """No new grievance may be lodged under it; the grievances it has keep it, readable in
    their pages and history. Pending ones stay too (a merge or split moves them)."""
    c = _category_for_edit(actor, code)
    reason = _reason(reason)
    if not c.is_active:
        raise InvalidInput(
            _("%(code)s is retired already.") % {"code": c.code},
            fields={"code": [_("Retired already.")]},
        )
    before = _snapshot(c)
    _retire(c)
    _record(
        actor=actor,
        operation=CategoryOperation.RETIRE,
        category=c,
        old=before,
        new={**_snapshot(c), "pending_kept": len(_pending_ids(c))},
        reason=reason,
        at=at or timezone.now(),
    )
    return c


@transaction.atomic
def category_merge(
    *, actor: User, code: str, into: str, reason: str, at: datetime | None = None
) -> Category:
    """Type `code` into type `into` of the same department: every pending grievance of the
    first moves to the second through the workflow's door, and the first is retired."""
    at = at or timezone.now()
    c = _category_for_edit(actor, code)
    reason = _reason(reason)
    target = Category.objects.filter(code=(into or "").strip()).first()
    if target is None or target.department_id != c.department_id:
        raise InvalidInput(
            _("Merge into a complaint type of the same department."),
            fields={"into": [_("Not a type of this department.")]},
        )
    if target.pk == c.pk:
        raise InvalidInput(
            _("A type cannot be merged into itself."), fields={"into": [_("Choose another.")]}
        )
    _open_type(c)
    _open_type(target)
    if target.kind != c.kind:
        raise InvalidInput(
            _("Both types must be of one kind."), fields={"into": [_("Another kind.")]}
        )
    _keep_an_others(c)
    before = _snapshot(c)
    moved = _move(actor=actor, grievance_ids=_pending_ids(c), to=target, reason=reason, at=at)
    _retire(c)
    _record(
        actor=actor,
        operation=CategoryOperation.MERGE,
        category=c,
        old=before,
        new={**_snapshot(c), "into": target.code, "moved": dict.fromkeys(moved, target.code)},
        reason=reason,
        at=at,
    )
    return target


@transaction.atomic
def category_split(
    *,
    actor: User,
    code: str,
    into: Sequence[NewType],
    moves: Mapping[str, str],
    rest: str | None = None,
    retire: bool = False,
    reason: str,
    at: datetime | None = None,
) -> list[Category]:
    """Type `code` split into two or more new types of the same department (same parent,
    kind and deadlines): the pending grievances named in `moves` (grievance number -> new
    code), and with `rest` (a new code) every other pending one, move to the new types
    through the workflow's door; with `retire`, the old type is retired, which needs every
    pending grievance moved."""
    at = at or timezone.now()
    c = _category_for_edit(actor, code)
    reason = _reason(reason)
    _open_type(c)
    if len(into) < 2:
        raise InvalidInput(
            _("A split makes two or more new types."),
            fields={"into": [_("Give at least two new types.")]},
        )
    if retire:
        _keep_an_others(c)
    before = _snapshot(c)
    made: dict[str, Category] = {}
    for spec in into:
        new = Category(
            department=c.department,
            parent=c.parent,
            code=_code(spec.code, c.department),
            kind=c.kind,
            selectable=True,
            is_others=False,
            deadline_unit=c.deadline_unit,
            deadline_l1=c.deadline_l1,
            deadline_l2=c.deadline_l2,
            deadline_l3=c.deadline_l3,
            deadline_l4=c.deadline_l4,
        )
        new.name, new.name_hi = _names(spec.name, spec.name_hi)
        if new.code in made:
            raise InvalidInput(
                _("The code %(code)s is given twice.") % {"code": new.code},
                fields={"into": [_("Each new type needs its own code.")]},
            )
        _clean(new)
        new.save()
        made[new.code] = new
        _record(
            actor=actor,
            operation=CategoryOperation.CREATE,
            category=new,
            old={},
            new={**_snapshot(new), "split_from": c.code},
            reason=reason,
            at=at,
        )
    pending: dict[str, int] = {
        number: gid
        for number, gid in Grievance.objects.filter(category=c, status__in=PENDING).values_list(
            "number", "id"
        )
        if number
    }
    wrong = sorted(n for n in moves if n not in pending)
    if wrong:
        raise InvalidInput(
            _("Not pending under %(code)s: %(numbers)s.")
            % {"code": c.code, "numbers": ", ".join(wrong[:10])},
            fields={"moves": [_("Choose among the pending grievances listed.")]},
        )
    targets = {n: v for n, v in moves.items() if v}
    if rest:
        targets.update({n: rest for n in pending if n not in moves or not moves[n]})
    unknown = sorted({v for v in targets.values() if v not in made})
    if unknown:
        raise InvalidInput(
            _("Move grievances only to the new types."),
            fields={"moves": [_("Not a new type: %(codes)s.") % {"codes": ", ".join(unknown)}]},
        )
    if retire and len(targets) < len(pending):
        raise InvalidInput(
            _(
                "%(count)d pending grievances would stay under the retired type; choose a "
                "new type for each, or for the rest."
            )
            % {"count": len(pending) - len(targets)},
            fields={"rest": [_("Choose where the rest go.")]},
        )
    moved: dict[str, str] = {}
    for number in sorted(targets, key=lambda n: pending[n]):
        to = made[targets[number]]
        _move(actor=actor, grievance_ids=[pending[number]], to=to, reason=reason, at=at)
        moved[number] = to.code
    if retire:
        _retire(c)
    _record(
        actor=actor,
        operation=CategoryOperation.SPLIT,
        category=c,
        old=before,
        new={**_snapshot(c), "into": list(made), "moved": moved},
        reason=reason,
        at=at,
    )
    return list(made.values())


@transaction.atomic
def category_carve(
    *,
    actor: User,
    code: str,
    into: NewType,
    numbers: Sequence[str],
    reason: str,
    at: datetime | None = None,
) -> Category:
    """One new complaint type carved out of type `code` (the re-categorisation assistant's
    proposal accepted from an "Others" pile): it takes the old type's parent and kind and
    the profile's default deadlines; the chosen pending grievances move to it through the
    workflow's door. The old type stays."""
    at = at or timezone.now()
    c = _category_for_edit(actor, code)
    reason = _reason(reason)
    _open_type(c)
    pending: dict[str, int] = {
        number: gid
        for number, gid in Grievance.objects.filter(category=c, status__in=PENDING).values_list(
            "number", "id"
        )
        if number
    }
    chosen = sorted(set(numbers), key=lambda n: pending.get(n, 0))
    wrong = [n for n in chosen if n not in pending]
    if not chosen or wrong:
        raise InvalidInput(
            _("Not pending under %(code)s: %(numbers)s.")
            % {"code": c.code, "numbers": ", ".join(wrong[:10]) or "-"},
            fields={"moves": [_("Choose among the pending grievances listed.")]},
        )
    new = Category(
        department=c.department,
        parent=c.parent,
        code=_code(into.code, c.department),
        kind=c.kind,
        selectable=True,
        is_others=False,
    )
    new.name, new.name_hi = _names(into.name, into.name_hi)
    _clean(new)
    new.save()
    moved = _move(
        actor=actor, grievance_ids=[pending[n] for n in chosen], to=new, reason=reason, at=at
    )
    _record(
        actor=actor,
        operation=CategoryOperation.CREATE,
        category=new,
        old={},
        new={**_snapshot(new), "carved_from": c.code, "moved": dict.fromkeys(moved, new.code)},
        reason=reason,
        at=at,
    )
    return new
