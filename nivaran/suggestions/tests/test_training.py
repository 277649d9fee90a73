"""Training: what it reads, how type changes weigh, what it records, the task and commands."""

from __future__ import annotations

import hashlib

import pytest
from django.core.management import call_command

from nivaran.catalog.models import Category
from nivaran.grievances.selectors import grievance_texts_for_training
from nivaran.grievances.workflow import grievance_act
from nivaran.profiles.loader import active_profile
from nivaran.suggestions.models import SuggestionModel
from nivaran.suggestions.selectors import suggested_types
from nivaran.suggestions.services import NothingToTrain, suggestion_model_train
from nivaran.suggestions.tasks import suggestions_retrain
from nivaran.suggestions.tests.conftest import TEXTS, add_extra_types, lodge_texts
from nivaran.suggestions.training import VERIFIED_WEIGHT, samples

pytestmark = pytest.mark.django_db


def test_training_reads_no_others_and_marks_corrected_types(world):
    # Type changes as Madhya Pradesh allows them (the profile is reloaded after the test).
    active_profile().rules.update(type_change_window_days=3, type_change_window_calendar="calendar")
    lodge_texts(world)
    wrong = world.register(
        category=world.hours_category,
        description="जमीन का इंतकाल दर्ज नहीं हुआ",
        mobile="9600000001",
    )
    grievance_act(
        grievance_id=wrong.pk,
        actor=world["officer_l1"],
        action="change_type",
        data={"category": world.category.code, "reason": "It is about a mutation."},
    )
    rows = list(grievance_texts_for_training(limit=1000))
    others = Category.objects.get(code="REV-OTH")
    assert others.pk not in {label for _text, label, _verified in rows}
    assert len(rows) == sum(len(t) for code, t in TEXTS.items() if code != "REV-OTH") + 1
    assert [(label, verified) for text, label, verified in rows if verified] == [
        (world.category.pk, True)
    ]
    record = suggestion_model_train()
    assert record.verified_rows == 1
    assert record.rows == len(rows)


def test_repeated_texts_are_one_sample_and_a_correction_weighs_more():
    got = samples(
        [("Bijli nahi hai", 1, False), ("bijli  NAHI hai", 1, False), ("Intkal", 2, True)],
        [],
    )
    assert sorted((s.label, s.weight) for s in got) == [(1, 2.0), (2, VERIFIED_WEIGHT)]


def test_a_new_type_is_suggested_from_its_names_before_any_grievance(world):
    lodge_texts(world)
    Category.objects.create(
        department=world.department,
        code="REV-STAMP",
        name="Stamp paper not available",
        name_hi="स्टांप पेपर उपलब्ध नहीं",
    )
    suggestion_model_train()
    found = suggested_types(text="तहसील में स्टांप पेपर नहीं मिल रहा").suggestions
    assert found[0].code == "REV-STAMP"


def test_the_record_of_a_model(world):
    add_extra_types(world)
    lodge_texts(world)
    record = suggestion_model_train(evaluate=True)
    blob = bytes(record.blob)
    assert record.sha256 == hashlib.sha256(blob).hexdigest()
    assert record.types == 9  # the open types, "Others" not among them
    assert record.samples > record.rows  # the types' names are samples too
    assert record.held_out_texts == record.rows
    assert record.held_out_top1 is not None and 0 <= record.held_out_top1 <= 1


def test_only_the_newest_models_keep_their_bytes(world, settings):
    settings.NIVARAN_SUGGEST_KEEP_MODELS = 2
    lodge_texts(world)
    versions = [suggestion_model_train().version for _ in range(3)]
    kept = dict(SuggestionModel.objects.values_list("version", "is_active"))
    assert kept == {versions[0]: False, versions[1]: True, versions[2]: True}
    assert bytes(SuggestionModel.objects.get(version=versions[0]).blob) == b""
    assert suggested_types(text="बिजली नहीं है").model_version == versions[2]


def test_nothing_to_train_without_two_types(db):
    with pytest.raises(NothingToTrain):
        suggestion_model_train()
    assert suggestions_retrain() == {"version": None, "rows": 0}


def test_the_task_and_the_command_train(world, capsys):
    lodge_texts(world)
    answer = suggestions_retrain()
    assert answer["rows"] == 12
    call_command("suggestions_train", "--evaluate")
    out = capsys.readouterr().out
    assert f"suggestion model v{answer['version'] + 1}: 12 grievances" in out
    assert "top-1" in out
    assert SuggestionModel.objects.count() == 2
