"""The citizen's word after the action taken report: on the tracking page."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from nivaran.grievances.models import (
    ActionTakenReport,
    AtrOutcome,
    FeedbackCall,
    Grievance,
    GrievanceEvent,
    Status,
)
from nivaran.grievances.workflow import grievance_act
from nivaran.portal.tests.helpers import last_otp
from nivaran.portal.tests.test_track import OWNER, track
from nivaran.profiles.loader import load_profile
from nivaran.testing.world import World


def with_atr(world: World, **atr: str) -> Grievance:
    grievance = world.register()
    grievance_act(
        grievance_id=grievance.pk,
        actor=world["officer_l1"],
        action="submit_atr",
        data={"summary": "Water drained and the drain cleaned.", **atr},
    )
    grievance.refresh_from_db()
    assert grievance.status == Status.ATR_SUBMITTED
    return grievance


def closed(world: World, *, days_ago: int = 0) -> Grievance:
    grievance = with_atr(world)
    at = timezone.now() - timedelta(days=days_ago)
    grievance_act(
        grievance_id=grievance.pk,
        actor=world["feedback"],
        action="record_feedback",
        data={"outcome": "satisfied"},
        at=at,
    )
    grievance.refresh_from_db()
    assert grievance.status == Status.CLOSED
    return grievance


def feedback_url(grievance: Grievance) -> str:
    return reverse("portal:track_feedback", args=[grievance.number])


def test_the_page_shows_the_atr_and_asks_are_you_satisfied(client: Client, world: World):
    grievance = with_atr(world, resolution_type="partly_resolved", reason="Only one lane done.")
    page = track(client, grievance)
    assert "Water drained and the drain cleaned." in page
    assert "Partly resolved" in page and "Only one lane done." in page
    assert "Are you satisfied?" in page and 'id="feedback-form"' in page


def test_satisfied_closes(client: Client, world: World):
    grievance = with_atr(world)
    track(client, grievance)
    response = client.post(feedback_url(grievance), {"satisfied": "yes"}, follow=True)
    page = response.content.decode()
    grievance.refresh_from_db()
    assert grievance.status == Status.CLOSED and grievance.closed_at is not None
    call = FeedbackCall.objects.get(grievance=grievance)
    assert call.outcome == "satisfied" and call.channel == "portal"
    assert call.taken_by.role == "citizen" and call.taken_by.mobile == OWNER
    assert "closed with your consent" in page
    assert "Resolved and closed" in page
    assert "Your feedback: satisfied. Closed." in page
    assert 'id="feedback-form"' not in page
    # Within the window the citizen may reopen it.
    assert 'id="reopen-form"' in page


def test_not_satisfied_with_a_reason_is_a_conflict_under_haryana(client: Client, world: World):
    grievance = with_atr(world)
    track(client, grievance)
    response = client.post(
        feedback_url(grievance),
        {"satisfied": "no", "reason": "The drain overflows again."},
        follow=True,
    )
    page = response.content.decode()
    grievance.refresh_from_db()
    assert grievance.status == Status.CONFLICT
    assert grievance.assigned_to == world["secretary"]
    atr = ActionTakenReport.objects.get(grievance=grievance)
    assert atr.outcome == AtrOutcome.CONFLICT
    assert "administrative secretary for clarification" in page
    assert "Sent for clarification." in page and "The drain overflows again." in page


def test_not_satisfied_reopens_where_the_profile_has_no_clarification(
    client: Client, world: World, settings
):
    settings.NIVARAN_PROFILE = "madhya_pradesh"
    load_profile.cache_clear()
    grievance = with_atr(world)
    track(client, grievance)
    client.post(feedback_url(grievance), {"satisfied": "no", "reason": "Still flooded."})
    grievance.refresh_from_db()
    assert grievance.status == Status.REOPENED
    page = client.get(reverse("portal:track_status", args=[grievance.number])).content.decode()
    assert "Your feedback: not satisfied. Reopened." in page


def test_not_satisfied_without_a_reason_shows_an_error_and_changes_nothing(
    client: Client, world: World
):
    grievance = with_atr(world)
    track(client, grievance)
    events = GrievanceEvent.objects.filter(grievance=grievance).count()
    response = client.post(feedback_url(grievance), {"satisfied": "no", "reason": "  "})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-error="reason"' in page
    assert "Tell us what is still not resolved." in page
    grievance.refresh_from_db()
    assert grievance.status == Status.ATR_SUBMITTED
    assert GrievanceEvent.objects.filter(grievance=grievance).count() == events
    assert not FeedbackCall.objects.filter(grievance=grievance).exists()


def test_feedback_needs_the_tracking_otp(client: Client, world: World):
    grievance = with_atr(world)
    response = client.post(feedback_url(grievance), {"satisfied": "yes"})
    assert response.status_code == 302 and response["Location"].endswith("/citizen/track/")
    grievance.refresh_from_db()
    assert grievance.status == Status.ATR_SUBMITTED


def test_a_closed_grievance_is_reopened_within_the_window(client: Client, world: World):
    grievance = closed(world, days_ago=10)
    page = track(client, grievance)
    assert "Not resolved? Reopen it" in page
    response = client.post(
        reverse("portal:track_reopen", args=[grievance.number]),
        {"reopen_reason": "Water is back after the rain."},
        follow=True,
    )
    page = response.content.decode()
    grievance.refresh_from_db()
    assert grievance.status == Status.REOPENED and grievance.closed_at is None
    event = grievance.events.order_by("-id").first()
    assert event is not None and event.action == "reopen" and event.actor_role == "citizen"
    assert "Reopened at your request" in page and "Water is back after the rain." in page


def test_reopen_needs_a_reason(client: Client, world: World):
    grievance = closed(world)
    track(client, grievance)
    response = client.post(reverse("portal:track_reopen", args=[grievance.number]), {})
    assert 'data-error="reopen_reason"' in response.content.decode()
    grievance.refresh_from_db()
    assert grievance.status == Status.CLOSED


def test_beyond_the_window_a_linked_new_grievance_is_offered(client: Client, world: World):
    old = closed(world, days_ago=31)
    page = track(client, old)
    assert 'id="reopen-form"' not in page
    assert "can no longer be reopened" in page
    # A stale form (or a crafted post) is refused by the workflow and explained.
    response = client.post(
        reverse("portal:track_reopen", args=[old.number]),
        {"reopen_reason": "Still broken."},
        follow=True,
    )
    assert "have passed" in response.content.decode()
    old.refresh_from_db()
    assert old.status == Status.CLOSED

    response = client.post(reverse("portal:track_follow_up", args=[old.number]))
    assert response.status_code == 302 and response["Location"].endswith("/lodge/details/")
    form = client.get(response["Location"]).content.decode()
    assert old.number in form and 'data-testid="linked-to"' in form
    response = client.post(
        reverse("portal:lodge_form"),
        {
            "kind": world.category.kind,
            "category": world.category.code,
            "area": world.block.code,
            "description": "The same waterlogging is back on the road.",
            "intake_key": "follow-up-test",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    done = client.get(response["Location"]).content.decode()
    new = Grievance.objects.exclude(pk=old.pk).get(intake_key=f"portal:{OWNER}:follow-up-test")
    assert new.linked_to == old and new.citizen.mobile == OWNER
    assert new.number in done and old.number in done and 'data-testid="linked-to"' in done
    event = new.events.get(action="register")
    assert event.data["linked_to"] == old.number
    # The next lodge is a plain one again.
    form = client.get(reverse("portal:lodge_form")).content.decode()
    assert 'data-testid="linked-to"' not in form


def test_a_follow_up_needs_the_grievance_tracked_by_its_own_mobile(client: Client, world: World):
    old = closed(world, days_ago=40)
    mine = world.register(mobile="9811122233", citizen_name="Geeta")
    # Tracked with another mobile (its own grievance): the old one is not theirs.
    client.post(reverse("portal:track"), {"number": mine.number, "mobile": "9811122233"})
    client.post(reverse("portal:track_otp"), {"code": last_otp("9811122233")})
    response = client.post(reverse("portal:track_follow_up", args=[old.number]))
    assert response.status_code == 302 and response["Location"].endswith("/citizen/track/")
    assert "portal_lodge" not in client.session


def test_a_follow_up_is_not_offered_for_an_active_grievance(client: Client, world: World):
    grievance = world.register()
    track(client, grievance)
    response = client.post(reverse("portal:track_follow_up", args=[grievance.number]))
    assert response["Location"].endswith(f"/track/{grievance.number}/")
    assert "portal_lodge" not in client.session


def test_the_feedback_form_reads_in_hindi(client: Client, world: World):
    grievance = with_atr(world)
    track(client, grievance)
    page = client.get(f"/hi/citizen/track/{grievance.number}/").content.decode()
    assert "क्या आप संतुष्ट हैं?" in page


def test_an_interim_reply_shows_its_expected_date(client: Client, world: World):
    grievance = world.register()
    grievance_act(
        grievance_id=grievance.pk,
        actor=world["officer_l1"],
        action="interim_reply",
        data={"message": "Tender floated for the drain.", "expected_by": "2030-02-20"},
    )
    page = track(client, grievance)
    assert 'data-testid="expected-by"' in page and "20-02-2030" in page
    assert "Tender floated for the drain." in page and "Expected by 20-02-2030" in page


def test_a_plain_lodge_after_a_follow_up_is_not_linked(client: Client, world: World):
    old = closed(world, days_ago=45)
    track(client, old)
    client.post(reverse("portal:track_follow_up", args=[old.number]))
    assert client.session["portal_lodge"]["linked_to"] == old.number
    response = client.get(reverse("portal:lodge"))
    assert response["Location"].endswith("/lodge/details/")
    assert "linked_to" not in client.session["portal_lodge"]


# --- refusals, in the citizen's words ------------------------------------------------


def test_an_answer_given_elsewhere_is_explained_not_the_workflows_reason(
    client: Client, world: World
):
    grievance = with_atr(world)
    track(client, grievance)
    # Meanwhile the citizen answered the feedback call: the page's form is stale.
    grievance_act(
        grievance_id=grievance.pk,
        actor=world["feedback"],
        action="record_feedback",
        data={"outcome": "satisfied"},
    )
    response = client.post(feedback_url(grievance), {"satisfied": "yes"}, follow=True)
    page = response.content.decode()
    assert "Your answer was already recorded" in page
    assert "is not allowed while" not in page and "No ATR is waiting" not in page
    with translation.override("hi"):
        url = feedback_url(grievance)
    assert url.startswith("/hi/")
    response = client.post(url, {"satisfied": "no", "reason": "Not done."}, follow=True)
    page = response.content.decode()
    assert "आपका उत्तर पहले ही दर्ज हो चुका है" in page
    assert "is not allowed while" not in page and "No ATR is waiting" not in page
    grievance.refresh_from_db()
    assert grievance.status == Status.CLOSED
    assert FeedbackCall.objects.filter(grievance=grievance).count() == 1


def test_a_reopen_refused_for_another_reason_is_explained(client: Client, world: World):
    grievance = closed(world)
    track(client, grievance)
    url = reverse("portal:track_reopen", args=[grievance.number])
    client.post(url, {"reopen_reason": "Water is back."})
    grievance.refresh_from_db()
    assert grievance.status == Status.REOPENED
    # A second tab still shows the reopen form: the grievance is no longer closed.
    response = client.post(url, {"reopen_reason": "Water is back."}, follow=True)
    page = response.content.decode()
    assert "This grievance cannot be reopened now." in page
    assert "is not allowed while" not in page
    with translation.override("hi"):
        hindi = reverse("portal:track_reopen", args=[grievance.number])
    page = client.post(hindi, {"reopen_reason": "फिर से पानी।"}, follow=True).content.decode()
    assert "यह शिकायत अभी फिर से नहीं खोली जा सकती।" in page
    assert GrievanceEvent.objects.filter(grievance=grievance, action="reopen").count() == 1


def test_the_reopen_window_is_explained_in_hindi(client: Client, world: World):
    old = closed(world, days_ago=31)
    track(client, old)
    with translation.override("hi"):
        url = reverse("portal:track_reopen", args=[old.number])
    page = client.post(url, {"reopen_reason": "अब भी खराब है।"}, follow=True).content.decode()
    assert "फिर से खोलने के 30 दिन बीत चुके हैं" in page
    assert "window to reopen has passed" not in page


def test_a_refused_lodge_does_not_show_the_workflows_reason(
    client: Client, world: World, monkeypatch
):
    from nivaran.core.errors import ConfigurationError
    from nivaran.portal import views
    from nivaran.portal.tests.test_lodge import form_data, verify

    def refuse(**_kwargs: object) -> tuple[Grievance, bool]:
        raise ConfigurationError("No post is mapped at level 1 for REV in TS-ONE-B1.")

    monkeypatch.setattr(views, "portal_grievance_lodge", refuse)
    verify(client)
    page = client.post(reverse("portal:lodge_form"), form_data(world)).content.decode()
    assert "Your grievance could not be lodged just now." in page
    assert "No post is mapped" not in page
    with translation.override("hi"):
        url = reverse("portal:lodge_form")
    page = client.post(url, form_data(world)).content.decode()
    assert "आपकी शिकायत अभी दर्ज नहीं हो सकी।" in page
    assert "No post is mapped" not in page
