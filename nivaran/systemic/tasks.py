from __future__ import annotations

from typing import Any

from celery import shared_task

from nivaran.systemic.services import systemic_detect as detect_issues


@shared_task(name="nivaran.systemic.tasks.systemic_detect")
def systemic_detect() -> dict[str, Any]:
    """Daily: detect systemic issues in the latest complete week (idempotent)."""
    result = detect_issues()
    return {
        "week": result.week.isoformat(),
        "cells": result.cells,
        "created": result.created,
        "updated": result.updated,
    }
