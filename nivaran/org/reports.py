"""Reads for the officers who keep the organisation, scoped to the acting user: the gaps
report (U2: incomplete L1..L4 chains, posts without a holder) and the change log.

Apart from `selectors.py` because the gaps come from the rules in `checks.py`, which read the
selectors themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from nivaran.accounts.models import User
from nivaran.core.errors import PermissionDenied
from nivaran.geo.models import Area
from nivaran.org.checks import MappingGap, mapping_gaps
from nivaran.org.models import Department, OrgChange, Post
from nivaran.org.selectors import (
    ORG_READER_ROLES,
    departments_administered,
    departments_reported_to,
    vacant_posts,
)


@dataclass(frozen=True)
class GapFilters:
    department: str | None = None  # a department code
    district: str | None = None  # a district code
    show: str = "all"  # all, gaps (incomplete chains) or vacant (posts without a holder)


@dataclass(frozen=True)
class GapsReport:
    departments: list[Department]  # those the reader may filter by
    districts: list[Area]
    gaps: list[MappingGap]
    vacant: list[Post]


def gaps_report(*, actor: User, filters: GapFilters) -> GapsReport:
    """Every department x district x complaint type of the reader's departments without a
    complete L1..L4 mapping, and every post of theirs without a holder."""
    departments = list(departments_reported_to(actor=actor).order_by("code"))
    if not departments:
        raise PermissionDenied(
            _(
                "The gaps report is for the departments' heads and administrative secretaries "
                "and for the CMO grievance cell."
            )
        )
    chosen = [d for d in departments if not filters.department or d.code == filters.department]
    ids = [d.pk for d in chosen]
    districts = list(Area.objects.filter(type="district").order_by("code"))
    district = next((d for d in districts if d.code == filters.district), None)
    gaps = (
        mapping_gaps(
            department_ids=ids, district_ids=[district.pk] if district is not None else None
        )
        if filters.show in ("all", "gaps")
        else []
    )
    vacant: list[Post] = []
    if filters.show in ("all", "vacant"):
        # The state's readers also see the posts of no department (a District Magistrate's).
        statewide = actor.role in ORG_READER_ROLES and not filters.department
        posts: QuerySet[Post] = vacant_posts(department_ids=None if statewide else ids)
        if district is not None:
            posts = posts.filter(area__path__startswith=district.path)
        vacant = list(posts)
    return GapsReport(departments=departments, districts=districts, gaps=gaps, vacant=vacant)


def org_changes(*, actor: User, department: Department, limit: int = 50) -> list[OrgChange]:
    """The latest changes of a department's mapping and nodal officer, for its keepers."""
    if not departments_administered(actor=actor).filter(pk=department.pk).exists():
        raise PermissionDenied(_("Only the department's keepers read its change log."))
    return list(
        OrgChange.objects.filter(department=department)
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )
