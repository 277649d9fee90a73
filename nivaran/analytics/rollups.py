"""Keeping the rollups: a day's figures recomputed from that day's history.

A refresh asks which days have history written since the last refresh (walking the
events' primary key from a watermark, with an overlap so that a transaction that
committed late is still seen), recomputes each of those days whole, and takes today's
pending snapshot. Recomputing a whole day makes a refresh idempotent: running it twice,
or over days that did not change, gives the same rows, and `rollups_rebuild` gives
exactly what the incremental refreshes gave (a test keeps it so).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from nivaran.analytics.models import FLOWS, STOCKS, DailyFigure, PendingSnapshot, RollupState
from nivaran.geo.models import Area
from nivaran.grievances.models import Status
from nivaran.grievances.selectors import (
    FINISHED,
    atr_submissions,
    event_days_since,
    events_for_replay,
    events_for_rollup,
    pending_for_rollup,
)

log = logging.getLogger(__name__)

# Events re-read behind the watermark on each refresh: a registration's transaction that
# committed after later ids were already visible is still counted.
OVERLAP = 10_000
DISPOSED = frozenset({Status.CLOSED, Status.REJECTED, Status.SPECIAL_CLOSED})
WAITING = frozenset({Status.OPEN, Status.IN_PROGRESS, Status.REOPENED, Status.CONFLICT})
AGE_BUCKETS = ("age_0_7", "age_8_15", "age_16_30", "age_31_50", "age_over_50")
FLOW_INDEX = {name: i for i, name in enumerate(FLOWS)}
JUDGED_BY_ATR = "judged_by_atr"  # not a flow: a feedback closure whose ATR decides
STOCK_INDEX = {name: i for i, name in enumerate(STOCKS)}


def state_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=state_tz())
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=state_tz())


def local_day(at: datetime) -> date:
    return timezone.localtime(at, state_tz()).date()


class Districts:
    """Which district an area lies in, from the areas' materialised paths."""

    def __init__(self) -> None:
        rows = list(Area.objects.values_list("id", "path", "type"))
        by_path = {path: pk for pk, path, kind in rows if kind == "district"}
        self._of: dict[int, int | None] = {}
        for pk, path, _kind in rows:
            parts = path.split("/")
            self._of[pk] = by_path.get("/".join(parts[:2]) + "/") if len(parts) > 2 else None

    def of(self, area_id: int) -> int | None:
        return self._of.get(area_id)


def flows_of(
    action: str,
    from_status: str,
    to_status: str,
    level: int,
    at: datetime,
    due_at: datetime | None,
    data: dict[str, Any] | None,
) -> list[str]:
    """The flows one history event adds to (see docs/analytics.md for each definition)."""
    data = data or {}
    flows: list[str] = []
    if action == "register":
        flows.append("registered")
    if to_status in DISPOSED and from_status not in DISPOSED:
        flows.append("disposed")
        flows.append({"closed": "closed", "rejected": "rejected"}.get(to_status, "special_closed"))
        # In time: by the deadline then in force, and never escalated (the sweep
        # escalates only past a deadline, so a grievance above L1 was already late). A
        # closure on the citizen's feedback is judged by its ATR instead (`rollup_day`):
        # the department reported then, whenever the feedback desk reached the citizen.
        if action == "record_feedback":
            flows.append(JUDGED_BY_ATR)
        elif level == 1 and due_at is not None and at <= due_at:
            flows.append("disposed_in_time")
    if action == "record_feedback":
        outcome = data.get("outcome")
        if outcome in ("satisfied", "not_satisfied"):
            flows.append("feedback_answered")
        if outcome == "satisfied":
            flows.append("satisfied")
    if action == "review_special_close" and data.get("decision") not in (None, "confirm"):
        flows.append("special_close_reverted")
    if action == "reopen":
        flows.append("reopened")
    if to_status == Status.CONFLICT and from_status != Status.CONFLICT:
        flows.append("conflicts")
    if action == "recall":
        flows.append("recalled")
    if action == "escalate":
        flows.append("escalated")
    if action in ("transfer", "mark_out_of_jurisdiction") and data.get("from_department"):
        flows.append("transferred_out")
    return flows


