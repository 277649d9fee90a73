from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nivaran.systemic.clusters import ClusterParams
from nivaran.systemic.detection import Params
from nivaran.systemic.services import systemic_detect


class Command(BaseCommand):
    help = (
        "Detect systemic issues (spikes, persistent and widespread complaint types, clusters "
        "of similar complaints across districts) in the latest complete week, or in --week; "
        "re-running a week updates its issues."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--week", help="Any day of the week to test, e.g. 2026-11-23")
        parser.add_argument("--alpha", type=float, help="Per cell-week false-alarm rate")
        parser.add_argument("--baseline-weeks", type=int, help="Weeks of baseline (8-12)")
        parser.add_argument(
            "--similarity", type=float, help="Clusters: cosine similarity of texts, at least"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        week = None
        if options["week"]:
            try:
                week = date.fromisoformat(options["week"])
            except ValueError as exc:
                raise CommandError(f"--week must be a date like 2026-11-23: {exc}") from exc
            if week.year < 2000:
                raise CommandError("--week must be a date from 2000 on")
        overrides: dict[str, Any] = {}
        if options["alpha"] is not None:
            if not 0 < options["alpha"] < 1:
                raise CommandError("--alpha lies between 0 and 1")
            overrides["alpha"] = options["alpha"]
        if options["baseline_weeks"] is not None:
            if not 2 <= options["baseline_weeks"] <= 52:
                raise CommandError("--baseline-weeks lies between 2 and 52")
            overrides["baseline_weeks"] = options["baseline_weeks"]
        cluster = ClusterParams()
        if options["similarity"] is not None:
            if not 0 < options["similarity"] < 1:
                raise CommandError("--similarity lies between 0 and 1")
            cluster = ClusterParams(similarity=options["similarity"])
        result = systemic_detect(week=week, params=Params(**overrides), cluster_params=cluster)
        self.stdout.write(
            f"week of {result.week.isoformat()}: {result.cells} cells, "
            f"{result.created} new issues, {result.updated} updated"
        )
        for issue in result.issues:
            self.stdout.write(
                f"  {issue.kind} {issue.category.code} {issue.district_key or '(state)'}"
                f"{' [' + issue.topic + ']' if issue.topic else ''}: "
                f"{issue.count} vs {issue.baseline:.1f} expected, p={issue.p_value:.2g}"
            )
