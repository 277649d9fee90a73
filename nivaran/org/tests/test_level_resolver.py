"""The level resolver: reading what a question needs gives the answers that loading every
mapping gives, and a registration's cost does not grow with the organisation."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from nivaran.catalog.models import Category
from nivaran.geo.models import Area
from nivaran.org.models import Department, LevelMapping, Post
from nivaran.org.selectors import LevelResolver, ancestor_paths
from nivaran.profiles.loader import load_profile
from nivaran.profiles.services import profile_apply

pytestmark = pytest.mark.django_db


def test_ancestor_paths():
    assert ancestor_paths("HR/HR-AMB/HR-AMB-B1/") == ["HR/", "HR/HR-AMB/", "HR/HR-AMB/HR-AMB-B1/"]
    assert ancestor_paths("HR/") == ["HR/"]
    assert ancestor_paths("") == []


@pytest.mark.parametrize("name", ["haryana", "madhya_pradesh"])
def test_reading_per_question_answers_as_loading_everything(name, settings):
    settings.NIVARAN_PROFILE = name
    profile_apply(load_profile(name))
    every = LevelResolver.preloaded()
    areas = list(Area.objects.exclude(type="state").order_by("path"))
    areas = areas[:: max(1, len(areas) // 60)]  # districts, blocks, wards: a spread of 60
    asked = 0
    for department in Department.objects.order_by("code"):
        lazy = LevelResolver()
        per_department = LevelResolver.preloaded(department_id=department.pk)
        categories = [
            *Category.objects.filter(department=department).values_list("id", flat=True),
            None,
        ]
        for area in areas:
            for category_id in categories:
                want = every.chain(
                    department_id=department.pk, area_path=area.path, category_id=category_id
                )
                assert (
                    lazy.chain(
                        department_id=department.pk, area_path=area.path, category_id=category_id
                    )
                    == want
                ), (department.code, area.path, category_id)
                assert (
                    per_department.chain(
                        department_id=department.pk, area_path=area.path, category_id=category_id
                    )
                    == want
                )
                asked += 1
    assert asked > 1000


def test_a_category_mapping_wins_over_the_departments_and_a_nearer_area_over_a_farther(world):
    # The world's Revenue type has a state-wide chain; map a post for its L1 in the block.
    block_post = Post.objects.create(
        code="REV-L1-BLOCK",
        title="Block revenue officer",
        department=world.category.department,
        area=world.block,
        designation=world["officer_l1"].posts.first().designation,
    )
    LevelMapping.objects.create(
        department=world.category.department,
        area=world.block,
        category=world.category,
        level=1,
        post=block_post,
    )
    lazy = LevelResolver()
    dept = world.category.department_id
    assert (
        lazy.post_for(
            department_id=dept, area_path=world.block.path, category_id=world.category.pk, level=1
        )
        == block_post
    )
    # Another type of the department, or the district around the block: not this mapping.
    assert (
        lazy.post_for(
            department_id=dept,
            area_path=world.block.path,
            category_id=world.hours_category.pk,
            level=1,
        )
        != block_post
    )
    assert (
        lazy.post_for(
            department_id=dept,
            area_path=world.district.path,
            category_id=world.category.pk,
            level=1,
        )
        != block_post
    )


def _registration_cost(world, n: int) -> tuple[int, int]:
    """The queries of one registration, and the posts it loaded."""
    loaded = []

    def count(sender, instance, **kwargs):
        loaded.append(instance)

    post_init.connect(count, sender=Post)
    try:
        with CaptureQueriesContext(connection) as ctx:
            world.register(mobile=f"98765432{n:02d}", description=f"सड़क पर पानी भरा है {n} दिन से")
    finally:
        post_init.disconnect(count, sender=Post)
    return len(ctx.captured_queries), len(loaded)


def _double_the_organisation(world) -> None:
    """As many more districts, posts and mappings again, in other departments and areas."""
    designation = world["officer_l1"].posts.first().designation
    for i in range(40):
        district = Area.objects.create(
            code=f"TS-X{i}", name=f"Extra {i}", type="district", parent=world.state
        )
        department = Department.objects.create(code=f"XD{i}", name=f"Extra department {i}")
        for level in range(1, 5):
            post = Post.objects.create(
                code=f"XD{i}-L{level}",
                title=f"Extra {i} L{level}",
                department=department,
                area=district,
                designation=designation,
            )
            LevelMapping.objects.create(
                department=department, area=district, level=level, post=post
            )
            post = Post.objects.create(
                code=f"REV-X{i}-L{level}",
                title=f"Revenue extra {i} L{level}",
                department=world.category.department,
                area=district,
                designation=designation,
            )
            LevelMapping.objects.create(
                department=world.category.department, area=district, level=level, post=post
            )


def test_a_registration_costs_the_same_in_a_bigger_state(world):
    _registration_cost(world, 0)  # warm: the profile, the calendar
    queries, loaded = _registration_cost(world, 1)
    mappings = LevelMapping.objects.count()
    _double_the_organisation(world)
    assert LevelMapping.objects.count() > 3 * mappings
    assert _registration_cost(world, 2) == (queries, loaded)
    assert loaded <= 8  # the posts of the block's ancestors' mappings, not the state's
