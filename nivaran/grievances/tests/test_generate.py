from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from nivaran.accounts.services import system_user
from nivaran.grievances.models import Citizen, Grievance, GrievanceEvent, Status
from nivaran.grievances.workflow import grievances_sweep
from nivaran.org.selectors import LevelResolver

IST = ZoneInfo("Asia/Kolkata")
NOW = datetime(2026, 3, 18, 15, 30, tzinfo=IST)

pytestmark = pytest.mark.django_db


def generate(**options: object) -> str:
    out = StringIO()
    call_command("generate_grievances", stdout=out, **options)
    return out.getvalue()


def test_generates_grievances_routed_to_l1_with_their_history(world):
    output = generate(count=500, seed=1)
    assert "done: 500 grievances" in output
    grievances = list(Grievance.objects.select_related("assigned_post"))
    assert len(grievances) == 500
    assert all(g.number for g in grievances)
    assert {g.status for g in grievances} == {Status.OPEN}
    assert {g.level for g in grievances} == {1}
    assert all(g.due_at is not None and g.due_at > g.registered_at for g in grievances)
    events = Counter(GrievanceEvent.objects.values_list("grievance_id", "action"))
    assert events == Counter({(g.pk, "register"): 1 for g in grievances})
    resolver = LevelResolver()
    routed = 0
    for g in grievances:
        post = resolver.post_for(
            department_id=g.department_id,
            area_path=g.area_path,
            category_id=g.category_id,
            level=1,
        )
        assert g.assigned_post == post
        assert g.assigned_to_id == (post.holder_id if post else None)
        routed += post is not None
    assert routed > 400  # most name an area with a mapped L1 officer


def test_the_data_looks_like_a_helpline(world):
    generate(count=500, seed=1, days=90)
    grievances = Grievance.objects.all()
    languages = Counter(grievances.values_list("language", flat=True))
    assert languages["hi"] > languages["en"] > 50  # Devanagari and English texts
    assert len(set(grievances.values_list("channel", flat=True))) >= 4
    assert Citizen.objects.count() < 500  # some callers come back
    assert all(c.mobile[0] in "6789" and len(c.mobile) == 10 for c in Citizen.objects.all())
    categories = Counter(grievances.values_list("category__code", flat=True))
    top = categories.most_common(1)[0][1]
    assert top > 500 / len(categories)  # a few complaint types dominate
    assert categories["REV-OTH"] > 0
    stamps = list(grievances.values_list("registered_at", flat=True))
    assert max(stamps) - min(stamps) > timedelta(days=60)  # spread over the window


def test_same_seed_gives_the_same_category_distribution(world):
    generate(count=500, seed=1)
    first = Counter(Grievance.objects.values_list("category__code", "emergency"))
    last_id = Grievance.objects.order_by("-id").values_list("id", flat=True)[0]
    generate(count=500, seed=1)
    second = Counter(
        Grievance.objects.filter(id__gt=last_id).values_list("category__code", "emergency")
    )
    assert first == second
    generate(count=500, seed=2)
    third = Counter(
        Grievance.objects.filter(id__gt=last_id + 500).values_list("category__code", "emergency")
    )
    assert third != first


def test_overdue_share_is_exact_and_gives_the_sweep_that_much_work(world):
    output = generate(count=200, seed=3, overdue_share=0.25, now=NOW.isoformat())
    assert "50 past their L1 deadline" in output
    assert Grievance.objects.filter(due_at__lte=NOW).count() == 50
    assert Grievance.objects.filter(registered_at__gt=NOW).count() == 0
    result = grievances_sweep(at=NOW, actor=system_user())
    assert result.escalated == 50
    assert grievances_sweep(at=NOW, actor=system_user()).escalated == 0


def test_refuses_without_master_data(db):
    with pytest.raises(CommandError, match="load a profile"):
        generate(count=10)


def test_synthetic_data_is_refused_outside_demo_and_test_databases(world, settings):
    settings.SYNTHETIC_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="demo, test and benchmark"):
        call_command("generate_grievances", count=10)
