"""The systemic-issues page (/analytics/systemic/): the issues the user may see with their
evidence and a small weekly chart, and the acknowledgement form. Included by
nivaran/web/urls.py under the `web` namespace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from nivaran.accounts.models import User
from nivaran.core.errors import DomainError
from nivaran.geo.models import Area
from nivaran.org.models import Department
from nivaran.systemic import selectors, services
from nivaran.systemic.api import _FilterInput, issue_bodies, with_acknowledgements
from nivaran.systemic.detection import Params
from nivaran.systemic.models import IssueKind, IssueStatus
from nivaran.web.errors import flash_domain_error, shows_domain_errors

PAGE_SIZE = 20
CHART_WIDTH, CHART_HEIGHT = 144, 36

METHODS: dict[str, Promise] = {
    "poisson": gettext_lazy("Poisson"),
    "negative_binomial": gettext_lazy("negative binomial (over-dispersed baseline)"),
    "binomial_over_districts": gettext_lazy("binomial over districts"),
    "text_cluster": gettext_lazy("similar texts against their own baseline"),
}


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: int
    height: int
    tested: bool
    week: str
    count: int


def chart(weeks: list[dict[str, Any]]) -> list[Bar]:
    """Bars of a small SVG chart (attributes only: the page's CSP refuses inline styles)."""
    if not weeks:
        return []
    top = max(max(w["count"] for w in weeks), 1)
    width = CHART_WIDTH // len(weeks)
    bars = []
    for i, w in enumerate(weeks):
        height = max(round(w["count"] / top * (CHART_HEIGHT - 2)), 1 if w["count"] else 0)
        bars.append(
            Bar(
                x=i * width,
                y=CHART_HEIGHT - height,
                width=max(width - 2, 1),
                height=height,
                tested=w["tested"],
                week=w["week"].strftime("%d-%m-%Y"),
                count=w["count"],
            )
        )
    return bars


@login_required
@require_GET
@shows_domain_errors
def issues(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    visible = selectors.issues_visible_to(actor=actor)  # refuses citizens (403)
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = IssueStatus.OPEN
    elif not data["status"]:
        del data["status"]
    form = _FilterInput(data=data)
    if form.is_valid():
        filters = selectors.IssueFilters(**form.validated_data)
    else:
        messages.error(request, _("Some filters were not understood and are not applied."))
        filters = selectors.IssueFilters(status=IssueStatus.OPEN)
    qs = with_acknowledgements(selectors.issue_list(actor=actor, filters=filters))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {**body, "bars": chart(body["weeks"]), "method_label": METHODS.get(body["method"], "")}
        for body in issue_bodies(actor=actor, issues=list(page.object_list))
    ]
    for row, issue in zip(rows, page.object_list, strict=True):
        row["issue"] = issue
        row["week_end"] = issue.week + timedelta(days=6)
        tested = [w["week"] for w in row["weeks"] if w["tested"]]
        row["week_start"] = min(tested) if tested else issue.week
    return render(
        request,
        "systemic/issues.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "status_all": "status" in request.GET and not request.GET["status"],
            "statuses": IssueStatus.choices,
            "kinds": IssueKind.choices,
            "departments": Department.objects.filter(
                pk__in=visible.values("department_id")
            ).order_by("name"),
            "districts": Area.objects.filter(pk__in=visible.values("district_id")).order_by("name"),
            "params": Params(),
            "chart_width": CHART_WIDTH,
            "chart_height": CHART_HEIGHT,
        },
    )


@login_required
@require_POST
def acknowledge(request: HttpRequest, issue_id: int) -> HttpResponse:
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    try:
        services.issue_acknowledge(
            actor=_actor(request),
            issue_id=issue_id,
            policy_note=request.POST.get("policy_note", ""),
        )
    except DomainError as exc:
        flash_domain_error(request, exc, labels={"policy_note": _("Policy note")})
    else:
        messages.success(request, _("The issue is acknowledged and your policy note recorded."))
    return redirect(back or "web:systemic-issues")


urlpatterns: list[URLPattern] = [
    path("", issues, name="systemic-issues"),
    path("<int:issue_id>/acknowledge/", acknowledge, name="systemic-acknowledge"),
]
