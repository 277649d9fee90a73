"""The analytics pages: the ranking with its formula, and its downloads."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_GET, require_POST

from nivaran.accounts.models import User
from nivaran.analytics.api import FORMULA_TEXT
from nivaran.analytics.dashboard import (
    Dashboard,
    DashboardFilters,
    dashboard_compute,
    dashboard_filters,
    dashboard_period,
    transparency_figures,
)
from nivaran.analytics.documents import pack_pdf, pack_xlsx
from nivaran.analytics.drives import (
    DriveFilter,
    drive_burn_down,
    drive_declare,
    drive_departments,
    drive_get,
    drives_visible_to,
)
from nivaran.analytics.packs import pack_subject, pack_subjects, week_parse, weekly_pack
from nivaran.analytics.ranking import (
    COMPONENTS,
    SCOPES,
    Period,
    Ranking,
    period_parse,
    ranking_compute,
)
from nivaran.analytics.rollups import local_day
from nivaran.core.db_router import replica_reads
from nivaran.core.errors import InvalidInput, PermissionDenied
from nivaran.geo.models import Area
from nivaran.grievances.models import Channel
from nivaran.grievances.selectors import grievances_visible_to, unfinished_among
from nivaran.org.models import Department
from nivaran.profiles.loader import active_profile
from nivaran.web.errors import field_errors, shows_domain_errors
from nivaran.web.exports import XLSX, Cell, csv_response, xlsx_response

app_name = "analytics"

SCOPE_LABELS = {
    "department": gettext_lazy("Departments"),
    "district": gettext_lazy("Districts"),
    "officer": gettext_lazy("Officers"),
}


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _period(request: HttpRequest) -> Period:
    start, end = request.GET.get("start"), request.GET.get("end")
    text = request.GET.get("period") or (f"{start}..{end}" if start and end else None)
    return period_parse(text, today=local_day(timezone.now()))


def _scope(request: HttpRequest) -> str:
    scope = request.GET.get("scope") or "department"
    if scope not in SCOPES:
        raise InvalidInput(_("Choose departments, districts or officers."))
    return scope


@login_required
@require_GET
@shows_domain_errors
@replica_reads
def ranking_page(request: HttpRequest) -> HttpResponse:
    ranking = ranking_compute(actor=_actor(request), scope=_scope(request), period=_period(request))
    weights = [
        {"component": COMPONENTS[code], "points": points}
        for code, points in ranking.formula.weights.items()
    ]
    return render(
        request,
        "analytics/ranking.html",
        {
            "ranking": ranking,
            "weights": weights,
            "formula_text": FORMULA_TEXT,
            "scopes": [(s, SCOPE_LABELS[s]) for s in SCOPES],
            "query": request.GET.urlencode(),
        },
    )


def _header(ranking: Ranking) -> list[str]:
    header = ["rank", "key", "name", "score", "grade", "previous_rank", "score_change"]
    header += ["registered", "disposed", "pending"]
    for code in ranking.formula.weights:
        header += [f"{code}_numerator", f"{code}_denominator", f"{code}_points"]
    return header


def _rows(ranking: Ranking) -> Iterator[Sequence[Cell]]:
    for e in ranking.entries:
        row: list[Cell] = [e.rank, e.key, e.name, _num(e.score), e.grade, e.previous_rank]
        row += [_num(e.score_change), e.volume["registered"], e.volume["disposed"]]
        row.append(e.volume["pending"])
        for c in e.components:
            row += [c.numerator, c.denominator, _num(c.points)]
        yield row


def _num(value: float | None) -> Cell:
    return None if value is None else f"{value:.2f}"


def _for_download(request: HttpRequest) -> tuple[Ranking, str]:
    ranking = ranking_compute(actor=_actor(request), scope=_scope(request), period=_period(request))
    return ranking, f"ranking-{ranking.scope}-{ranking.period.start}-{ranking.period.end}"


@login_required
@require_GET
@shows_domain_errors
@replica_reads
def ranking_csv(request: HttpRequest) -> StreamingHttpResponse:
    ranking, name = _for_download(request)
    return csv_response(f"{name}.csv", _header(ranking), _rows(ranking))


@login_required
@require_GET
@shows_domain_errors
@replica_reads
def ranking_xlsx(request: HttpRequest) -> HttpResponse:
    ranking, name = _for_download(request)
    return xlsx_response(f"{name}.xlsx", _("Ranking"), _header(ranking), _rows(ranking))


def _pack(request: HttpRequest, kind: str, code: str) -> Any:
    actor = _actor(request)
    subject = pack_subject(actor=actor, kind=kind, code=code)
    week = week_parse(request.GET.get("week"), today=local_day(timezone.now()))
    return weekly_pack(actor=actor, subject=subject, week=week)


@login_required
@require_GET
@shows_domain_errors
@replica_reads
def packs_index(request: HttpRequest) -> HttpResponse:
    subjects = pack_subjects(actor=_actor(request))
    if not subjects:
        raise PermissionDenied(
            _(
                "Weekly packs are for the departments' heads, secretaries and nodal officers, "
                "the district administration and the CMO cell."
            )
        )
    week = week_parse(request.GET.get("week"), today=local_day(timezone.now()))
    return render(request, "analytics/packs.html", {"subjects": subjects, "week": week})


@login_required
@require_GET
@shows_domain_errors
@replica_reads
def pack_page(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    pack = _pack(request, kind, code)
    return render(
        request,
        "analytics/pack.html",
        {"pack": pack, "previous": pack.week.start - timedelta(days=7),
         "next": pack.week.start + timedelta(days=7)},
    )  # fmt: skip


def _pack_file(pack: Any, suffix: str) -> str:
    return f"weekly-{pack.subject.kind}-{pack.subject.code}-{pack.week.start}.{suffix}"


@login_required
@require_GET
@shows_domain_errors
def pack_download_xlsx(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    pack = _pack(request, kind, code)
    response = HttpResponse(pack_xlsx(pack), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_pack_file(pack, "xlsx")}"'
    return response


@login_required
@require_GET
@shows_domain_errors
def pack_download_pdf(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    pack = _pack(request, kind, code)
    response = HttpResponse(pack_pdf(pack), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_pack_file(pack, "pdf")}"'
    return response


DRIVE_LABELS = {
    "department": gettext_lazy("Department"),
    "name": gettext_lazy("Name"),
    "target_date": gettext_lazy("Target date"),
    "district": gettext_lazy("Area code"),
    "category": gettext_lazy("Complaint type code"),
    "level": gettext_lazy("Level"),
    "older_than_days": gettext_lazy("Older than (days)"),
    "filters": gettext_lazy("Which pending grievances"),
}


def _drives_page(request: HttpRequest, *, form: dict[str, Any], errors: Any = None) -> HttpResponse:
    actor = _actor(request)
    departments = drive_departments(actor=actor)
    if not departments.exists():
        raise PermissionDenied(
            _(
                "Drives are for the departments' heads, secretaries, nodal officers and the "
                "CMO grievance cell."
            )
        )
    return render(
        request,
        "analytics/drives.html",
        {
            "drives": drives_visible_to(actor=actor)[:100],
            "departments": departments,
            "levels": (1, 2, 3, 4),
            "form": form,
            "errors": field_errors(errors, {k: str(v) for k, v in DRIVE_LABELS.items()})
            if errors
            else None,
        },
        status=400 if errors else 200,
    )


@login_required
@require_GET
@shows_domain_errors
def drives_page(request: HttpRequest) -> HttpResponse:
    return _drives_page(request, form={})


@login_required
@require_POST
@shows_domain_errors
def drive_declare_page(request: HttpRequest) -> HttpResponse:
    post = request.POST
    form: dict[str, Any] = {k: post.get(k, "").strip() for k in DRIVE_LABELS if k != "filters"}
    form["overdue_only"] = bool(post.get("overdue_only"))
    errors: dict[str, list[str]] = {}
    target = level = older = None
    try:
        target = date.fromisoformat(form["target_date"])
    except ValueError:
        errors["target_date"] = [_("A date, e.g. 2026-12-31.")]
    for key in ("level", "older_than_days"):
        if form[key]:
            try:
                value = int(form[key])
            except ValueError:
                errors[key] = [_("A whole number.")]
                continue
            if key == "level":
                level, form["level"] = value, value
            else:
                older = value
    if errors or target is None:
        return _drives_page(request, form=form, errors=errors)
    try:
        drive = drive_declare(
            actor=_actor(request),
            department=form["department"],
            name=form["name"],
            target_date=target,
            filters=DriveFilter(
                district=form["district"] or None,
                category=form["category"] or None,
                level=level,
                older_than_days=older,
                overdue_only=form["overdue_only"],
            ),
        )
    except InvalidInput as exc:
        return _drives_page(request, form=form, errors=exc.fields or {"": [exc.detail]})
    messages.success(
        request,
        _("The drive is declared with %(count)s grievances.") % {"count": drive.total},
    )
    return redirect("analytics:drive", drive_id=drive.pk)


@login_required
@require_GET
@shows_domain_errors
def drive_page(request: HttpRequest, drive_id: int) -> HttpResponse:
    drive = drive_get(actor=_actor(request), drive_id=drive_id)
    burn = drive_burn_down(drive)
    chart = {
        "type": "line",
        "labels": [d.isoformat() for d, _r, _i in burn.days],
        "datasets": [
            {"label": _("Remaining"), "data": [r for _d, r, _i in burn.days]},
            {"label": _("Ideal"), "data": [i for _d, _r, i in burn.days], "dashed": True,
             "color": "#6c757d"},
        ],
    }  # fmt: skip
    # Only the numbers the viewer could open themselves.
    visible = grievances_visible_to(actor=_actor(request)).values("pk")
    pending = (
        unfinished_among(drive.members.values("grievance_id"))
        .filter(pk__in=visible)
        .values_list("number", flat=True)[:100]
    )
    return render(
        request,
        "analytics/drive.html",
        {"drive": drive, "burn": burn, "chart": chart, "pending": list(pending)},
    )


def _filters(request: HttpRequest) -> DashboardFilters:
    return dashboard_filters(request.GET)


def _dashboard_period(request: HttpRequest) -> Period:
    return dashboard_period(request.GET, today=local_day(timezone.now()))


def _charts(board: Dashboard) -> dict[str, Any]:
    return {
        "trend": {
            "type": "line",
            "labels": [r["day"].isoformat() for r in board.trend],
            "datasets": [
                {"label": _("Registered"), "data": [r["registered"] for r in board.trend]},
                {"label": _("Disposed"), "data": [r["disposed"] for r in board.trend]},
            ],
        },
        "ages": {
            "type": "bar",
            "labels": [label for _c, label, _n in board.age_buckets],
            "datasets": [{"label": _("Pending"), "data": [n for _c, _l, n in board.age_buckets]}],
        },
        "channels": {
            "type": "doughnut",
            "labels": [label for _c, label, _n in board.channels],
            "datasets": [{"label": _("Registered"), "data": [n for _c, _l, n in board.channels]}],
        },
        "levels": {
            "type": "bar",
            "stacked": False,
            "labels": [f"L{r['level']}" for r in board.levels],
            "datasets": [
                {"label": _("Waiting on an officer"), "data": [r["waiting"] for r in board.levels]},
                {"label": _("Overdue"), "data": [r["overdue"] for r in board.levels],
                 "color": "#dc3545"},
            ],
        },
        "categories": {
            "type": "bar",
            "horizontal": True,
            "labels": [name for _c, name, _n in board.categories],
            "datasets": [{"label": _("Registered"), "data": [n for _c, _l, n in board.categories]}],
        },
    }  # fmt: skip


@login_required
@require_GET
@shows_domain_errors
@replica_reads
def dashboard_page(request: HttpRequest) -> HttpResponse:
    board = dashboard_compute(
        actor=_actor(request), period=_dashboard_period(request), filters=_filters(request)
    )
    return render(
        request,
        "analytics/dashboard.html",
        {
            "board": board,
            "charts": _charts(board),
            "departments": Department.objects.filter(is_active=True).order_by("code"),
            "districts": Area.objects.filter(type="district").order_by("name"),
            "channels": Channel.choices,
            "query": request.GET.urlencode(),
        },
    )


DISTRICT_HEADER = (
    "code", "name", "registered", "disposed", "disposed_in_time", "satisfied",
    "feedback_answered", "special_closed", "reopened", "conflicts", "pending", "waiting",
    "overdue", "age_over_50",
)  # fmt: skip


def _table_rows(rows: list[dict[str, Any]]) -> Iterator[Sequence[Cell]]:
    for r in rows:
        yield [r[k] for k in DISTRICT_HEADER]


@login_required
@require_GET
@shows_domain_errors
@replica_reads
def dashboard_csv(request: HttpRequest) -> StreamingHttpResponse:
    board = dashboard_compute(
        actor=_actor(request), period=_dashboard_period(request), filters=_filters(request)
    )
    by = "departments" if request.GET.get("by") == "department" else "districts"
    name = f"{by}-{board.period.start}-{board.period.end}.csv"
    return csv_response(name, DISTRICT_HEADER, _table_rows(getattr(board, by)))


@login_required
@require_GET
@shows_domain_errors
@replica_reads
def dashboard_xlsx(request: HttpRequest) -> HttpResponse:
    board = dashboard_compute(
        actor=_actor(request), period=_dashboard_period(request), filters=_filters(request)
    )
    by = "departments" if request.GET.get("by") == "department" else "districts"
    name = f"{by}-{board.period.start}-{board.period.end}.xlsx"
    title = _("Departments") if by == "departments" else _("Districts")
    return xlsx_response(name, title, DISTRICT_HEADER, _table_rows(getattr(board, by)))


@require_GET
@cache_page(300)
@replica_reads
def transparency_page(request: HttpRequest) -> HttpResponse:
    """Public figures (B7): no login, no personal data, the last 30 days by default."""
    try:
        period = _dashboard_period(request)
    except InvalidInput:
        period = _dashboard_period(HttpRequest())
    figures = transparency_figures(period=period)
    profile = active_profile()
    helpline = profile.helpline_hi if _hindi() and profile.helpline_hi else profile.helpline
    return render(
        request, "analytics/transparency.html", {"figures": figures, "helpline": helpline}
    )


def _hindi() -> bool:
    return (get_language() or "en").startswith("hi")


urlpatterns = [
    path("", dashboard_page, name="dashboard"),
    path("figures.csv", dashboard_csv, name="dashboard-csv"),
    path("figures.xlsx", dashboard_xlsx, name="dashboard-xlsx"),
    path("ranking/", ranking_page, name="ranking"),
    path("ranking.csv", ranking_csv, name="ranking-csv"),
    path("ranking.xlsx", ranking_xlsx, name="ranking-xlsx"),
    path("drives/", drives_page, name="drives"),
    path("drives/declare/", drive_declare_page, name="drive-declare"),
    path("drives/<int:drive_id>/", drive_page, name="drive"),
    path("weekly/", packs_index, name="packs"),
    path("weekly/<str:kind>/<str:code>/", pack_page, name="pack"),
    path("weekly/<str:kind>/<str:code>.xlsx", pack_download_xlsx, name="pack-xlsx"),
    path("weekly/<str:kind>/<str:code>.pdf", pack_download_pdf, name="pack-pdf"),
]
