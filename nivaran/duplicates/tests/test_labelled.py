from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from nivaran.duplicates.labelled import (
    TEST_CATEGORIES,
    labelled_pairs,
    quality,
    scored_pairs,
    typo,
)
from nivaran.duplicates.scoring import THRESHOLD


def test_the_set_is_deterministic_and_split_by_source_text():
    pairs = labelled_pairs(seed=11, per_topic=5)
    assert pairs == labelled_pairs(seed=11, per_topic=5)
    assert pairs != labelled_pairs(seed=12, per_topic=5)
    for pair in pairs:
        split = "test" if pair.a.category in TEST_CATEGORIES else "train"
        assert pair.split == split
        # A negative's other side may come from another category (a namesake's other
        # complaint), but never from the other split's texts for a positive.
        if pair.duplicate:
            assert pair.b.category == pair.a.category
    cases = {p.case for p in pairs}
    assert {
        "paraphrase",
        "other_script",
        "typo_other_mobile",
        "other_script_other_mobile",
        "same_village_category_other_problem",
        "same_mobile_other_problem",
        "same_name_other_complaint",
    } <= cases


def test_a_typo_changes_the_name_a_little():
    import random

    rng = random.Random(3)
    for _ in range(50):
        slipped = typo("Sunita Devi", rng)
        assert abs(len(slipped) - len("Sunita Devi")) <= 1


def test_precision_and_recall_on_the_held_out_split_meet_the_target():
    scored = [s for s in scored_pairs(labelled_pairs()) if s.pair.split == "test"]
    q = quality(scored, threshold=THRESHOLD)
    assert q.precision >= 0.9, q
    assert q.recall >= 0.9, q


def test_the_command_reports_both_splits():
    out = StringIO()
    call_command("duplicates_evaluate", "--per-topic", "5", stdout=out)
    text = out.getvalue()
    assert "train" in text and "test" in text and f"threshold in code: {THRESHOLD}" in text
