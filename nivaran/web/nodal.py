"""Nodal officers (W9, W10): the appointment page for whoever appoints them (a department's
head, a district's District Magistrate, a CP's or SP's office head, the platform
administrator) and the nodal directory for the CMO grievance cell, exported as CSV and Excel.

Writes through nivaran.org.services.nodal_appoint; the rank rules live in org/checks.py.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from nivaran.accounts.models import User
from nivaran.core.errors import DomainError, PermissionDenied
from nivaran.geo.models import Area
from nivaran.org import services
from nivaran.org.models import Department, NodalAppointment, NodalScope, Office, Post
from nivaran.org.selectors import NodalEntry, nodal_appointments_managed, nodal_directory
from nivaran.web.errors import flash_domain_error, shows_domain_errors
from nivaran.web.exports import Cell, csv_response, xlsx_response


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@dataclass(frozen=True)
class Unit:
    """A department, district or office, its nodal officer now, and the posts to pick from."""

    scope: str
    code: str
    name: str
    current: NodalAppointment | None
    candidates: list[Post]


def _candidates(subject: Department | Area | Office) -> QuerySet[Post]:
    posts = Post.objects.select_related("designation", "holder", "area")
    if isinstance(subject, Department):
        posts = posts.filter(department=subject)
    elif isinstance(subject, Area):
        posts = posts.filter(area__path__startswith=subject.path, department__isnull=True)
    else:
        posts = posts.filter(office=subject)
    return posts.order_by("-designation__rank", "code")


@login_required
@require_GET
@shows_domain_errors
def appointments(request: HttpRequest) -> HttpResponse:
    targets = nodal_appointments_managed(actor=_actor(request))
    if not targets:
        raise PermissionDenied(
            _(
                "Nodal officers are appointed by a department's head, a district's District "
                "Magistrate and the head of a CP's or SP's office."
            )
        )
    current = {
        (a.scope, a.department_id or a.district_id or a.office_id): a
        for a in NodalAppointment.objects.select_related("post__designation", "post__holder")
    }
    units = [
        Unit(
            scope=t.scope,
            code=t.code,
            name=t.name,
            current=current.get((t.scope, t.subject.pk)),
            candidates=list(_candidates(t.subject)),
        )
        for t in targets
    ]
    return render(request, "web/org/nodal.html", {"units": units})


@login_required
@require_POST
@shows_domain_errors
def appoint(request: HttpRequest) -> HttpResponse:
    try:
        made = services.nodal_appoint(
            actor=_actor(request),
            scope=request.POST.get("scope", ""),
            unit=request.POST.get("unit", ""),
            post=request.POST.get("post", ""),
        )
    except PermissionDenied:
        raise
    except DomainError as exc:
        flash_domain_error(request, exc)
    else:
        messages.success(
            request,
            _("%(post)s is now the nodal officer.") % {"post": made.post.title},
        )
    return redirect("web:nodal")


SCOPE_LABELS = {
    NodalScope.DEPARTMENT: NodalScope.DEPARTMENT.label,
    NodalScope.DISTRICT: NodalScope.DISTRICT.label,
    NodalScope.OFFICE: NodalScope.OFFICE.label,
}
DIRECTORY_HEADER = (
    "scope",
    "unit_code",
    "department_or_district",
    "post",
    "rank",
    "rank_order",
    "name",
    "mobile",
    "email",
)


def _rows(entries: list[NodalEntry]) -> Iterator[Sequence[Cell]]:
    for e in entries:
        yield (
            str(SCOPE_LABELS.get(NodalScope(e.scope), e.scope)),
            e.unit_code,
            e.unit,
            e.post,
            e.designation,
            e.rank,
            e.name,
            e.mobile,
            e.email,
        )


@login_required
@require_GET
@shows_domain_errors
def directory(request: HttpRequest) -> HttpResponse:
    entries = nodal_directory(actor=_actor(request))
    return render(request, "web/org/nodal_directory.html", {"entries": entries})


@login_required
@require_GET
@shows_domain_errors
def directory_csv(request: HttpRequest) -> StreamingHttpResponse:
    entries = nodal_directory(actor=_actor(request))
    return csv_response("nodal-officers.csv", DIRECTORY_HEADER, _rows(entries))


@login_required
@require_GET
@shows_domain_errors
def directory_xlsx(request: HttpRequest) -> HttpResponse:
    entries = nodal_directory(actor=_actor(request))
    return xlsx_response(
        "nodal-officers.xlsx", _("Nodal officers"), DIRECTORY_HEADER, _rows(entries)
    )


urlpatterns = [
    path("nodal/", appointments, name="nodal"),
    path("nodal/appoint/", appoint, name="nodal-appoint"),
    path("nodal/directory/", directory, name="nodal-directory"),
    path("nodal/directory.csv", directory_csv, name="nodal-directory-csv"),
    path("nodal/directory.xlsx", directory_xlsx, name="nodal-directory-xlsx"),
]
