"""The analytics pages: the ranking with its formula, and its downloads."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

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
from nivaran.analytics.ranking import (
    COMPONENTS,
    SCOPES,
    Period,
    Ranking,
    period_parse,
    ranking_compute,
)
from nivaran.analytics.rollups import local_day
from nivaran.core.errors import InvalidInput
from nivaran.web.errors import shows_domain_errors
from nivaran.web.exports import Cell, csv_response, xlsx_response

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


urlpatterns = [
    path("ranking/", ranking_page, name="ranking"),
    path("ranking.csv", ranking_csv, name="ranking-csv"),
    path("ranking.xlsx", ranking_xlsx, name="ranking-xlsx"),
]
