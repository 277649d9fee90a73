"""Worst first (U5): departments, districts and officers scored from the rollups.

Each component is a rate read from the period's flows (`DailyFigure`) or the pending
snapshot at its end (`PendingSnapshot`), turned into a share of "good" between 0 and 1;
the profile gives each component its points (`ranking.weights`). An entry's score is
its points earned over the points of the components that apply to it (a component
applies when its denominator is above zero), times 100, so a department with no
feedback yet is scored on the rest. Grades come from the profile's `ranking.grades`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Max, Q, Sum
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from nivaran.accounts.models import User
from nivaran.accounts.roles import POST_ROLES, STATEWIDE_ROLES, Role
from nivaran.analytics.models import FLOWS, STOCKS, DailyFigure, PendingSnapshot
from nivaran.core.errors import InvalidInput, PermissionDenied
from nivaran.geo.models import Area
from nivaran.org.models import Department, Post
from nivaran.org.selectors import user_jurisdictions
from nivaran.profiles.loader import Profile, ProfileError, active_profile

Totals = Mapping[str, int]


@dataclass(frozen=True)
class Component:
    code: str
    label: Promise
    numerator: Callable[[Totals], int]
    denominator: Callable[[Totals], int]
    higher_is_better: bool
    explain: Promise
    stock: bool = False  # read from the pending snapshot, not the period's flows

    def goodness(self, rate: float) -> float:
        return rate if self.higher_is_better else 1.0 - min(rate, 1.0)


C = Component
COMPONENTS: dict[str, Component] = {
    c.code: c
    for c in (
        C("disposed_in_time", gettext_lazy("Disposed within the deadline"),
          lambda t: t["disposed_in_time"], lambda t: t["disposed"], True,
          explain=gettext_lazy("disposals at L1 by the deadline then in force / disposals")),
        C("satisfaction", gettext_lazy("Citizen satisfaction"),
          lambda t: t["satisfied"], lambda t: t["feedback_answered"], True,
          explain=gettext_lazy("satisfied / feedback answered (satisfied or not)")),
        C("pending_beyond_deadline", gettext_lazy("Pending beyond the deadline"),
          lambda t: t["overdue"], lambda t: t["waiting"], False, stock=True,
          explain=gettext_lazy("1 - overdue / waiting on an officer, at the period's end")),
        C("pending_over_50_days", gettext_lazy("Pending over 50 days"),
          lambda t: t["age_over_50"], lambda t: t["pending"], False, stock=True,
          explain=gettext_lazy("1 - pending over 50 days / pending, at the period's end")),
        C("special_close_share", gettext_lazy("Special-close share"),
          lambda t: t["special_closed"], lambda t: t["disposed"], False,
          explain=gettext_lazy("1 - special closes / disposals")),
        C("reopen_conflict_rate", gettext_lazy("Reopened or in conflict"),
          lambda t: t["reopened"] + t["conflicts"], lambda t: t["disposed"], False,
          explain=gettext_lazy("1 - (reopened + conflicts) / disposals")),
        C("recall_rate", gettext_lazy("Recalled after a field visit"),
          lambda t: t["recalled"], lambda t: t["disposed"], False,
          explain=gettext_lazy("1 - recalls / disposals")),
        C("poor_quality_closure", gettext_lazy("Closed with low quality"),
          lambda t: t["special_closed"] + t["recalled"], lambda t: t["disposed"], False,
          explain=gettext_lazy("1 - (special closes + recalls) / disposals")),
        C("not_attended", gettext_lazy("Not attended in time"),
          lambda t: t["escalated"], lambda t: t["registered"], False,
          explain=gettext_lazy("1 - escalations by the sweep / grievances registered")),
    )
}  # fmt: skip
DEFAULT_WEIGHTS = {
    "disposed_in_time": 30,
    "satisfaction": 30,
    "pending_beyond_deadline": 20,
    "special_close_share": 10,
    "reopen_conflict_rate": 5,
    "recall_rate": 5,
}
DEFAULT_GRADES = [
    {"grade": "A", "min": 80},
    {"grade": "B", "min": 60},
    {"grade": "C", "min": 40},
    {"grade": "D", "min": 0},
]
SCOPES = ("department", "district", "officer")
MAX_PERIOD_DAYS = 366
# The years a period or a week may fall in: the platform's data, with room both ways.
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Formula:
    weights: dict[str, float]
    grades: list[dict[str, Any]]

    def grade(self, score: float | None) -> str | None:
        if score is None:
            return None
        for g in self.grades:
            if score >= g["min"]:
                return str(g["grade"])
        return str(self.grades[-1]["grade"])


def formula_of(profile: Profile) -> Formula:
    weights = dict(profile.ranking.get("weights") or DEFAULT_WEIGHTS)
    unknown = sorted(set(weights) - set(COMPONENTS))
    if unknown:
        raise ProfileError(f"{profile.code}: ranking.weights names no component {unknown}")
    return Formula(
        weights={k: float(v) for k, v in weights.items() if v},
        grades=list(profile.ranking.get("grades") or DEFAULT_GRADES),
    )


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        end = self.start - timedelta(days=1)
        return Period(start=end - timedelta(days=self.days - 1), end=end)


def period_parse(text: str | None, *, today: date) -> Period:
    """`YYYY-MM-DD..YYYY-MM-DD`, both days included; by default the last complete week
    (Monday to Sunday), which the weekly review looks at."""
    if not text:
        end = today - timedelta(days=today.weekday() + 1)
        return Period(start=end - timedelta(days=6), end=end)
    first, sep, last = text.partition("..")
    try:
        if not sep:
            raise ValueError
        period = Period(start=date.fromisoformat(first), end=date.fromisoformat(last))
        if not (period.start.year >= FIRST_YEAR and period.end.year <= LAST_YEAR):
            raise ValueError
    except ValueError:
        raise InvalidInput(
            _("The period must read YYYY-MM-DD..YYYY-MM-DD."),
            fields={"period": [_("Give two dates, e.g. 2026-11-01..2026-11-30.")]},
        ) from None
    if period.end < period.start:
        raise InvalidInput(
            _("The period ends before it starts."), fields={"period": [_("End before start.")]}
        )
    if period.days > MAX_PERIOD_DAYS:
        raise InvalidInput(
            _("A period is at most %(days)s days.") % {"days": MAX_PERIOD_DAYS},
            fields={"period": [_("At most %(days)s days.") % {"days": MAX_PERIOD_DAYS}]},
        )
    return period


@dataclass
class ComponentValue:
    code: str
    label: str
    numerator: int
    denominator: int
    rate: float | None
    weight: float
    points: float | None
    applicable: bool


@dataclass
class Entry:
    key: str
    name: str
    score: float | None
    grade: str | None
    components: list[ComponentValue]
    volume: dict[str, int]
    rank: int = 0
    previous_rank: int | None = None
    previous_score: float | None = None
    score_change: float | None = None


@dataclass
class Ranking:
    scope: str
    period: Period
    previous_period: Period
    pending_as_of: date | None
    formula: Formula
    entries: list[Entry]


# --- who sees what --------------------------------------------------------------------


def acts(actor: User) -> bool:
    """An active account, or the system actor (the worker sending the week's figures)."""
    return bool(actor.is_active or actor.role == Role.SYSTEM)


def _officer_scope(actor: User) -> Q | None:
    """None: every officer. Otherwise the officers holding a post the actor's reach covers."""
    if actor.role in STATEWIDE_ROLES:
        return None
    covered = Q(pk__in=[])
    for j in user_jurisdictions(user=actor):
        part = Q(area__path__startswith=j.area_path)
        if j.department_id is not None:  # a district's administration: every department
            part &= Q(department_id=j.department_id)
        covered |= part
    holders = Post.objects.filter(covered, holder__isnull=False).values_list("holder_id")
    return Q(officer_id__in=holders)


def ranking_check_access(*, actor: User, scope: str) -> None:
    if not acts(actor) or actor.role == Role.CITIZEN:
        raise PermissionDenied(_("Rankings are for the staff of the state."))
    if scope == "officer" and actor.role not in STATEWIDE_ROLES | POST_ROLES:
        raise PermissionDenied(_("The officers' ranking is for officers and the CMO cell."))


# --- computing ------------------------------------------------------------------------


def _key_field(scope: str) -> str:
    return {"department": "department_id", "district": "district_id", "officer": "officer_id"}[
        scope
    ]


def _flows(scope: str, period: Period, limit: Q | None) -> dict[Any, dict[str, int]]:
    qs = DailyFigure.objects.filter(day__gte=period.start, day__lte=period.end)
    if limit is not None:
        qs = qs.filter(limit)
    key = _key_field(scope)
    rows = (
        qs.exclude(**{f"{key}__isnull": True})
        .values(key)
        .annotate(**{f: Sum(f) for f in FLOWS})
        .order_by()
    )
    return {r[key]: {f: r[f] or 0 for f in FLOWS} for r in rows}


def _snapshot_day(period: Period) -> date | None:
    """The last snapshot taken by the period's end: what was pending as of then."""
    day: date | None = PendingSnapshot.objects.filter(day__lte=period.end).aggregate(d=Max("day"))[
        "d"
    ]
    return day


def _stocks(scope: str, day: date | None, limit: Q | None) -> dict[Any, dict[str, int]]:
    if day is None:
        return {}
    qs = PendingSnapshot.objects.filter(day=day)
    if limit is not None:
        qs = qs.filter(limit)
    key = _key_field(scope)
    rows = (
        qs.exclude(**{f"{key}__isnull": True})
        .values(key)
        .annotate(**{f: Sum(f) for f in STOCKS})
        .order_by()
    )
    return {r[key]: {f: r[f] or 0 for f in STOCKS} for r in rows}


def score_of(
    totals: Totals, formula: Formula, *, stocks_known: bool
) -> tuple[float | None, list[ComponentValue]]:
    values: list[ComponentValue] = []
    earned = possible = 0.0
    for code, weight in formula.weights.items():
        c = COMPONENTS[code]
        num, den = c.numerator(totals), c.denominator(totals)
        applicable = den > 0 and (stocks_known or not c.stock)
        rate = num / den if applicable else None
        points = weight * c.goodness(rate) if rate is not None else None
        if points is not None:
            earned += points
            possible += weight
        values.append(
            ComponentValue(
                code=code,
                label=str(c.label),
                numerator=num,
                denominator=den,
                rate=round(rate, 4) if rate is not None else None,
                weight=weight,
                points=round(points, 2) if points is not None else None,
                applicable=applicable,
            )
        )
    score = round(100.0 * earned / possible, 2) if possible else None
    return score, values


def _names(scope: str, keys: set[Any]) -> dict[Any, tuple[str, str]]:
    hindi = (get_language() or "en").startswith("hi")
    if scope == "department":
        rows = Department.objects.filter(pk__in=keys).values_list("pk", "code", "name", "name_hi")
        return {pk: (code, (hi if hindi and hi else name)) for pk, code, name, hi in rows}
    if scope == "district":
        areas = Area.objects.filter(pk__in=keys).values_list("pk", "code", "name", "name_hi")
        return {pk: (code, (hi if hindi and hi else name)) for pk, code, name, hi in areas}
    users = User.objects.filter(pk__in=keys).values_list(
        "pk", "username", "first_name", "last_name"
    )
    return {pk: (u, f"{f} {la}".strip() or u) for pk, u, f, la in users}


def _entries(
    scope: str, period: Period, formula: Formula, limit: Q | None
) -> tuple[list[Entry], date | None]:
    flows = _flows(scope, period, limit)
    snap_day = _snapshot_day(period)
    stocks = _stocks(scope, snap_day, limit)
    keys = set(flows) | set(stocks)
    names = _names(scope, keys)
    entries = []
    zero_flows = dict.fromkeys(FLOWS, 0)
    zero_stocks = dict.fromkeys(STOCKS, 0)
    for k in keys:
        if k not in names:
            continue
        totals = {**zero_flows, **flows.get(k, {}), **zero_stocks, **stocks.get(k, {})}
        score, components = score_of(totals, formula, stocks_known=snap_day is not None)
        entries.append(
            Entry(
                key=names[k][0],
                name=names[k][1],
                score=score,
                grade=formula.grade(score),
                components=components,
                volume={
                    "registered": totals["registered"],
                    "disposed": totals["disposed"],
                    "pending": totals["pending"],
                },
            )
        )
    # Worst first; unscored entries (nothing to score yet) last; ties: more pending first.
    entries.sort(key=lambda e: (e.score is None, e.score or 0.0, -e.volume["pending"], e.name))
    for i, e in enumerate(entries, start=1):
        e.rank = i
    return entries, snap_day


def ranking_compute(
    *,
    actor: User,
    scope: str,
    period: Period,
    profile: Profile | None = None,
    within: Mapping[str, int] | None = None,
) -> Ranking:
    """`within` narrows the figures to one department or district (`{"department_id":
    ...}`), as a weekly pack ranks the officers of its department."""
    if scope not in SCOPES:
        raise InvalidInput(
            _("Unknown scope."), fields={"scope": [_("department, district or officer.")]}
        )
    ranking_check_access(actor=actor, scope=scope)
    formula = formula_of(profile or active_profile())
    limit = _officer_scope(actor) if scope == "officer" else None
    if within:
        limit = Q(**within) if limit is None else limit & Q(**within)
    entries, snap_day = _entries(scope, period, formula, limit)
    before, _earlier_day = _entries(scope, period.previous(), formula, limit)
    earlier = {e.key: e for e in before if e.score is not None}
    for e in entries:
        prev = earlier.get(e.key)
        if prev is not None:
            e.previous_rank, e.previous_score = prev.rank, prev.score
            if e.score is not None and prev.score is not None:
                e.score_change = round(e.score - prev.score, 2)
    return Ranking(
        scope=scope,
        period=period,
        previous_period=period.previous(),
        pending_as_of=snap_day,
        formula=formula,
        entries=entries,
    )
