"""`manage.py check --deploy`: the sign-in counters need a cache all web processes share."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def signin_counters_shared(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [
            Warning(
                "The default cache is per process: each web worker counts wrong passwords "
                "on its own, so an attacker gets the sign-in limits once per worker.",
                hint="Set CACHE_URL=redis://HOST:6379/1.",
                id="nivaran.W001",
            )
        ]
    return []
