from __future__ import annotations

import shutil

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from nivaran.accounts.models import User
from nivaran.catalog.models import Category
from nivaran.geo.models import Area
from nivaran.grievances.models import (
    FieldVisit,
    Grievance,
    GrievanceEvent,
    SpecialClose,
    Status,
)
from nivaran.org.checks import level_mapping_problems
from nivaran.org.models import Department, LevelMapping, NodalAppointment, Post
from nivaran.profiles import loader
from nivaran.profiles.demo import demo_grievances, demo_users
from nivaran.profiles.loader import available_profiles, load_profile
from nivaran.profiles.services import profile_apply

DISTRICTS = {"haryana": 22, "west_bengal": 23, "uttarakhand": 13, "madhya_pradesh": 55}


def test_the_four_seed_states_ship_as_profiles():
    assert set(available_profiles()) >= set(DISTRICTS)


@pytest.mark.parametrize("name", sorted(DISTRICTS))
@pytest.mark.django_db
def test_each_profile_loads_with_no_rule_broken(name, settings):
    settings.NIVARAN_PROFILE = name
    profile = load_profile(name)
    report = profile_apply(profile)
    assert report.problems == []
    assert Area.objects.filter(type="district").count() == DISTRICTS[name]
    for dept in Department.objects.all():
        others = Category.objects.filter(department=dept, is_others=True, selectable=True)
        assert others.count() == 1, dept.code
        hod = LevelMapping.objects.get(department=dept, level=profile.hod_level, area=None).post
        assert hod.is_head_of_department
    # loading again changes nothing and duplicates nothing
    counts = (Area.objects.count(), Post.objects.count(), LevelMapping.objects.count())
    profile_apply(profile)
    assert counts == (Area.objects.count(), Post.objects.count(), LevelMapping.objects.count())


@pytest.mark.django_db
def test_rule_breaking_mappings_are_reported(settings):
    profile = load_profile("uttarakhand")
    settings.NIVARAN_PROFILE = "uttarakhand"
    profile_apply(profile)
    hod_mapping = LevelMapping.objects.filter(level=3).first()
    Post.objects.filter(pk=hod_mapping.post_id).update(is_head_of_department=False)
    LevelMapping.objects.filter(level=1, department=hod_mapping.department).first().delete()
    problems = level_mapping_problems(profile=profile, check_vacancies=False)
    assert any("must be the head of department" in p for p in problems)
    assert any("has no L1" in p for p in problems)
    with pytest.raises(ValidationError):
        LevelMapping.objects.get(pk=hod_mapping.pk).full_clean()


@pytest.mark.django_db
def test_nodal_officer_below_the_minimum_rank_is_refused(settings):
    settings.NIVARAN_PROFILE = "west_bengal"
    profile_apply(load_profile("west_bengal"))
    appointment = NodalAppointment.objects.filter(scope="department").first()
    junior = Post.objects.filter(level_mappings__level=1).first()
    appointment.post = junior
    with pytest.raises(ValidationError, match="may not be below"):
        appointment.full_clean()
    district_nodal = NodalAppointment.objects.filter(scope="district").first()
    district_nodal.post = junior
    with pytest.raises(ValidationError, match="may not be below"):
        district_nodal.full_clean()


@pytest.mark.django_db
def test_demo_data_is_lived_in_and_made_through_the_workflow(settings):
    settings.DEMO_MODE = True
    profile = load_profile("haryana")
    profile_apply(profile)
    report = demo_users(profile)
    assert {
        "telecaller",
        "officer_l1",
        "hod",
        "secretary",
        "nodal",
        "district",
        "cmo",
        "admin",
        "citizen",
        "feedback",
        "fieldexec",
        "analyst",
        "officer_l2",
    } <= set(User.objects.filter(is_demo=True).values_list("username", flat=True))
    assert report.users > 100
    assert not Post.objects.filter(holder__isnull=True).exists()
    created = demo_grievances(profile, count=120, seed=7)
    assert created == 120
    statuses = set(Grievance.objects.values_list("status", flat=True))
    assert {Status.OPEN, Status.CLOSED, Status.ATR_SUBMITTED} <= statuses
    # the quality loop's queues have work in them: a conflict for the secretary, special
    # closes for review, ATRs for the feedback desk, visits for the field executive
    assert {Status.CONFLICT, Status.SPECIAL_CLOSED} <= statuses
    assert SpecialClose.objects.filter(review="pending").exists()
    assert FieldVisit.objects.filter(visited_at__isnull=True).exists()
    assert Grievance.objects.filter(level__gt=1).exists()
    assert GrievanceEvent.objects.filter(action="escalate", actor__username="system").exists()
    languages = set(Grievance.objects.values_list("language", flat=True))
    assert languages == {"hi", "en"}
    # every grievance's history starts with its registration
    firsts = GrievanceEvent.objects.filter(action="register").count()
    assert firsts == Grievance.objects.count()


@pytest.mark.django_db
def test_demo_refuses_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    profile_apply(load_profile("haryana"))
    with pytest.raises(Exception, match="demo mode"):
        demo_users(load_profile("haryana"))


@pytest.mark.django_db
def test_demo_logins_are_refused_outside_demo_mode(settings, client):
    settings.DEMO_MODE = True
    profile = load_profile("haryana")
    profile_apply(profile)
    demo_users(profile)
    response = client.post("/api/v1/auth/token/", {"username": "cmo", "password": "nivaran-demo"})
    assert response.status_code == 200
    settings.DEMO_MODE = False
    response = client.post("/api/v1/auth/token/", {"username": "cmo", "password": "nivaran-demo"})
    assert response.status_code == 400


@pytest.mark.django_db
def test_load_profile_command(capsys, settings):
    with pytest.raises(CommandError, match="another state's rules"):
        call_command("load_profile", "--profile", "uttarakhand")
    settings.NIVARAN_PROFILE = "uttarakhand"
    call_command("load_profile", "--profile", "uttarakhand")
    assert capsys.readouterr().out.startswith("uttarakhand: ")
    assert Area.objects.filter(type="district").count() == 13


@pytest.mark.parametrize(
    "rule,value,message",
    [
        ("feedback_unreachable", "forget", "close or special_close"),
        ("field_validation_standard", 9, "rating 1 to 5"),
        ("field_validation_sample_percent", 120, "0 to 100"),
        ("feedback_max_attempts", 0, "1 to 10"),
    ],
)
def test_a_profile_with_a_senseless_quality_rule_is_refused(
    rule, value, message, tmp_path, monkeypatch
):
    shutil.copytree(loader.DATA_DIR / "haryana", tmp_path / "haryana")
    path = tmp_path / "haryana" / "profile.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["rules"][rule] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(loader, "DATA_DIR", tmp_path)
    loader.load_profile.cache_clear()
    try:
        with pytest.raises(loader.ProfileError, match=message):
            loader.load_profile("haryana")
    finally:
        loader.load_profile.cache_clear()
