"""The Monday SMS of the week's ranking: to whom, what it says, once per week."""

from __future__ import annotations

from nivaran.analytics.dispatch import weekly_dispatch
from nivaran.analytics.models import WeeklyDispatch
from nivaran.analytics.tests.conftest import WEEK, at
from nivaran.notifications.models import Message


def test_each_department_and_district_hears_its_week_once(week, settings):
    settings.NIVARAN_SITE_URL = "https://cmwindow.example.gov.in"
    sent = weekly_dispatch(week=WEEK, now=at(30, 8))
    messages = Message.objects.filter(purpose="weekly_ranking")
    by_mobile = {m.to: m.body for m in messages}
    # Revenue: its head of department and its nodal officer; district One: its DM.
    assert set(by_mobile) == {
        week["hod"].mobile, week["nodal"].mobile, week["district"].mobile
    }  # fmt: skip
    revenue = by_mobile[week["nodal"].mobile]
    assert "Revenue" in revenue and "rank 1 of 2" in revenue and "score 90.00" in revenue
    assert "grade A" in revenue and "Pending 2" in revenue
    assert (
        "https://cmwindow.example.gov.in/analytics/weekly/department/REV/?week=2026-11-23"
        in revenue
    )
    assert sent == 3
    assert weekly_dispatch(week=WEEK, now=at(30, 9)) == 0  # a second run sends nothing
    assert Message.objects.filter(purpose="weekly_ranking").count() == 3
    assert WeeklyDispatch.objects.filter(week_start=WEEK.start).count() >= 3


def test_the_sms_is_in_the_officers_language(week):
    nodal = week["nodal"]
    nodal.preferred_language = "hi"
    nodal.save()
    weekly_dispatch(week=WEEK, now=at(30, 8))
    body = Message.objects.get(purpose="weekly_ranking", to=nodal.mobile).body
    assert "राजस्व" in body
