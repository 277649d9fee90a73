"""Reads of duplicate candidates, scoped to what the acting user may see.

A candidate is found through the index (`DuplicateKey`), never by scanning grievances,
and only among the grievances the actor could open themselves: the candidate query is
`grievances_visible_to(actor=...)`, so an officer learns nothing of another
jurisdiction's grievances through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from nivaran.accounts.models import User
from nivaran.accounts.roles import Role
from nivaran.catalog.models import Category
from nivaran.core.errors import InvalidInput, PermissionDenied
from nivaran.duplicates.models import DuplicateKey, KeyKind
from nivaran.duplicates.scoring import (
    THRESHOLD,
    Fingerprint,
    fingerprint,
    keys_to_look_up,
    match,
    may_reach,
)
from nivaran.geo.models import Area
from nivaran.grievances.models import Grievance, Status
from nivaran.grievances.selectors import grievance_get, grievances_visible_to

# Who checks a draft before registering it: the staff who register (not citizens).
DRAFT_CHECKERS = frozenset(
    {
        Role.TELE_CALLER,
        Role.DATA_ANALYST,
        Role.CMO_GRIEVANCE_CELL,
        Role.DISTRICT_ADMINISTRATION,
        Role.PLATFORM_ADMIN,
    }
)
# Still with the department: a new report of the same problem joins it.
LIVE = (Status.OPEN, Status.IN_PROGRESS, Status.ATR_SUBMITTED, Status.CONFLICT, Status.REOPENED)
# Finished, but recently: the citizen may be calling about it again (and may reopen it).
FINISHED = (Status.CLOSED, Status.SPECIAL_CLOSED, Status.REJECTED)
RECENTLY_FINISHED = timedelta(days=30)
BLOCK_LIMIT = 250  # the most grievances read from the index per kind of key, per lookup
LIMIT = 10


@dataclass(frozen=True)
class Draft:
    name: str
    mobile: str
    category_code: str
    area_code: str
    description: str


@dataclass(frozen=True)
class Candidate:
    grievance: Grievance
    score: float
    reasons: tuple[str, ...]


def candidates_eligible_q(now: datetime) -> Q:
    return Q(status__in=LIVE) | Q(status__in=FINISHED, closed_at__gte=now - RECENTLY_FINISHED)


def _refuse_citizens(actor: User) -> None:
    if actor.role == Role.CITIZEN:
        raise PermissionDenied(_("Duplicate candidates are for the office's staff."))


def duplicate_candidates_for_draft(
    *, actor: User, draft: Draft, now: datetime | None = None, limit: int = LIMIT
) -> list[Candidate]:
    """Candidates for a grievance about to be registered, best first."""
    if actor.role not in DRAFT_CHECKERS or not actor.is_active:
        raise PermissionDenied(_("Only the staff who register grievances check drafts."))
    now = now or timezone.now()
    category = Category.objects.filter(code=draft.category_code).only("pk").first()
    area = Area.objects.filter(code=draft.area_code).only("pk", "path").first()
    errors: dict[str, list[str]] = {}
    if category is None:
        errors["category"] = [_("No complaint type with code %s.") % draft.category_code]
    if area is None:
        errors["area"] = [_("No area with code %s.") % draft.area_code]
    if errors:
        raise InvalidInput(_("The draft has invalid fields."), fields=errors)
    assert category is not None and area is not None
    probe = fingerprint(
        name=draft.name,
        mobile=draft.mobile,
        description=draft.description,
        category_id=category.pk,
        area_id=area.pk,
    )
    keys = keys_to_look_up(
        mobile=draft.mobile,
        name=draft.name,
        area_path=area.path,
        area_id=area.pk,
        category_id=category.pk,
        at=now,
    )
    return _candidates(actor=actor, probe=probe, keys=keys, now=now, limit=limit)


def duplicate_candidates_for_grievance(
    *, actor: User, number: str, now: datetime | None = None, limit: int = LIMIT
) -> list[Candidate]:
    """Candidates for a registered grievance the actor may see, best first (itself not)."""
    _refuse_citizens(actor)
    grievance = grievance_get(actor=actor, number=number)
    now = now or timezone.now()
    citizen = grievance.citizen
    probe = fingerprint(
        name=citizen.name,
        mobile=citizen.mobile,
        description=grievance.description,
        category_id=grievance.category_id,
        area_id=grievance.area_id,
    )
    keys: list[str] = []
    for at in (grievance.registered_at, now):  # the months around it, and the latest
        keys += keys_to_look_up(
            mobile=citizen.mobile,
            name=citizen.name,
            area_path=grievance.area_path,
            area_id=grievance.area_id,
            category_id=grievance.category_id,
            at=at,
        )
    keys = sorted(set(keys))
    return _candidates(
        actor=actor, probe=probe, keys=keys, now=now, limit=limit, exclude=grievance.pk
    )


def _candidates(
    *,
    actor: User,
    probe: Fingerprint,
    keys: list[str],
    now: datetime,
    limit: int,
    exclude: int | None = None,
) -> list[Candidate]:
    # The person's keys (mobile, name) and the place's (area x category x month) are read
    # apart, each newest first: a busy place cannot crowd out the person's own grievances.
    place = f"{KeyKind.PLACE}:"
    ids = []
    for part in (
        [k for k in keys if not k.startswith(place)],
        [k for k in keys if k.startswith(place)],
    ):
        if part:
            ids += list(
                DuplicateKey.objects.filter(key__in=part)
                .order_by("-grievance_id")
                .values_list("grievance_id", flat=True)[:BLOCK_LIMIT]
            )
    if exclude is not None:
        ids = [i for i in ids if i != exclude]
    if not ids:
        return []
    # Scored from plain columns (hundreds of rows in a busy block: no model instances);
    # only the few that match are then read whole.
    rows = (
        grievances_visible_to(actor=actor)
        .filter(candidates_eligible_q(now), pk__in=set(ids))
        .values_list(
            "id",
            "registered_at",
            "category_id",
            "area_id",
            "duplicate_fingerprint__mobile",
            "duplicate_fingerprint__name",
            "duplicate_fingerprint__terms",
        )
    )
    scored = []
    for pk, registered_at, category_id, area_id, mobile, name, terms in rows:
        if not may_reach(probe, mobile, name, THRESHOLD):
            continue
        other = Fingerprint(mobile, name, frozenset(terms.split()), category_id, area_id)
        result = match(probe, other)
        if result.score >= THRESHOLD:
            scored.append((-result.score, -registered_at.timestamp(), pk, result))
    scored.sort()
    best = scored[:limit]
    grievances = Grievance.objects.select_related("category", "area").in_bulk(
        [pk for _, _, pk, _ in best]
    )
    return [
        Candidate(grievances[pk], result.score, result.reasons)
        for _, _, pk, result in best
        if pk in grievances
    ]
