"""Reads a state profile (see docs/profiles.md) into typed, validated objects."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from nivaran.core.calendar import BusinessCalendar

DATA_DIR = Path(__file__).resolve().parent / "data"
DEADLINE_UNITS = ("working_days", "working_hours", "clock_hours")


class ProfileError(ValueError):
    """A profile file is missing or says something the platform cannot use."""


@dataclass(frozen=True)
class Deadlines:
    unit: str
    per_level: tuple[int, int, int, int]

    def for_level(self, level: int) -> int:
        return self.per_level[level - 1]


@dataclass(frozen=True)
class Reason:
    code: str
    name: str
    name_hi: str


@dataclass(frozen=True)
class Profile:
    code: str
    name: str
    name_hi: str
    state_code: str
    helpline: str
    helpline_hi: str
    default_language: str
    calendar: BusinessCalendar
    holidays: tuple[tuple[date, str, str], ...]
    call_centre: BusinessCalendar
    level_count: int
    hod_level: int
    deadlines: Deadlines
    emergency_deadlines: Deadlines
    nodal_min_rank: dict[str, str]
    special_close_levels: frozenset[int]
    special_close_reviewer: str
    special_close_reasons: tuple[Reason, ...]
    rules: dict[str, Any] = field(default_factory=dict)
    # How the analytics rank departments, districts and officers (docs/analytics.md).
    ranking: dict[str, Any] = field(default_factory=dict)
    # Right to Service (nivaran/rts, docs/rts.md): off unless `enabled`.
    right_to_service: dict[str, Any] = field(default_factory=dict)
    folder: Path = DATA_DIR

    def rule(self, name: str) -> Any:
        if name not in self.rules:
            raise ProfileError(f"profile {self.code} has no rule {name!r}")
        return self.rules[name]

    def read(self, filename: str) -> dict[str, Any]:
        return _read_yaml(self.folder / filename)


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise ProfileError(f"missing profile file {path}")
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise ProfileError(f"{path} must hold a mapping")
    return data


def _require(data: dict[str, Any], key: str, where: str) -> Any:
    if key not in data:
        raise ProfileError(f"{where}: missing key {key!r}")
    return data[key]


def _deadlines(data: dict[str, Any], where: str) -> Deadlines:
    unit = _require(data, "unit", where)
    if unit not in DEADLINE_UNITS:
        raise ProfileError(f"{where}: unit must be one of {', '.join(DEADLINE_UNITS)}")
    values = tuple(int(_require(data, f"l{n}", where)) for n in range(1, 5))
    if any(v < 1 for v in values):
        raise ProfileError(f"{where}: every deadline must be at least 1")
    return Deadlines(unit, values)  # type: ignore[arg-type]


def available_profiles() -> list[str]:
    return sorted(p.name for p in DATA_DIR.iterdir() if (p / "profile.yaml").exists())


@functools.cache
def load_profile(name: str) -> Profile:
    folder = DATA_DIR / name
    data = _read_yaml(folder / "profile.yaml")
    where = f"{name}/profile.yaml"
    cal = _require(data, "calendar", where)
    holidays = tuple(
        (h["date"], str(h["name"]), str(h.get("name_hi", ""))) for h in cal.get("holidays", [])
    )
    for day, hname, _hi in holidays:
        if not isinstance(day, date):
            raise ProfileError(f"{where}: holiday {hname!r} needs a date like 2026-01-26")
    cc = _require(data, "call_centre", where)
    levels = _require(data, "levels", where)
    special = _require(data, "special_close", where)
    profile = Profile(
        code=_require(data, "code", where),
        name=_require(data, "name", where),
        name_hi=data.get("name_hi", ""),
        state_code=_require(data, "state_code", where),
        helpline=data.get("helpline", "Grievance helpline"),
        helpline_hi=data.get("helpline_hi", ""),
        default_language=data.get("default_language", "hi"),
        calendar=BusinessCalendar.build(
            working_days=cal["working_days"],
            opens=cal["opens"],
            closes=cal["closes"],
            holidays=[h[0] for h in holidays],
            tz=data.get("timezone", "Asia/Kolkata"),
        ),
        holidays=holidays,
        call_centre=BusinessCalendar.build(
            working_days=cc["working_days"],
            opens=cc["opens"],
            closes=cc["closes"],
            holidays=[h[0] for h in holidays],
            tz=data.get("timezone", "Asia/Kolkata"),
        ),
        level_count=int(levels.get("count", 4)),
        hod_level=int(_require(levels, "head_of_department", where)),
        deadlines=_deadlines(_require(data, "deadlines", where), f"{where} deadlines"),
        emergency_deadlines=_deadlines(_require(data, "emergency", where), f"{where} emergency"),
        nodal_min_rank=dict(_require(data, "nodal_officer_min_rank", where)),
        special_close_levels=frozenset(int(v) for v in special.get("levels", [])),
        special_close_reviewer=special.get("reviewer", "cmo_grievance_cell"),
        special_close_reasons=tuple(
            Reason(r["code"], r["name"], r.get("name_hi", "")) for r in special.get("reasons", [])
        ),
        rules=dict(data.get("rules", {})),
        ranking=dict(data.get("ranking") or {}),
        right_to_service=dict(data.get("right_to_service") or {}),
        folder=folder,
    )
    if profile.code != name:
        raise ProfileError(f"{where}: code {profile.code!r} differs from folder {name!r}")
    if profile.level_count != 4:
        raise ProfileError(f"{where}: the platform works with four levels (L1-L4)")
    if not 1 <= profile.hod_level <= 4:
        raise ProfileError(f"{where}: head_of_department must be a level from 1 to 4")
    _check_quality_rules(profile, where)
    _check_routing_rules(profile, where)
    _check_ranking(profile, where)
    _check_right_to_service(profile, where)
    return profile


RTS_KEYS = frozenset({"enabled", "act", "act_hi", "services", "days"})
RTS_DAYS = frozenset({"working_days", "calendar_days"})


def _check_right_to_service(profile: Profile, where: str) -> None:
    rts = profile.right_to_service
    if unknown := set(rts) - RTS_KEYS:
        raise ProfileError(f"{where}: right_to_service has unknown keys {sorted(unknown)}")
    if not isinstance(rts.get("enabled", False), bool):
        raise ProfileError(f"{where}: right_to_service.enabled is true or false")
    if rts.get("days", "working_days") not in RTS_DAYS:
        raise ProfileError(f"{where}: right_to_service.days is one of {sorted(RTS_DAYS)}")
    if profile.rules.get("auto_appeal_rts") and not rts.get("enabled"):
        raise ProfileError(
            f"{where}: rules.auto_appeal_rts sends grievances to the Auto Appeal System, "
            "which needs right_to_service.enabled and its catalogue"
        )
    if rts.get("enabled"):
        if not rts.get("act"):
            raise ProfileError(f"{where}: right_to_service needs the act's name (act)")
        services = profile.folder / str(rts.get("services", "notified_services.csv"))
        if not services.is_file():
            raise ProfileError(f"{where}: right_to_service: no catalogue {services.name}")


# The components the analytics ranking knows (nivaran/analytics/ranking.py; a test keeps
# the two lists the same).
RANKING_COMPONENTS = frozenset(
    {
        "disposed_in_time",
        "satisfaction",
        "pending_beyond_deadline",
        "pending_over_50_days",
        "special_close_share",
        "reopen_conflict_rate",
        "recall_rate",
        "poor_quality_closure",
        "not_attended",
    }
)

RANKING_COMPONENTS_SORTED = tuple(sorted(RANKING_COMPONENTS))


def _check_ranking(profile: Profile, where: str) -> None:
    """Weights are numbers of points (at least one above zero); grades fall with the score."""
    ranking = profile.ranking
    weights = ranking.get("weights")
    if weights is not None:
        if not isinstance(weights, dict) or not weights:
            raise ProfileError(f"{where}: ranking.weights must map components to points")
        for name, points in weights.items():
            if name not in RANKING_COMPONENTS:
                raise ProfileError(f"{where}: ranking.weights.{name} is no component")
            if not isinstance(points, int | float) or isinstance(points, bool) or points < 0:
                raise ProfileError(f"{where}: ranking.weights.{name} must be a number >= 0")
        if not any(weights.values()):
            raise ProfileError(f"{where}: ranking.weights needs one weight above zero")
    grades = ranking.get("grades")
    if grades is not None:
        if not isinstance(grades, list) or not grades:
            raise ProfileError(f"{where}: ranking.grades must be a list of {{grade, min}}")
        floors: list[float] = []
        for g in grades:
            floor = g.get("min") if isinstance(g, dict) else None
            if not isinstance(floor, int | float) or not g.get("grade"):
                raise ProfileError(f"{where}: ranking.grades must be a list of {{grade, min}}")
            floors.append(float(floor))
        if floors != sorted(floors, reverse=True) or floors[-1] != 0:
            raise ProfileError(f"{where}: ranking.grades must fall from the best to a min of 0")


def _check_routing_rules(profile: Profile, where: str) -> None:
    """The officers' routing tools (M1, M2) read these."""
    rules = profile.rules
    if int(rules.get("type_change_window_days", 0)) < 0:
        raise ProfileError(f"{where}: rules.type_change_window_days cannot be negative")
    if rules.get("type_change_window_calendar", "calendar") not in {"calendar", "working"}:
        raise ProfileError(
            f"{where}: rules.type_change_window_calendar must be calendar or working"
        )


