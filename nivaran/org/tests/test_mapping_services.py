"""The level mapping editor's service (U2): every rule refuses with a reason, every change is
logged, only a department's own administrators (or the platform administrator) edit it, and
no grievance moves."""

from __future__ import annotations

import pytest

from nivaran.core.errors import InvalidInput, PermissionDenied
from nivaran.grievances.models import GrievanceEvent
from nivaran.org.models import Designation, LevelMapping, OrgChange, Post
from nivaran.org.services import level_mapping_remove, level_mapping_save
from nivaran.testing.world import World


def _post(world: World, code: str, designation: str, area, department=None, **extra) -> Post:
    return Post.objects.create(
        code=code,
        title=code,
        designation=Designation.objects.get(code=designation),
        area=area,
        department=department if department is not None else world.department,
        **extra,
    )


def _rows(world: World) -> list[tuple[int | None, int | None, int, int]]:
    return sorted(
        LevelMapping.objects.filter(department=world.department).values_list(
            "area_id", "category_id", "level", "post_id"
        ),
        key=str,
    )


def test_the_hod_adds_and_changes_a_row_and_each_change_is_logged(world: World):
    block_post = _post(world, "REV-L1-B1", "tehsildar", world.block)
    added = level_mapping_save(
        actor=world["hod"], department="REV", area="TS-ONE-B1", level=1, post="REV-L1-B1"
    )
    assert (added.area, added.level, added.post) == (world.block, 1, block_post)
    _post(world, "REV-L1-B1-NEW", "tehsildar", world.block)
    changed = level_mapping_save(
        actor=world["secretary"], department="REV", area="TS-ONE-B1", level=1, post="REV-L1-B1-NEW"
    )
    assert changed.pk == added.pk
    first, second = OrgChange.objects.order_by("id")
    assert (first.actor, first.actor_role, first.old) == (world["hod"], "head_of_department", {})
    assert first.new["post"] == "REV-L1-B1" and first.new["area"] == "TS-ONE-B1"
    assert second.actor == world["secretary"] and second.department == world.department
    assert (second.old["post"], second.new["post"]) == ("REV-L1-B1", "REV-L1-B1-NEW")


def test_a_row_for_one_complaint_type(world: World):
    _post(world, "REV-FLOOD-L1", "tehsildar", world.district)
    row = level_mapping_save(
        actor=world["hod"],
        department="REV",
        area="TS-ONE",
        category="REV-FLOOD",
        level=1,
        post="REV-FLOOD-L1",
    )
    assert row.category == world.hours_category
    with pytest.raises(InvalidInput, match="not a complaint type of Revenue"):
        level_mapping_save(
            actor=world["hod"],
            department="REV",
            area="TS-ONE",
            category="PWR-SUP",
            level=1,
            post="REV-FLOOD-L1",
        )


@pytest.mark.parametrize(
    ("level", "post", "area", "reason"),
    [
        (3, "REV-L2-ONE", None, "L3 must be the head of department; REV-L2-ONE is not"),
        (2, "REV-L3", "TS-ONE", "REV-L3 is the head of department, who sits at L3, not at L2"),
        (1, "PWR-L1-ONE", "TS-ONE", "belongs to another department (PWR)"),
        (1, "REV-L1-TWO", "TS-ONE", "serves Two, which does not include One"),
        (2, "REV-L1-ONE", "TS-ONE", "L2 (REV-L1-ONE, Tehsildar) would not be senior to L1"),
    ],
)
def test_each_rule_refuses_with_its_reason_and_changes_nothing(
    world: World, level, post, area, reason
):
    before = _rows(world)
    with pytest.raises(InvalidInput) as refused:
        level_mapping_save(actor=world["hod"], department="REV", area=area, level=level, post=post)
    assert reason in refused.value.detail
    assert _rows(world) == before
    assert not OrgChange.objects.exists()


