"""The dashboard (X6) and the public transparency figures (B7), from the rollups only.

Flows (registered, disposed, satisfied...) come from `DailyFigure` and follow the
department, district, complaint type and channel filters; stocks (pending, overdue, by
age and by level) come from the pending snapshot at the period's end and follow the
department, district and level filters (a snapshot is not kept by type or channel).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from nivaran.accounts.models import User
from nivaran.accounts.roles import STATEWIDE_ROLES, Role
from nivaran.analytics.models import FLOWS, STOCKS, DailyFigure, PendingSnapshot
from nivaran.analytics.packs import AGE_LABELS, named
from nivaran.analytics.ranking import Period, period_parse
from nivaran.catalog.models import Category
from nivaran.core.errors import InvalidInput, PermissionDenied
from nivaran.geo.models import Area
from nivaran.grievances.models import Channel
from nivaran.org.models import Department
from nivaran.org.selectors import user_jurisdictions


@dataclass(frozen=True)
class DashboardFilters:
    department: str | None = None
    district: str | None = None
    category: str | None = None
    level: int | None = None
    channel: str | None = None


@dataclass
class Dashboard:
    period: Period
    filters: DashboardFilters
    pending_as_of: date | None
    totals: dict[str, int]
    rates: dict[str, float | None]
    trend: list[dict[str, Any]]  # day, registered, disposed
    channels: list[tuple[str, str, int]]
    age_buckets: list[tuple[str, str, int]]
    levels: list[dict[str, int]]
    categories: list[tuple[str, str, int]]
    districts: list[dict[str, Any]]
    departments: list[dict[str, Any]] = field(default_factory=list)


def dashboard_period(params: Mapping[str, Any], *, today: date, days: int = 30) -> Period:
    """The period a request asks for (`period=`, or `start=` and `end=`); by default the
    last `days` days, today included."""
    start, end, text = params.get("start"), params.get("end"), params.get("period")
    if not (start or end or text):
        return Period(start=today - timedelta(days=days - 1), end=today)
    return period_parse(text or f"{start}..{end}", today=today)


def dashboard_filters(params: Mapping[str, Any]) -> DashboardFilters:
    """The dashboard's filters from a request's parameters (validated by the compute)."""
    level = params.get("level") or None
    if level is not None and level not in ("1", "2", "3", "4"):
        raise InvalidInput(
            _("The dashboard's filters are not valid."),
            fields={"level": [_("A level from 1 to 4.")]},
        )
    return DashboardFilters(
        department=params.get("department") or None,
        district=params.get("district") or None,
        category=params.get("category") or None,
        level=int(level) if level else None,
        channel=params.get("channel") or None,
    )


def reach_q(actor: User) -> Q | None:
    """None: the whole state. Otherwise the departments x districts the actor's posts cover."""
    if not actor.is_active or actor.role == Role.CITIZEN:
        raise PermissionDenied(_("The dashboard is for the staff of the state."))
    if actor.role in STATEWIDE_ROLES:
        return None
    covered = Q(pk__in=[])
    for j in user_jurisdictions(user=actor):
        districts = _districts_for_path(j.area_path)
        part = Q(department_id=j.department_id) if j.department_id else Q()
        if districts is not None:
            part &= Q(district_id__in=districts)
        covered |= part
    return covered


def _districts_for_path(path: str) -> list[int] | None:
    """The districts an area path covers: None for the whole state."""
    depth = path.count("/")
    if depth <= 1:
        return None
    district_path = "/".join(path.split("/")[:2]) + "/"
    return list(Area.objects.filter(path=district_path).values_list("pk", flat=True))


def _resolve(filters: DashboardFilters) -> tuple[Q, Q, dict[str, list[str]]]:
    """(flow filter, stock filter, errors)."""
    flows, stocks, errors = Q(), Q(), {}
    if filters.department:
        dept = Department.objects.filter(code=filters.department).first()
        if dept is None:
            errors["department"] = [_("No department has this code.")]
        else:
            flows &= Q(department_id=dept.pk)
            stocks &= Q(department_id=dept.pk)
    if filters.district:
        area = Area.objects.filter(code=filters.district, type="district").first()
        if area is None:
            errors["district"] = [_("No district has this code.")]
        else:
            flows &= Q(district_id=area.pk)
            stocks &= Q(district_id=area.pk)
    if filters.category:
        category = Category.objects.filter(code=filters.category).first()
        if category is None:
            errors["category"] = [_("No complaint type has this code.")]
        else:
            flows &= Q(category_id=category.pk)
    if filters.level is not None:
        if not 1 <= filters.level <= 4:
            errors["level"] = [_("A level from 1 to 4.")]
        stocks &= Q(level=filters.level)
    if filters.channel:
        if filters.channel not in Channel.values:
            errors["channel"] = [_("Not a channel.")]
        flows &= Q(channel=filters.channel)
    return flows, stocks, errors


