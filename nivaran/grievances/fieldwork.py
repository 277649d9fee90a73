"""Field validation (W7, W8): visits that check an ATR on the ground, and who covers where.

A visit is picked by the workflow's sample (on an ATR or a closure) or by a reviewer;
a field validation executive covering the district records it. An ATR below the
profile's standard is recalled through the workflow door, in the same transaction.
The grievance's state is never written here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from nivaran.accounts.models import User
from nivaran.accounts.roles import Role
from nivaran.core.errors import InvalidInput, NotFound, PermissionDenied, TransitionNotAllowed
from nivaran.core.files import attachments_check, storage_name
from nivaran.geo.models import Area, AreaType
from nivaran.grievances.models import (
    ActionTakenReport,
    FieldVisit,
    FieldVisitPhoto,
    Grievance,
    VisitPick,
)
from nivaran.grievances.workflow import grievance_act
from nivaran.org.models import FieldCoverage, Post
from nivaran.org.selectors import field_paths, jurisdiction_covers, user_jurisdictions
from nivaran.profiles.loader import active_profile

MAX_PHOTOS = 5
RATINGS = (1, 2, 3, 4, 5)
# Who may pick a grievance for a visit (besides the workflow's own sample).
PICKERS = frozenset({Role.CMO_GRIEVANCE_CELL, Role.ADMINISTRATIVE_SECRETARY})
# Who sees every visit and all the coverage.
CMO = Role.CMO_GRIEVANCE_CELL


def field_standard() -> int:
    """The rating (1-5) an ATR must reach on the ground; below it, it is recalled."""
    return int(active_profile().rule("field_validation_standard"))


def _is_executive(actor: User) -> bool:
    return actor.is_active and actor.role == Role.FIELD_VALIDATION_EXECUTIVE


def _covers(paths: Sequence[str], area_path: str) -> bool:
    return any(area_path.startswith(path) for path in paths)


def _paths_q(paths: Sequence[str]) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(area_path__startswith=path)
    return q


# --- services -----------------------------------------------------------------------


def field_visit_pick(
    *, number: str, actor: User, at: datetime | None = None
) -> tuple[FieldVisit, bool]:
    """A reviewer picks a grievance with an ATR for a field visit (W7).

    Returns (visit, created). A visit already pending for it is returned as it is, with
    created False: picking twice is a no-op. The check is made under the grievance's
    lock, so two pickers at once get one visit.
    """
    at = at or timezone.now()
    if not actor.is_active or actor.role not in PICKERS:
        raise PermissionDenied(
            _("Only the CMO grievance cell or an administrative secretary picks visits.")
        )
    with transaction.atomic():
        grievance = Grievance.objects.select_for_update().filter(number=number).first()
        if grievance is None:
            raise NotFound(_("No grievance %(number)s.") % {"number": number})
        if actor.role == Role.ADMINISTRATIVE_SECRETARY and not jurisdiction_covers(
            user_jurisdictions(user=actor),
            department_id=grievance.department_id,
            area_path=grievance.area_path,
        ):
            raise PermissionDenied(
                _("Grievance %(number)s is outside your jurisdiction.") % {"number": number}
            )
        pending = FieldVisit.objects.filter(grievance=grievance, visited_at__isnull=True).first()
        if pending is not None:
            return pending, False
        atr = (
            ActionTakenReport.objects.filter(grievance=grievance)
            .order_by("-submitted_at", "-id")
            .first()
        )
        if atr is None:
            raise TransitionNotAllowed(
                _("Grievance %(number)s has no Action Taken Report to check in the field.")
                % {"number": number},
                code="nothing_to_check",
            )
        visit = FieldVisit.objects.create(
            grievance=grievance,
            atr=atr,
            department_id=grievance.department_id,
            area_path=grievance.area_path,
            picked_at=at,
            picked_how=VisitPick.REVIEWER,
            picked_by=actor,
        )
        return visit, True


@dataclass(frozen=True)
class VisitResult:
    visit: FieldVisit
    meets_standard: bool
    recalled: bool
    # Why a visit below the standard did not recall the ATR (the grievance moved on).
    not_recalled_reason: str = ""


def field_visit_record(
    *,
    visit_id: int,
    actor: User,
    rating: int,
    remarks: str,
    photos: Sequence[UploadedFile] = (),
    at: datetime | None = None,
) -> VisitResult:
    """An executive covering the district records a visit; below the standard the ATR is
    recalled to the HoD's level with the remarks as the reasons (W7)."""
    at = at or timezone.now()
    if not _is_executive(actor):
        raise PermissionDenied(_("Only a field validation executive records a field visit."))
    problems: dict[str, list[str]] = {}
    if not isinstance(rating, int) or isinstance(rating, bool) or rating not in RATINGS:
        problems["rating"] = [_("Rate the action taken from 1 to 5.")]
    remarks = (remarks or "").strip()
    if not remarks:
        problems["remarks"] = [_("Write what you found on the ground.")]
    elif len(remarks) > 4000:
        problems["remarks"] = [_("Remarks may be at most 4000 characters.")]
    if problems:
        raise InvalidInput(_("The visit report is incomplete."), fields=problems)
    checked = attachments_check(photos, field="photos", max_files=MAX_PHOTOS)
    not_images = [c.upload.name or "" for c in checked if not c.content_type.startswith("image/")]
    if not_images:
        message = _("%(names)s: only JPG or PNG photos.") % {"names": ", ".join(not_images)}
        raise InvalidInput(message, fields={"photos": [message]})

    standard = field_standard()
    saved: list[str] = []
    try:
        with transaction.atomic():
            visit = (
                FieldVisit.objects.select_for_update()
                .select_related("grievance")
                .filter(pk=visit_id)
                .first()
            )
            if visit is None:
                raise NotFound(_("No field visit %(id)s.") % {"id": visit_id})
            if not _covers(field_paths(actor), visit.area_path):
                raise PermissionDenied(_("This visit is outside the districts you cover."))
            if visit.visited_at is not None:
                raise TransitionNotAllowed(
                    _("This visit has already been recorded."), code="already_recorded"
                )
            visit.visited_at = at
            visit.executive = actor
            visit.rating = rating
            visit.meets_standard = rating >= standard
            visit.remarks = remarks
            visit.save(
                update_fields=["visited_at", "executive", "rating", "meets_standard", "remarks"]
            )
            for item in checked:
                photo = FieldVisitPhoto(
                    visit=visit,
                    original_name=(item.upload.name or "")[:200],
                    content_type=item.content_type,
                    size=item.size,
                )
                photo.file.save(storage_name(item.extension, "field"), item.upload, save=False)
                saved.append(photo.file.name or "")
                photo.save()
            if visit.meets_standard:
                return VisitResult(visit, meets_standard=True, recalled=False)
            try:
                grievance_act(
                    grievance_id=visit.grievance_id,
                    actor=actor,
                    action="recall",
                    data={"reasons": remarks, "visit": visit.pk},
                    at=at,
                )
            except TransitionNotAllowed as exc:
                # The grievance moved on (reopened, recalled already...): keep the finding.
                return VisitResult(
                    visit, meets_standard=False, recalled=False, not_recalled_reason=exc.detail
                )
            return VisitResult(visit, meets_standard=False, recalled=True)
    except BaseException:
        for name in saved:
            default_storage.delete(name)
        raise