@dataclass
class DayResult:
    day: date
    events: int
    rows: int


def rollup_day(day: date, *, districts: Districts | None = None) -> DayResult:
    """Recompute the day's `DailyFigure` rows from the day's history."""
    districts = districts or Districts()
    start, end = day_bounds(day)
    cells: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0] * len(FLOWS))
    events = 0
    by_atr: list[tuple[tuple[Any, ...], int, datetime]] = []
    for (
        dept,
        area,
        cat,
        channel,
        action,
        frm,
        to,
        level,
        at,
        due,
        officer,
        data,
        gid,
    ) in events_for_rollup(since=start, until=end):
        events += 1
        flows = flows_of(action, frm, to, level, at, due, data)
        if not flows:
            continue
        data = data or {}
        for flow in flows:
            if flow == JUDGED_BY_ATR:
                by_atr.append(((dept, districts.of(area), cat, channel, officer), gid, at))
                continue
            who, where = officer, dept
            if flow == "escalated":
                who = data.get("from_officer")
            elif flow == "transferred_out":
                who, where = data.get("from_officer"), data["from_department"]
            cells[(where, districts.of(area), cat, channel, who)][FLOW_INDEX[flow]] += 1
    if by_atr:
        reports: dict[int, list[tuple[datetime, datetime | None, int]]] = defaultdict(list)
        for gid, at, due, level in atr_submissions(grievance_ids={g for _k, g, _a in by_atr}):
            reports[gid].append((at, due, level))
        for key, gid, closed_at in by_atr:
            earlier = [r for r in reports.get(gid, []) if r[0] <= closed_at]
            if earlier:
                at, due, level = earlier[-1]
                if level == 1 and due is not None and at <= due:
                    cells[key][FLOW_INDEX["disposed_in_time"]] += 1
    rows = [
        DailyFigure(
            day=day,
            department_id=dept,
            district_id=district,
            category_id=cat,
            channel=channel,
            officer_id=officer,
            **dict(zip(FLOWS, counts, strict=True)),
        )
        for (dept, district, cat, channel, officer), counts in cells.items()
    ]
    with transaction.atomic():
        DailyFigure.objects.filter(day=day).delete()
        DailyFigure.objects.bulk_create(rows, batch_size=2000)
    return DayResult(day=day, events=events, rows=len(rows))


def snapshot_pending(day: date, *, at: datetime, districts: Districts | None = None) -> int:
    """Replace the day's `PendingSnapshot` with what is pending at `at`."""
    districts = districts or Districts()
    cells: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0] * len(STOCKS))
    for dept, area, level, officer, status, late, bucket, n in pending_for_rollup(at=at):
        cell = cells[(dept, districts.of(area), level, officer)]
        cell[STOCK_INDEX["pending"]] += n
        cell[STOCK_INDEX[AGE_BUCKETS[bucket]]] += n
        if status in WAITING:
            cell[STOCK_INDEX["waiting"]] += n
        if late:
            cell[STOCK_INDEX["overdue"]] += n
        if status == Status.ATR_SUBMITTED:
            cell[STOCK_INDEX["awaiting_feedback"]] += n
    rows = [
        PendingSnapshot(
            day=day,
            taken_at=at,
            department_id=dept,
            district_id=district,
            level=level,
            officer_id=officer,
            **dict(zip(STOCKS, counts, strict=True)),
        )
        for (dept, district, level, officer), counts in cells.items()
    ]
    with transaction.atomic():
        PendingSnapshot.objects.filter(day=day).delete()
        PendingSnapshot.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _bucket(registered_at: datetime, at: datetime) -> int:
    """As `pending_for_rollup` buckets: 0 up to 7 days old, 1 to 15, 2 to 30, 3 to 50, 4 over."""
    for i, days in enumerate((7, 15, 30, 50)):
        if registered_at > at - timedelta(days=days):
            return i
    return 4


