from __future__ import annotations

from datetime import date

from django.utils import timezone

from nivaran.catalog.models import Category
from nivaran.geo.models import Area
from nivaran.systemic.detection import Params
from nivaran.systemic.models import IssueKind, SystemicIssue

WEEK = date(2026, 11, 16)


def make_issue(
    *,
    category: Category,
    district: Area | None,
    kind: str = IssueKind.SPIKE,
    week: date = WEEK,
    samples: list[str] | None = None,
    state_path: str = "TS/",
) -> SystemicIssue:
    now = timezone.now()
    return SystemicIssue.objects.create(
        kind=kind,
        category=category,
        department_id=category.department_id,
        district=district,
        district_key=district.path if district else "",
        area_path=district.path if district else state_path,
        week=week,
        count=24,
        baseline=5.0,
        variance=5.0,
        p_value=1e-9,
        score=8.5,
        method="poisson",
        evidence={
            "weeks": ["2026-11-09", "2026-11-16"],
            "counts": [5, 24],
            "tested_weeks": ["2026-11-16"],
            "baseline_weeks": 8,
            "districts": [],
            "params": Params().as_dict(),
        },
        sample_numbers=samples or [],
        first_seen=now,
        last_seen=now,
    )