# --- selectors ----------------------------------------------------------------------


def _visits() -> QuerySet[FieldVisit]:
    return FieldVisit.objects.select_related(
        "grievance",
        "grievance__category",
        "grievance__area",
        "department",
        "atr",
        "picked_by",
        "executive",
    )


def visit_picked(*, visit_id: int) -> FieldVisit:
    """A visit just picked, for the picker's answer (field_visit_pick checked their reach)."""
    return _visits().get(pk=visit_id)


def visits_for_executive(*, actor: User) -> QuerySet[FieldVisit]:
    """The pending visits in the districts the executive covers, oldest pick first."""
    if not _is_executive(actor):
        raise PermissionDenied(_("Only a field validation executive has a visit queue."))
    paths = field_paths(actor)
    return _visits().filter(_paths_q(paths), visited_at__isnull=True).order_by("picked_at", "id")


def visits_for_cell(*, actor: User, pending: bool | None = None) -> QuerySet[FieldVisit]:
    """Every visit, for the CMO grievance cell: pending first (oldest pick first), then
    the recorded ones, latest first."""
    if not actor.is_active or actor.role != CMO:
        raise PermissionDenied(_("Only the CMO grievance cell sees every field visit."))
    qs = _visits()
    if pending is True:
        return qs.filter(visited_at__isnull=True).order_by("picked_at", "id")
    if pending is False:
        return qs.filter(visited_at__isnull=False).order_by("-visited_at", "-id")
    return qs.order_by("-visited_at", "picked_at", "id")