def _check_quality_rules(profile: Profile, where: str) -> None:
    """The switches the resolution-quality loop reads must make sense together."""
    rules = profile.rules
    unreachable = rules.get("feedback_unreachable", "close")
    if unreachable not in {"close", "special_close"}:
        raise ProfileError(f"{where}: rules.feedback_unreachable must be close or special_close")
    codes = {r.code for r in profile.special_close_reasons}
    if unreachable == "special_close" and "citizen_not_traceable" not in codes:
        raise ProfileError(
            f"{where}: rules.feedback_unreachable is special_close, so special_close.reasons "
            "needs citizen_not_traceable"
        )
    if not 1 <= int(rules.get("feedback_max_attempts", 3)) <= 10:
        raise ProfileError(f"{where}: rules.feedback_max_attempts must be 1 to 10")
    if not 0 <= int(rules.get("field_validation_sample_percent", 0)) <= 100:
        raise ProfileError(f"{where}: rules.field_validation_sample_percent must be 0 to 100")
    if not 1 <= int(rules.get("field_validation_standard", 3)) <= 5:
        raise ProfileError(f"{where}: rules.field_validation_standard must be a rating 1 to 5")
    if int(rules.get("reopen_window_days", 0)) < 0:
        raise ProfileError(f"{where}: rules.reopen_window_days cannot be negative")
    if profile.special_close_reviewer not in {"cmo_grievance_cell", "administrative_secretary"}:
        raise ProfileError(
            f"{where}: special_close.reviewer must be cmo_grievance_cell or "
            "administrative_secretary"
        )


def active_profile() -> Profile:
    return load_profile(settings.NIVARAN_PROFILE)