def _rate(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def dashboard_compute(*, actor: User, period: Period, filters: DashboardFilters) -> Dashboard:
    reach = reach_q(actor)
    flow_q, stock_q, errors = _resolve(filters)
    if errors:
        raise InvalidInput(_("The dashboard's filters are not valid."), fields=errors)
    flows = DailyFigure.objects.filter(flow_q, day__gte=period.start, day__lte=period.end)
    snap_day = (
        PendingSnapshot.objects.filter(day__lte=period.end).order_by("-day")
        .values_list("day", flat=True).first()
    )  # fmt: skip
    stocks = PendingSnapshot.objects.filter(stock_q, day__in=[snap_day] if snap_day else [])
    if reach is not None:
        flows, stocks = flows.filter(reach), stocks.filter(reach)
    totals = {k: v or 0 for k, v in flows.aggregate(**{f: Sum(f) for f in FLOWS}).items()}
    stock_totals = stocks.aggregate(**{f: Sum(f) for f in STOCKS})
    totals.update({k: v or 0 for k, v in stock_totals.items()})
    by_day = {
        r["day"]: r
        for r in flows.values("day").annotate(r=Sum("registered"), d=Sum("disposed")).order_by()
    }
    trend = []
    day = period.start
    while day <= period.end:
        row = by_day.get(day, {})
        trend.append({"day": day, "registered": row.get("r") or 0, "disposed": row.get("d") or 0})
        day += timedelta(days=1)
    channel_names = dict(Channel.choices)
    channels = [
        (r["channel"], str(channel_names.get(r["channel"], r["channel"])), r["n"])
        for r in flows.values("channel").annotate(n=Sum("registered")).order_by("-n")
        if r["n"]
    ]
    category_rows = list(
        flows.values("category_id").annotate(n=Sum("registered")).filter(n__gt=0).order_by("-n")[:10]
    )  # fmt: skip
    names = Category.objects.in_bulk([r["category_id"] for r in category_rows])
    categories = [
        (names[r["category_id"]].code, named(names[r["category_id"]]), r["n"])
        for r in category_rows
    ]
    levels = list(
        stocks.values("level")
        .annotate(pending=Sum("pending"), waiting=Sum("waiting"), overdue=Sum("overdue"))
        .order_by("level")
    )
    return Dashboard(
        period=period,
        filters=filters,
        pending_as_of=snap_day,
        totals=totals,
        rates=_rates(totals),
        trend=trend,
        channels=channels,
        age_buckets=[(c, str(label), totals.get(c, 0)) for c, label in AGE_LABELS],
        levels=levels,
        categories=categories,
        districts=table_by("district", flows, stocks),
        departments=table_by("department", flows, stocks),
    )


def _rates(t: dict[str, int]) -> dict[str, float | None]:
    return {
        "disposed_in_time": _rate(t["disposed_in_time"], t["disposed"]),
        "satisfaction": _rate(t["satisfied"], t["feedback_answered"]),
        "special_close_share": _rate(t["special_closed"], t["disposed"]),
        "reopen_rate": _rate(t["reopened"] + t["conflicts"], t["disposed"]),
        "overdue_share": _rate(t["overdue"], t["waiting"]),
    }


def table_by(kind: str, flows: Any, stocks: Any) -> list[dict[str, Any]]:
    """One row per district or department: the period's flows and the stocks at its end."""
    key = f"{kind}_id"
    rows: dict[Any, dict[str, int]] = {}
    for r in flows.exclude(**{f"{key}__isnull": True}).values(key).annotate(
        registered=Sum("registered"), disposed=Sum("disposed"),
        disposed_in_time=Sum("disposed_in_time"), satisfied=Sum("satisfied"),
        feedback_answered=Sum("feedback_answered"), special_closed=Sum("special_closed"),
        reopened=Sum("reopened"), conflicts=Sum("conflicts"),
    ).order_by():  # fmt: skip
        rows[r.pop(key)] = r
    for r in stocks.exclude(**{f"{key}__isnull": True}).values(key).annotate(
        pending=Sum("pending"), overdue=Sum("overdue"), waiting=Sum("waiting"),
        age_over_50=Sum("age_over_50"),
    ).order_by():  # fmt: skip
        rows.setdefault(r.pop(key), {}).update(r)
    model = Area if kind == "district" else Department
    objects = model.objects.in_bulk(list(rows))
    zero = dict.fromkeys(
        ("registered", "disposed", "disposed_in_time", "satisfied", "feedback_answered",
         "special_closed", "reopened", "conflicts", "pending", "overdue", "waiting",
         "age_over_50"), 0,
    )  # fmt: skip
    table: list[dict[str, Any]] = []
    for pk, values in rows.items():
        if pk not in objects:
            continue
        v = {**zero, **{k: n or 0 for k, n in values.items()}}
        table.append(
            {
                "code": objects[pk].code,
                "name": named(objects[pk]),
                **v,
                "disposed_in_time_rate": _rate(v["disposed_in_time"], v["disposed"]),
                "satisfaction_rate": _rate(v["satisfied"], v["feedback_answered"]),
                "special_close_share": _rate(v["special_closed"], v["disposed"]),
            }
        )
    table.sort(key=lambda r: (-r["pending"], r["name"]))
    return table


def transparency_figures(*, period: Period) -> dict[str, Any]:
    """The public figures (B7): per department and district, counts and rates only."""
    flows = DailyFigure.objects.filter(day__gte=period.start, day__lte=period.end)
    snap_day = (
        PendingSnapshot.objects.filter(day__lte=period.end).order_by("-day")
        .values_list("day", flat=True).first()
    )  # fmt: skip
    stocks = PendingSnapshot.objects.filter(day__in=[snap_day] if snap_day else [])
    totals = {k: v or 0 for k, v in flows.aggregate(**{f: Sum(f) for f in FLOWS}).items()}
    totals.update({k: v or 0 for k, v in stocks.aggregate(**{f: Sum(f) for f in STOCKS}).items()})
    public = ("code", "name", "registered", "disposed", "pending", "overdue", "age_over_50",
              "disposed_in_time_rate", "satisfaction_rate", "special_close_share")  # fmt: skip
    return {
        "period": period,
        "pending_as_of": snap_day,
        "totals": totals,
        "rates": _rates(totals),
        "departments": [{k: r[k] for k in public} for r in table_by("department", flows, stocks)],
        "districts": [{k: r[k] for k in public} for r in table_by("district", flows, stocks)],
    }