def visits_visible_to(*, actor: User, pending: bool | None = None) -> QuerySet[FieldVisit]:
    """The executive's pending visits, or the cell's list; nobody else has one."""
    if actor.role == CMO:
        return visits_for_cell(actor=actor, pending=pending)
    if actor.role == Role.FIELD_VALIDATION_EXECUTIVE:
        return visits_for_executive(actor=actor)
    raise PermissionDenied(_("Field visits are for field validation and the CMO grievance cell."))


def visit_get(*, actor: User, visit_id: int) -> FieldVisit:
    """One visit, for an executive covering its district or the CMO grievance cell."""
    visit = _visits().filter(pk=visit_id).first()
    if visit is None:
        raise NotFound(_("No field visit %(id)s.") % {"id": visit_id})
    if actor.is_active and actor.role == CMO:
        return visit
    if _is_executive(actor) and _covers(field_paths(actor), visit.area_path):
        return visit
    raise PermissionDenied(_("This visit is outside the districts you cover."))


@dataclass(frozen=True)
class Coverage:
    executive: User
    district: Area
    since: date | None  # None: the executive's own area, set before coverage was kept


def _district_paths(actor: User) -> list[str]:
    """The districts a district administration user's posts sit in (or contain)."""
    return [p.area.path for p in Post.objects.filter(holder=actor).select_related("area")]


def _scope_q(scope: Sequence[str], field: str) -> Q:
    """Areas (by their path in `field`) under any of the scope's paths, or above one: a
    post at a district or above sees the districts under it; a post inside a district
    (a sub-division, say) sees its own district. Paths end in "/", so the areas above
    a path are those whose path is one of its "/"-ended prefixes."""
    q = Q(pk__in=[])
    for path in scope:
        above = [path[: i + 1] for i, ch in enumerate(path) if ch == "/"]
        q |= Q(**{f"{field}__startswith": path}) | Q(**{f"{field}__in": above})
    return q


def coverage_visible_to(*, actor: User) -> list[Coverage]:
    """Who covers which district (W8): the district administration sees theirs, the CMO
    grievance cell all of them."""
    if not actor.is_active or actor.role not in {CMO, Role.DISTRICT_ADMINISTRATION}:
        raise PermissionDenied(
            _("Field coverage is shown to the district administration and the CMO grievance cell.")
        )
    everywhere = actor.role == CMO
    coverage = FieldCoverage.objects.filter(executive__is_active=True).select_related(
        "executive", "district"
    )
    # An executive set up with an area and no coverage row covers that area (field_paths).
    legacy = User.objects.filter(
        role=Role.FIELD_VALIDATION_EXECUTIVE,
        is_active=True,
        area__isnull=False,
        area__type=AreaType.DISTRICT,
    ).select_related("area")
    if not everywhere:
        scope = _district_paths(actor)
        coverage = coverage.filter(_scope_q(scope, "district__path"))
        legacy = legacy.filter(_scope_q(scope, "area__path"))
    rows: dict[tuple[int, int], Coverage] = {}
    for c in coverage:
        rows[(c.executive_id, c.district_id)] = Coverage(c.executive, c.district, c.since)
    for user in legacy:
        assert user.area is not None
        if (user.pk, user.area.pk) not in rows:
            rows[(user.pk, user.area.pk)] = Coverage(user, user.area, None)
    return sorted(
        rows.values(), key=lambda r: (r.district.name, r.executive.get_full_name(), r.executive.pk)
    )