def test_removing_a_level_that_leaves_a_gap_is_refused(world: World):
    row = LevelMapping.objects.get(department=world.department, area=world.district, level=2)
    with pytest.raises(InvalidInput, match="leave One without an L2 officer"):
        level_mapping_remove(actor=world["hod"], mapping_id=row.pk)
    assert LevelMapping.objects.filter(pk=row.pk).exists()
    state_l3 = LevelMapping.objects.get(department=world.department, area=None, level=3)
    with pytest.raises(InvalidInput, match="the whole state without an L3 officer"):
        level_mapping_remove(actor=world["hod"], mapping_id=state_l3.pk)
    assert not OrgChange.objects.exists()


def test_removing_a_narrower_row_falls_back_and_is_logged(world: World):
    _post(world, "REV-L1-B1", "tehsildar", world.block)
    row = level_mapping_save(
        actor=world["hod"], department="REV", area="TS-ONE-B1", level=1, post="REV-L1-B1"
    )
    level_mapping_remove(actor=world["hod"], mapping_id=row.pk)
    assert not LevelMapping.objects.filter(pk=row.pk).exists()
    removal = OrgChange.objects.order_by("id").last()
    assert removal.old["post"] == "REV-L1-B1" and removal.new == {}


@pytest.mark.parametrize(
    ("username", "department", "allowed"),
    [
        ("hod", "REV", True),
        ("secretary", "REV", True),
        ("admin", "PWR", True),
        ("hod", "PWR", False),  # another department's mapping: the attack
        ("secretary", "PWR", False),
        ("officer_l1", "REV", False),
        ("nodal", "REV", False),
        ("district", "REV", False),
        ("cmo", "REV", False),
        ("telecaller", "REV", False),
        ("citizen", "REV", False),
    ],
)
def test_who_may_edit_which_department(world: World, username, department, allowed):
    dept_post = {"REV": "REV-L1-ONE", "PWR": "PWR-L1-ONE"}[department]
    row = LevelMapping.objects.filter(department__code=department, level=1).first()
    if allowed:
        level_mapping_save(
            actor=world[username],
            department=department,
            area=row.area.code if row.area else None,
            level=1,
            post=dept_post,
        )
        assert OrgChange.objects.count() == 1
        return
    with pytest.raises(PermissionDenied):
        level_mapping_save(
            actor=world[username], department=department, area="TS-ONE", level=1, post=dept_post
        )
    with pytest.raises(PermissionDenied):
        level_mapping_remove(actor=world[username], mapping_id=row.pk)
    assert not OrgChange.objects.exists()


def test_an_inactive_hod_edits_nothing(world: World):
    hod = world["hod"]
    hod.is_active = False
    hod.save(update_fields=["is_active"])
    with pytest.raises(PermissionDenied):
        level_mapping_save(actor=hod, department="REV", area="TS-ONE", level=1, post="REV-L1-ONE")


def test_a_mapping_change_moves_no_grievance(world: World):
    grievance = world.register()
    events = GrievanceEvent.objects.filter(grievance=grievance).count()
    _post(world, "REV-L1-ONE-NEW", "tehsildar", world.district, holder=world["other_l1"])
    level_mapping_save(
        actor=world["hod"], department="REV", area="TS-ONE", level=1, post="REV-L1-ONE-NEW"
    )
    grievance.refresh_from_db()
    assert grievance.assigned_post == world.posts["REV-L1-ONE"]
    assert grievance.assigned_to == world["officer_l1"]
    assert (grievance.status, grievance.level) == ("open", 1)
    assert GrievanceEvent.objects.filter(grievance=grievance).count() == events
    # New grievances are routed by the new mapping.
    fresh = world.register(mobile="9876500099")
    assert fresh.assigned_to == world["other_l1"]


def test_the_change_log_is_append_only(world: World):
    level_mapping_save(
        actor=world["hod"], department="REV", area="TS-ONE", level=1, post="REV-L1-ONE"
    )
    change = OrgChange.objects.get()
    change.new = {}
    with pytest.raises(RuntimeError, match="append-only"):
        change.save()
    with pytest.raises(RuntimeError, match="append-only"):
        change.delete()