def snapshots_replay(*, until: datetime, districts: Districts | None = None) -> int:
    """Rebuild the snapshot of every complete day before `until` by replaying the history:
    what each grievance was at the end of each day (its last event by then). Gives the
    days before the analytics were installed, or a state's imported history, what a
    refresh at each midnight would have taken."""
    districts = districts or Districts()
    tz = state_tz()
    cells: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0] * len(STOCKS))
    finished = frozenset(FINISHED)

    def close(segment: tuple[Any, ...], end: datetime | None) -> None:
        dept, area, registered_at, start, status, level, officer, due = segment
        if status in finished:
            return
        midnight = datetime.combine(timezone.localtime(start, tz).date(), time.min, tzinfo=tz)
        if midnight < start:
            midnight += timedelta(days=1)
        stop = until if end is None else min(end, until + timedelta(microseconds=1))
        district = districts.of(area)
        waiting = status in WAITING
        while midnight < stop:
            cell = cells[(midnight.date() - timedelta(days=1), dept, district, level, officer)]
            cell[STOCK_INDEX["pending"]] += 1
            cell[STOCK_INDEX[AGE_BUCKETS[_bucket(registered_at, midnight)]]] += 1
            if waiting:
                cell[STOCK_INDEX["waiting"]] += 1
                if due is not None and due < midnight:
                    cell[STOCK_INDEX["overdue"]] += 1
            if status == Status.ATR_SUBMITTED:
                cell[STOCK_INDEX["awaiting_feedback"]] += 1
            midnight += timedelta(days=1)

    current, segment = None, None
    for gid, dept, area, registered_at, at, status, level, officer, due in events_for_replay():
        if segment is not None:
            close(segment, at if gid == current else None)
        current = gid
        segment = (dept, area, registered_at, at, status, level, officer, due)
    if segment is not None:
        close(segment, None)
    rows = [
        PendingSnapshot(
            day=day,
            taken_at=datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz),
            department_id=dept,
            district_id=district,
            level=level,
            officer_id=officer,
            **dict(zip(STOCKS, counts, strict=True)),
        )
        for (day, dept, district, level, officer), counts in cells.items()
    ]
    with transaction.atomic():
        PendingSnapshot.objects.filter(day__lt=local_day(until)).delete()
        PendingSnapshot.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


@dataclass
class RefreshResult:
    days: list[date]
    events: int
    snapshot_rows: int


def rollups_refresh(*, now: datetime | None = None) -> RefreshResult:
    """Bring the rollups up to date: the days with new history, and today's snapshot.

    One refresh at a time (the state row is locked); the SLA sweep's cadence suits it.
    """
    now = now or timezone.now()
    with transaction.atomic():
        state, _ = RollupState.objects.select_for_update().get_or_create(pk=1)
        top, days = event_days_since(event_id=max(0, state.last_event_id - OVERLAP), tz=state_tz())
        districts = Districts()
        events = sum(rollup_day(day, districts=districts).events for day in days)
        today = local_day(now)
        snapshot_rows = snapshot_pending(today, at=now, districts=districts)
        state.last_event_id = max(top, state.last_event_id)
        state.refreshed_at = now
        state.save()
    log.info(
        "analytics refresh: %d days, %d events, %d snapshot rows", len(days), events, snapshot_rows
    )
    return RefreshResult(days=days, events=events, snapshot_rows=snapshot_rows)


def rollups_rebuild(
    *, now: datetime | None = None, days: Iterable[date] | None = None
) -> RefreshResult:
    """Recompute every day that has history (or the days given), from nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        state, _ = RollupState.objects.select_for_update().get_or_create(pk=1)
        top, all_days = event_days_since(event_id=0, tz=state_tz())
        chosen = sorted(days) if days is not None else all_days
        districts = Districts()
        if days is None:
            DailyFigure.objects.all().delete()
            snapshots_replay(until=now, districts=districts)
        events = sum(rollup_day(day, districts=districts).events for day in chosen)
        snapshot_rows = snapshot_pending(local_day(now), at=now, districts=districts)
        state.last_event_id = max(top, state.last_event_id)
        state.refreshed_at = now
        state.save()
    return RefreshResult(days=chosen, events=events, snapshot_rows=snapshot_rows)
