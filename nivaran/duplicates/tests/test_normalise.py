from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from nivaran.duplicates.normalise import name_form, name_key, text_terms, tokens
from nivaran.duplicates.scoring import _month, name_similarity, text_similarity


def test_re_w_splits_devanagari_at_vowel_signs_and_tokens_does_not():
    # The pitfall: \w does not match matras or the virama.
    assert re.findall(r"\w+", "सुनीता देवी") == ["स", "न", "त", "द", "व"]
    assert tokens("सुनीता देवी, सुरेंद्र।") == ["सुनीता", "देवी", "सुरेंद्र"]
    assert tokens("श्रीमती ज़मीन-गाँव") == ["श्रीमती", "ज़मीन", "गाँव"]
    assert tokens("Mixed पानी text") == ["Mixed", "पानी", "text"]


@pytest.mark.parametrize(
    ("latin", "devanagari"),
    [
        ("Sunita Devi", "सुनीता देवी"),
        ("Ramesh Kumar", "रमेश कुमार"),
        ("Surendra Singh", "सुरेंद्र सिंह"),
        ("Amarnath Sharma", "अमरनाथ शर्मा"),
        ("Chhote Lal", "छोटे लाल"),
        ("Kamlesh Yadav", "कमलेश यादव"),
    ],
)
def test_a_name_is_one_in_both_scripts(latin, devanagari):
    assert name_form(latin) == name_form(devanagari)
    assert name_key(latin) == name_key(devanagari)


def test_typing_slips_keep_the_key_or_a_high_similarity():
    assert name_key("Sunita Dvi") == name_key("Sunita Devi") == name_key("Suneeta Devee")
    assert name_key("Devi Sunita") == name_key("Sunita Devi")
    assert name_similarity(name_form("Sunita Devi"), name_form("Sunitta Devi")) >= 0.85
    assert name_form("Smt. Sunita Devi") == name_form("Sunita Devi")
    assert name_similarity(name_form("Sunita Devi"), name_form("Ramesh Kumar")) < 0.5


def test_a_complaint_means_the_same_in_hindi_english_and_hinglish():
    hindi = text_terms("गांव में तीन महीने से पीने का पानी नहीं आ रहा है।")
    english = text_terms("Drinking water has not come to our village for three months.")
    hinglish = text_terms("Gaon me 3 mahine se peene ka paani nahi aa raha")
    other = text_terms("The transformer in our village burnt, no electricity for a week.")
    assert text_similarity(hindi, english) >= 0.7
    assert text_similarity(hindi, hinglish) >= 0.7
    assert text_similarity(english, other) < 0.5


@pytest.mark.parametrize("zone", ["Asia/Kolkata", "Europe/London", "America/Santiago"])
def test_the_place_keys_month_is_the_local_month_around_month_ends_and_dst(zone):
    tz = ZoneInfo(zone)
    instants = [
        datetime(year, month, day, hour, minute, tzinfo=UTC)
        for year, month, day in ((2026, 3, 31), (2026, 4, 1), (2026, 10, 25), (2026, 10, 31))
        for hour in range(24)
        for minute in (0, 29, 30, 59)
    ]
    with timezone.override(tz):
        assert [_month(at) for at in instants] == [f"{at.astimezone(tz):%Y%m}" for at in instants]
