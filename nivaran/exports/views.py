"""The export pages: asking from a list's page (the inbox, the feedback queue, the
special-close review, the field visits, the systemic issues), a job's progress, the
user's recent exports.

The progress page polls the job's JSON (`GET /api/v1/exports/<id>/`, the session signs it
in) from `exports/progress.js`; the file downloads from the API's download URL.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from nivaran.accounts.models import User
from nivaran.core.errors import DomainError, InvalidInput
from nivaran.exports import selectors, services
from nivaran.exports.kinds import KINDS
from nivaran.exports.models import ExportJob, ExportStatus
from nivaran.web.errors import flash_domain_error, shows_domain_errors
from nivaran.web.forms import InboxFilterForm
from nivaran.web.views import inbox_filters

RECENT = 20


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _inbox_export_filters(actor: User, data: Any) -> tuple[str, dict[str, Any]]:
    """The inbox tab's list (as the inbox shows it) as the grievance export's filters."""
    form = InboxFilterForm(data)
    form.is_valid()
    chosen = {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
    tab, found = inbox_filters(actor=actor, chosen=chosen)
    values = asdict(found)
    filters = {
        "status": values["status"],
        "level": values["level"],
        "overdue": values["overdue"],
        "mine": values["assigned_to_me"],
        "emergency": values["emergency"],
        "active_only": values["active_only"],
    }
    return tab, {name: value for name, value in filters.items() if value not in (None, False)}


def _titled(job: ExportJob) -> ExportJob:
    """The job with `title`, its list's name in the page's language."""
    kind = KINDS.get(job.kind)
    job.title = str(kind.title) if kind else job.kind  # type: ignore[attr-defined]
    return job


# The page each list is exported from: where an export asked there goes back on an error
# (when the form's `next` is missing or not of this site).
PAGES = {
    "grievances": "web:inbox",
    "feedback_queue": "web:feedback-queue",
    "special_closes": "web:special-close-reviews",
    "field_visits": "web:field-queue",
    "systemic_issues": "web:systemic-issues",
}
# The export control's filter inputs are named `f_<filter>`, apart from the form's own
# `kind` and `format` (a systemic issue's filters have a `kind` of their own).
FILTER_PREFIX = "f_"


def _page_filters(data: Any) -> dict[str, str]:
    """The page's filters the export control carries, blank ones left out; the kind's
    serializer validates them (an unknown one is refused)."""
    return {
        name[len(FILTER_PREFIX) :]: value
        for name, value in data.items()
        if name.startswith(FILTER_PREFIX) and value != ""
    }


def _back(request: HttpRequest, kind: str) -> str:
    """The page the export was asked from: the form's `next` if it is of this site."""
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return back
    return reverse(PAGES.get(kind, "exports:list"))


def _inbox_back(request: HttpRequest) -> str:
    back = reverse("web:inbox")
    kept = {k: request.POST[k] for k in ("tab", "status", "level") if request.POST.get(k)}
    return back + "?" + urlencode(kept) if kept else back


def _flash(request: HttpRequest, exc: DomainError) -> None:
    """The error as a page message; a refused filter named as the page names it."""
    fields = exc.fields
    if isinstance(fields, dict) and isinstance(fields.get("filters"), dict):
        labels = {
            "status": _("Status"),
            "level": _("Level"),
            "kind": _("Kind"),
            "department": _("Department"),
            "district": _("District"),
            "since": _("Since"),
        }
        exc = InvalidInput(exc.detail, fields=fields["filters"])
    else:
        labels = {"kind": _("List"), "format": _("Format")}
    flash_domain_error(request, exc, labels=labels)


@login_required
@require_http_methods(["GET", "POST"])
def export_list(request: HttpRequest) -> HttpResponse:
    """GET: the user's recent exports. POST (a page's Export control): export the list the
    page shows with its filters, then go to the new job's page. `kind` names the list
    (default `grievances`: the inbox's tab and filters); an error goes back to the page
    with a message."""
    actor = _actor(request)
    if request.method == "POST":
        kind = request.POST.get("kind") or "grievances"
        back = _inbox_back(request) if kind == "grievances" else _back(request, kind)
        try:
            if kind == "grievances":
                tab, filters = _inbox_export_filters(actor, request.POST)
                if tab == "atrs":
                    raise InvalidInput(_("The ATRs tab is not a list of grievances to export."))
            else:
                services.kind_for(actor=actor, kind=kind)  # an unknown kind: refused first
                filters = _page_filters(request.POST)
            asked = services.export_ask(
                actor=actor,
                kind=kind,
                format=request.POST.get("format", ""),
                filters=filters,
            )
        except DomainError as exc:
            _flash(request, exc)
            return redirect(back)
        return redirect("exports:job", job_id=asked.job.pk)
    jobs = [_titled(job) for job in selectors.exports_of(actor=actor)[:RECENT]]
    return render(request, "exports/list.html", {"jobs": jobs})


@login_required
@require_GET
@shows_domain_errors
def export_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _titled(selectors.export_get(actor=_actor(request), job_id=job_id))
    return render(
        request,
        "exports/job.html",
        {
            "job": job,
            "done": job.status == ExportStatus.DONE,
            "failed": job.status == ExportStatus.FAILED,
            "poll_ms": settings.NIVARAN_EXPORTS_POLL_MS,
        },
    )


app_name = "exports"
urlpatterns = [
    path("", export_list, name="list"),
    path("<int:job_id>/", export_job, name="job"),
]
