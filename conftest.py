from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import translation

from nivaran.profiles.loader import load_profile
from nivaran.testing.world import World, build_world


@pytest.fixture(autouse=True)
def _english():
    # A test that renders a Hindi page must not leave Hindi active for the next one.
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _profile(settings):
    settings.NIVARAN_PROFILE = "haryana"
    settings.NIVARAN_OUTBOX_FILE = settings.VAR_DIR / "test-outbox.log"
    load_profile.cache_clear()
    yield
    load_profile.cache_clear()


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Sign-in failures are counted in the cache: one test's must not lock the next one out.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db) -> World:
    return build_world()
