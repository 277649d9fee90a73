"""The analytics pages: the ranking with its formula, and its downloads."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from nivaran.accounts.models import User
from nivaran.analytics.api import FORMULA_TEXT
from nivaran.analytics.documents import pack_pdf, pack_xlsx
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
from nivaran.core.errors import InvalidInput, PermissionDenied
from nivaran.web.errors import shows_domain_errors
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
def ranking_csv(request: HttpRequest) -> StreamingHttpResponse:
    ranking, name = _for_download(request)
    return csv_response(f"{name}.csv", _header(ranking), _rows(ranking))


@login_required
@require_GET
@shows_domain_errors
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


urlpatterns = [
    path("ranking/", ranking_page, name="ranking"),
    path("ranking.csv", ranking_csv, name="ranking-csv"),
    path("ranking.xlsx", ranking_xlsx, name="ranking-xlsx"),
    path("weekly/", packs_index, name="packs"),
    path("weekly/<str:kind>/<str:code>/", pack_page, name="pack"),
    path("weekly/<str:kind>/<str:code>.xlsx", pack_download_xlsx, name="pack-xlsx"),
    path("weekly/<str:kind>/<str:code>.pdf", pack_download_pdf, name="pack-pdf"),
]
