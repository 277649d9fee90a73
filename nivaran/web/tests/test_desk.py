"""The feedback desk's pages: the queue of ATRs due for a call, and the call page (H5, H6, U1)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from nivaran.grievances.models import (
    ActionTakenReport,
    AtrDocument,
    AtrOutcome,
    FeedbackCall,
    Grievance,
    SpecialClose,
    Status,
)
from nivaran.grievances.workflow import grievance_act
from nivaran.profiles.loader import load_profile
from nivaran.testing.world import PASSWORD, World

pytestmark = pytest.mark.django_db

QUEUE = "/feedback/"


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def atr_on(
    world: World, summary: str = "Mutation entered in the register.", **extra
) -> ActionTakenReport:
    """A registered grievance with an ATR from its L1 officer, waiting for the citizen."""
    grievance = world.register(**extra)
    grievance_act(
        grievance_id=grievance.pk,
        actor=world["officer_l1"],
        action="submit_atr",
        data={"summary": summary, "resolution_type": "resolved"},
    )
    return ActionTakenReport.objects.get(grievance=grievance)


def call_page(atr: ActionTakenReport) -> str:
    return f"{QUEUE}{atr.pk}/"


def grievance_of(atr: ActionTakenReport) -> Grievance:
    return Grievance.objects.get(pk=atr.grievance_id)


def test_the_queue_lists_the_atrs_due_for_a_call(world: World):
    atr = atr_on(world, summary="Mutation entered in the revenue record on 3 March.")
    response = signed_in("feedback").get(QUEUE)
    assert response.status_code == 200
    page = response.text
    assert f'data-atr="{atr.pk}"' in page
    assert grievance_of(atr).number in page
    assert "Ramesh Kumar" in page
    assert 'href="tel:9876543210"' in page
    for text in ("Mutation pending", "One Block", "Revenue", "Resolved", "Officer_L1"):
        assert text in page
    assert "Mutation entered in the revenue record" in page
    assert f'href="{call_page(atr)}"' in page
    assert 'data-attempts="0"' in page
    assert 'data-later="0"' in page
    assert 'href="/feedback/"' in page  # the nav link


def test_the_queue_is_oldest_first_and_leaves_out_answered_atrs(world: World):
    first = atr_on(world, mobile="9876500001")
    second = atr_on(world, mobile="9876500002")
    answered = atr_on(world, mobile="9876500003")
    grievance_act(
        grievance_id=answered.grievance_id,
        actor=world["feedback"],
        action="record_feedback",
        data={"outcome": "satisfied"},
    )
    page = signed_in("feedback").get(QUEUE).text
    assert page.index(f'data-atr="{first.pk}"') < page.index(f'data-atr="{second.pk}"')
    assert f'data-atr="{answered.pk}"' not in page


def test_an_empty_queue_says_so(world: World):
    response = signed_in("cmo").get(QUEUE)
    assert response.status_code == 200
    assert 'data-testid="queue-empty"' in response.text


@pytest.mark.parametrize(
    "username", ["officer_l1", "telecaller", "citizen", "analyst", "hod", "fieldexec", "admin"]
)
def test_only_the_feedback_desk_opens_its_pages(world: World, username: str):
    atr = atr_on(world)
    client = signed_in(username)
    assert client.get(QUEUE).status_code == 403
    assert client.get(call_page(atr)).status_code == 403
    response = client.post(call_page(atr), {"outcome": "satisfied"})
    assert response.status_code == 403
    assert not FeedbackCall.objects.exists()
    assert 'href="/feedback/"' not in client.get("/").text


def test_the_pages_need_a_login(world: World):
    atr = atr_on(world)
    for url in (QUEUE, call_page(atr)):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_the_call_page_shows_the_grievance_the_atr_and_the_form(world: World):
    atr = atr_on(world, summary="Mutation entered; copy of the register sent by post.")
    AtrDocument.objects.create(
        atr=atr,
        file="atr/register-copy.pdf",
        original_name="register-copy.pdf",
        content_type="application/pdf",
        size=1200,
    )
    response = signed_in("cmo").get(call_page(atr))
    assert response.status_code == 200
    page = response.text
    assert "सड़क पर तीन महीने से पानी भरा है।" in page  # the description
    assert "Mutation entered; copy of the register sent by post." in page
    assert "register-copy.pdf" in page
    assert 'href="tel:9876543210"' in page
    assert 'data-testid="feedback-form"' in page
    for value in ("satisfied", "not_satisfied", "unreachable"):
        assert f'value="{value}"' in page
    assert "autofocus" in page
    assert 'data-testid="stale"' not in page


def test_satisfied_closes_and_keeps_the_call_record(world: World):
    atr = atr_on(world)
    client = signed_in("feedback")
    response = client.post(
        call_page(atr),
        {
            "outcome": "satisfied",
            "reason": "",
            "recording_ref": "rec/2026/0042.wav",
            "comments": "Thanked the department.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    grievance = grievance_of(atr)
    assert grievance.status == Status.CLOSED
    call = FeedbackCall.objects.get(atr=atr)
    assert call.outcome == "satisfied"
    assert call.channel == "call"
    assert call.taken_by == world["feedback"]
    assert call.recording_ref == "rec/2026/0042.wav"
    assert call.comments == "Thanked the department."
    atr.refresh_from_db()
    assert atr.outcome == AtrOutcome.SATISFIED
    assert atr.next_call_at is None
    queue = client.get(QUEUE).text
    assert "alert-success" in queue
    assert grievance.number in queue  # named in the message
    assert f'data-atr="{atr.pk}"' not in queue


def test_not_satisfied_needs_a_reason_and_keeps_the_inputs(world: World):
    atr = atr_on(world)
    client = signed_in("feedback")
    response = client.post(
        call_page(atr),
        {"outcome": "not_satisfied", "recording_ref": "rec-77", "comments": "Angry caller"},
    )
    assert response.status_code == 200
    page = response.text
    assert "alert-danger" in page
    assert "Record why the citizen is not satisfied." in page
    reason = "Record why the citizen is not satisfied."
    assert f"<strong>Citizen&#x27;s reason</strong>: {reason}" in page
    assert 'value="rec-77"' in page
    assert "Angry caller" in page
    assert re.search(r'id="id_outcome_not_satisfied"[^>]* checked', page)
    assert re.search(
        r'<textarea name="reason"[^>]* autofocus', page
    )  # what is missing takes the focus
    assert "is-invalid" in page
    assert not FeedbackCall.objects.exists()
    assert grievance_of(atr).status == Status.ATR_SUBMITTED


def test_not_satisfied_with_a_reason_is_a_conflict_under_haryana(world: World):
    atr = atr_on(world)
    response = signed_in("feedback").post(
        call_page(atr),
        {"outcome": "not_satisfied", "reason": "The mutation is still not in the record."},
    )
    assert response.status_code == 302
    assert grievance_of(atr).status == Status.CONFLICT
    call = FeedbackCall.objects.get(atr=atr)
    assert call.reason == "The mutation is still not in the record."
    atr.refresh_from_db()
    assert atr.outcome == AtrOutcome.CONFLICT


def test_an_unreachable_citizen_is_called_again_then_special_closed_under_haryana(world: World):
    atr = atr_on(world)
    client = signed_in("feedback")
    response = client.post(call_page(atr), {"outcome": "unreachable", "comments": "No answer"})
    assert response.status_code == 302
    atr.refresh_from_db()
    assert atr.feedback_attempts == 1
    assert atr.outcome == AtrOutcome.AWAITING
    assert atr.next_call_at is not None and atr.next_call_at > timezone.now()
    assert grievance_of(atr).status == Status.ATR_SUBMITTED
    queue = client.get(QUEUE).text
    assert f'data-atr="{atr.pk}"' not in queue  # not due again yet
    assert 'data-later="1"' in queue
    assert "attempt 1" in queue  # the success message

    # The call page still opens (the citizen may call back), and says when it is due.
    page = client.get(call_page(atr)).text
    assert 'data-testid="not-due"' in page
    assert 'data-feedback="unreachable"' in page

    # Before the next call is due, another "not reachable" is a double submission.
    early = client.post(call_page(atr), {"outcome": "unreachable"})
    assert "The next call to this citizen is due at" in early.text
    atr.refresh_from_db()
    assert atr.feedback_attempts == 1

    for _attempt in (2, 3):
        time_passes_until_the_next_call(atr)
        assert client.post(call_page(atr), {"outcome": "unreachable"}).status_code == 302
    atr.refresh_from_db()
    assert atr.feedback_attempts == 3
    assert atr.outcome == AtrOutcome.UNREACHABLE
    grievance = grievance_of(atr)
    assert grievance.status == Status.SPECIAL_CLOSED
    assert SpecialClose.objects.get(grievance=grievance).reason_code == "citizen_not_traceable"
    assert FeedbackCall.objects.filter(atr=atr, outcome="unreachable").count() == 3


def time_passes_until_the_next_call(atr: ActionTakenReport) -> None:
    """The retry falls due: the agent comes back to the citizen at the scheduled time."""
    ActionTakenReport.objects.filter(pk=atr.pk, next_call_at__isnull=False).update(
        next_call_at=timezone.now() - timedelta(minutes=1)
    )


@pytest.fixture
def west_bengal(settings):
    settings.NIVARAN_PROFILE = "west_bengal"
    load_profile.cache_clear()
    yield
    load_profile.cache_clear()


def test_under_west_bengal_unreachable_closes_and_not_satisfied_reopens(west_bengal, world: World):
    client = signed_in("feedback")
    unreachable = atr_on(world, mobile="9876500001")
    for _attempt in range(3):
        time_passes_until_the_next_call(unreachable)
        assert client.post(call_page(unreachable), {"outcome": "unreachable"}).status_code == 302
    assert grievance_of(unreachable).status == Status.CLOSED
    assert not SpecialClose.objects.exists()

    disputed = atr_on(world, mobile="9876500002")
    response = client.post(call_page(disputed), {"outcome": "not_satisfied", "reason": "Not done"})
    assert response.status_code == 302
    assert grievance_of(disputed).status == Status.REOPENED


def test_a_stale_atr_says_so_and_takes_nothing(world: World):
    atr = atr_on(world)
    client = signed_in("feedback")
    client.post(call_page(atr), {"outcome": "satisfied"})
    page = client.get(call_page(atr))
    assert page.status_code == 200
    assert 'data-testid="stale"' in page.text
    assert 'data-testid="feedback-form"' not in page.text
    assert "Citizen satisfied" in page.text

    # A second agent's form, opened before the first saved.
    response = client.post(call_page(atr), {"outcome": "not_satisfied", "reason": "x"}, follow=True)
    assert response.status_code == 200
    assert "already been answered" in response.text
    assert FeedbackCall.objects.filter(atr=atr).count() == 1
    assert grievance_of(atr).status == Status.CLOSED


def test_an_older_atr_does_not_take_feedback_meant_for_a_newer_one(world: World):
    atr = atr_on(world)
    client = signed_in("feedback")
    client.post(call_page(atr), {"outcome": "not_satisfied", "reason": "Not done"})
    grievance = grievance_of(atr)
    # The secretary clarifies, the officer submits a fresh ATR.
    grievance_act(
        grievance_id=grievance.pk,
        actor=world["secretary"],
        action="clarify_conflict",
        data={"clarification": "Enter the mutation and send a copy."},
    )
    grievance_act(
        grievance_id=grievance.pk,
        actor=world["officer_l1"],
        action="submit_atr",
        data={
            "summary": "Entered now.",
            "resolution_type": "resolved",
            "acknowledged_feedback": list(
                FeedbackCall.objects.filter(grievance=grievance).values_list("id", flat=True)
            ),
        },
    )
    newer = ActionTakenReport.objects.filter(grievance=grievance).latest("id")
    assert newer.pk != atr.pk
    client.post(call_page(atr), {"outcome": "satisfied"})
    assert grievance_of(atr).status == Status.ATR_SUBMITTED
    page = client.get(call_page(newer)).text
    assert 'data-testid="feedback-form"' in page
    assert "Not done" in page  # the earlier feedback, on the earlier ATR
    assert "On an earlier ATR" in page


def test_an_unknown_atr_is_404(world: World):
    assert signed_in("feedback").get(f"{QUEUE}999999/").status_code == 404


def test_the_doors_refusal_is_flashed_and_nothing_is_saved(world: World):
    atr = atr_on(world)
    response = signed_in("feedback").post(call_page(atr), {"outcome": "maybe", "comments": "Hmm"})
    assert response.status_code == 200
    assert "alert-danger" in response.text
    assert "Choose one of the listed options." in response.text
    assert "Hmm" in response.text
    assert not FeedbackCall.objects.exists()
