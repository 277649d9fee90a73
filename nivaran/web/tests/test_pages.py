from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers

from nivaran.grievances.models import (
    ActionTakenReport,
    AtrDocument,
    FeedbackCall,
    Grievance,
    GrievanceEvent,
    SpecialClose,
    Status,
)
from nivaran.grievances.workflow import BY_ACTION, grievance_act
from nivaran.testing.world import PASSWORD, World
from nivaran.web.forms import ACTION_FORMS, action_form

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def action_buttons(html: str) -> set[str]:
    return set(re.findall(r'data-action="(\w+)"', html))


def number(grievance: Grievance) -> str:
    assert grievance.number
    return grievance.number


def page_of(grievance: Grievance) -> str:
    return f"/grievances/{grievance.number}/"


def test_login_page_signs_in_and_goes_to_the_inbox(world: World):
    client = Client()
    page = client.get("/login/")
    assert page.status_code == 200
    assert b'name="username"' in page.content
    response = client.post("/login/", {"username": "officer_l1", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    inbox = client.get("/")
    assert inbox.status_code == 200
    assert "Officer_L1" in inbox.text
    assert "Officer" in inbox.text  # the role


def test_a_wrong_password_stays_on_the_login_page(world: World):
    response = Client().post("/login/", {"username": "officer_l1", "password": "wrong"})
    assert response.status_code == 200
    assert "alert-danger" in response.text


def test_pages_need_a_login(world: World):
    grievance = world.register()
    for url in ("/", page_of(grievance)):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_logout_is_a_post(world: World):
    client = signed_in("officer_l1")
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_the_inbox_lists_my_grievance(world: World):
    grievance = world.register()
    response = signed_in("officer_l1").get("/")
    assert response.status_code == 200
    assert f'data-number="{grievance.number}"' in response.text
    assert "Mutation pending" in response.text
    assert 'data-count="mine">1<' in response.text


def test_an_officer_outside_the_jurisdiction_neither_sees_nor_opens_it(world: World):
    grievance = world.register()
    client = signed_in("other_l1")
    for tab in ("mine", "overdue", "all"):
        response = client.get("/", {"tab": tab})
        assert number(grievance) not in response.text
    page = client.get(page_of(grievance))
    assert page.status_code == 403
    assert "outside your role or jurisdiction" in page.text
    assert "Send interim reply" not in page.text


def test_an_unknown_grievance_is_404(world: World):
    assert signed_in("officer_l1").get("/grievances/HR2600000000/").status_code == 404


def test_the_tabs_and_filters(world: World):
    now = timezone.now()
    late = world.register(at=now - timedelta(days=60))
    fresh = world.register(mobile="9876500000")
    client = signed_in("officer_l1")

    overdue = client.get("/", {"tab": "overdue"}).text
    assert number(late) in overdue and number(fresh) not in overdue
    assert 'data-count="overdue">1<' in overdue
    assert "text-bg-danger" in overdue

    mine = client.get("/", {"tab": "mine"}).text
    assert number(late) in mine and number(fresh) in mine

    assert number(fresh) not in client.get("/", {"tab": "mine", "level": "2"}).text
    assert number(fresh) in client.get("/", {"tab": "mine", "level": "1"}).text
    assert number(fresh) not in client.get("/", {"tab": "all", "status": "closed"}).text
    assert number(fresh) in client.get("/", {"tab": "all", "status": "open"}).text
    # Nonsense in the query string is ignored, not an error.
    assert client.get("/", {"tab": "x", "level": "9", "page": "z"}).status_code == 200


def test_my_queue_holds_what_still_waits_on_me(world: World):
    waiting = world.register()
    answered = world.register(mobile="9876500000")
    grievance_act(
        grievance_id=answered.pk,
        actor=world["officer_l1"],
        action="submit_atr",
        data={"summary": "Done."},
    )
    client = signed_in("officer_l1")
    mine = client.get("/").text
    assert number(waiting) in mine and number(answered) not in mine
    assert 'data-count="mine">1<' in mine
    atr = client.get("/", {"tab": "mine", "status": "atr_submitted"}).text
    assert number(answered) in atr and number(waiting) not in atr
    assert number(answered) in client.get("/", {"tab": "all"}).text


def test_the_inbox_is_paginated_by_25(world: World):
    for n in range(30):
        world.register(mobile=f"98765{n:05d}")
    client = signed_in("officer_l1")
    first = client.get("/", {"tab": "mine"}).text
    second = client.get("/", {"tab": "mine", "page": "2"}).text
    # Each grievance is listed twice: in the table and in the narrow-screen cards.
    assert first.count("<tr data-number=") == 25
    assert second.count("<tr data-number=") == 5
    assert 'data-count="mine">30<' in first
    assert "page=2" in first and "tab=mine" in first


def test_the_inbox_makes_a_constant_number_of_queries(world: World, django_assert_max_num_queries):
    world.register()
    client = signed_in("officer_l1")
    client.get("/")  # warm the session and the caches
    with CaptureQueriesContext(connection) as one:
        client.get("/", {"tab": "all"})
    for n in range(29):
        world.register(mobile=f"98765{n:05d}", emergency=n % 5 == 0)
    with django_assert_max_num_queries(len(one)) as thirty:
        response = client.get("/", {"tab": "all"})
    assert response.text.count("<tr data-number=") == 25
    # Two of them for an officer's "ATRs from my juniors" count (their posts, the count);
    # three for the rows' types, departments and areas, which a request outside a test's
    # transaction takes from the process's copies (grievances.master) instead.
    assert len(thirty) == len(one) <= 17


def test_the_officer_sees_a_form_for_each_allowed_action_only(world: World):
    grievance = world.register()
    html = signed_in("officer_l1").get(page_of(grievance)).text
    # special close is for the levels the profile allows (L3/L4 in Haryana's), not L1
    # transfer and merge: any officer of its chain (M2, M5)
    assert action_buttons(html) == {"interim_reply", "submit_atr", "reject", "transfer", "merge"}
    assert "record_feedback" not in html
    assert 'name="summary"' in html and 'name="resolution_type"' in html
    assert 'type="date"' in html  # interim reply's expected_by
    hod = signed_in("hod").get(page_of(grievance)).text
    assert action_buttons(hod) == {
        "interim_reply",
        "submit_atr",
        "reject",
        "special_close",
        "transfer",
        "merge",
    }
    assert 'name="reason_code"' in hod and "Matter is sub-judice in a court" in hod


def test_the_feedback_agent_records_feedback_only_after_an_atr(world: World):
    grievance = world.register()
    client = signed_in("feedback")
    before = client.get(page_of(grievance)).text
    assert action_buttons(before) == set()
    assert 'data-testid="no-actions"' in before
    grievance_act(
        grievance_id=grievance.pk,
        actor=world["officer_l1"],
        action="submit_atr",
        data={"summary": "Mutation entered in the register."},
    )
    after = client.get(page_of(grievance)).text
    assert action_buttons(after) == {"record_feedback"}
    assert 'name="outcome"' in after and 'value="not_satisfied"' in after
    assert 'name="recording_ref"' in after


def test_submitting_an_atr_from_the_page(world: World):
    grievance = world.register()
    client = signed_in("officer_l1")
    response = client.post(
        f"{page_of(grievance)}actions/submit_atr/",
        {"summary": "Mutation entered in the register.", "resolution_type": "resolved"},
    )
    assert response.status_code == 302
    assert response["Location"] == page_of(grievance)
    grievance.refresh_from_db()
    assert grievance.status == Status.ATR_SUBMITTED

    page = client.get(page_of(grievance)).text
    assert "alert-success" in page
    assert 'data-testid="status">ATR submitted<' in page
    assert 'data-event="submit_atr"' in page
    assert "Mutation entered in the register." in page
    assert action_buttons(page) == set()


def test_an_action_not_allowed_now_shows_the_error_and_changes_nothing(world: World):
    grievance = world.register()
    grievance_act(
        grievance_id=grievance.pk,
        actor=world["officer_l1"],
        action="submit_atr",
        data={"summary": "Done."},
    )
    events = GrievanceEvent.objects.filter(grievance=grievance).count()
    client = signed_in("officer_l1")
    response = client.post(
        f"{page_of(grievance)}actions/submit_atr/", {"summary": "Again."}, follow=True
    )
    assert response.status_code == 200
    assert "alert-danger" in response.text
    assert "not allowed in the grievance&#x27;s present state" in response.text
    grievance.refresh_from_db()
    assert grievance.status == Status.ATR_SUBMITTED
    assert GrievanceEvent.objects.filter(grievance=grievance).count() == events


def test_a_role_without_the_action_is_refused_with_a_message(world: World):
    grievance = world.register()
    response = signed_in("officer_l1").post(
        f"{page_of(grievance)}actions/record_feedback/", {"satisfied": "true"}, follow=True
    )
    assert "Your role or jurisdiction does not allow this." in response.text
    grievance.refresh_from_db()
    assert grievance.status == Status.OPEN


def test_invalid_inputs_are_listed_and_kept_for_the_retry(world: World):
    grievance = world.register()
    response = signed_in("officer_l1").post(
        f"{page_of(grievance)}actions/submit_atr/",
        {"summary": "Half of the work is done.", "resolution_type": "bogus"},
        follow=True,
    )
    assert "Resolution type" in response.text
    assert "Choose one of the listed options." in response.text
    assert "Half of the work is done.</textarea>" in response.text
    assert 'id="action-submit_atr" class="accordion-collapse collapse show"' in response.text
    grievance.refresh_from_db()
    assert grievance.status == Status.OPEN


def test_a_missing_required_input_is_reported(world: World):
    grievance = world.register()
    response = signed_in("officer_l1").post(
        f"{page_of(grievance)}actions/reject/", {"reason": "   "}, follow=True
    )
    assert "This field is required." in response.text
    grievance.refresh_from_db()
    assert grievance.status == Status.OPEN


def test_special_close_below_the_allowed_level_is_refused(world: World):
    grievance = world.register()
    response = signed_in("officer_l1").post(
        f"{page_of(grievance)}actions/special_close/",
        {"reason": "Duplicate.", "reason_code": "duplicate"},
        follow=True,
    )
    assert "Only officers at levels" in response.text
    grievance.refresh_from_db()
    assert grievance.status == Status.OPEN


def test_an_action_on_a_grievance_out_of_jurisdiction_is_403(world: World):
    grievance = world.register()
    response = signed_in("other_l1").post(
        f"{page_of(grievance)}actions/submit_atr/", {"summary": "Not mine."}
    )
    assert response.status_code == 403
    grievance.refresh_from_db()
    assert grievance.status == Status.OPEN


def test_an_unknown_action_is_a_message(world: World):
    grievance = world.register()
    response = signed_in("officer_l1").post(f"{page_of(grievance)}actions/teleport/", follow=True)
    assert "There is no such action." in response.text


def test_the_hindi_pages(world: World):
    grievance = world.register()
    client = signed_in("officer_l1")
    inbox = client.get("/hi/")
    assert inbox.status_code == 200
    assert '<html lang="hi">' in inbox.text
    assert "निवारण" in inbox.text
    assert "मुझे सौंपी गई" in inbox.text
    assert "इंतकाल लंबित" in inbox.text  # the category's Hindi name
    page = client.get(f"/hi{page_of(grievance)}").text
    assert "कार्रवाई रिपोर्ट" in page
    assert "अंतरिम उत्तर" in page
    assert "राजस्व" in page  # the department's Hindi name
    hod_page = signed_in("hod").get(f"/hi{page_of(grievance)}").text
    assert "मामला न्यायालय में विचाराधीन" in hod_page  # a special-close reason in Hindi
    english = client.get("/").text
    assert '<html lang="en">' in english and "निवारण" not in english


def test_the_language_switcher_moves_between_the_urls(world: World):
    grievance = world.register()
    client = signed_in("officer_l1")
    english = client.get(page_of(grievance)).text
    assert f'name="next" value="{page_of(grievance)}"' in english
    response = client.post("/i18n/setlang/", {"language": "hi", "next": page_of(grievance)})
    assert response.status_code == 302
    assert response["Location"] == f"/hi{page_of(grievance)}"
    hindi = client.get(response["Location"]).text
    # The switcher posts the unprefixed path, which Django can translate either way.
    assert f'name="next" value="{page_of(grievance)}"' in hindi
    back = client.post("/i18n/setlang/", {"language": "en", "next": page_of(grievance)})
    assert back["Location"] == page_of(grievance)


def test_an_action_from_the_hindi_page_answers_in_hindi(world: World):
    grievance = world.register()
    client = signed_in("officer_l1")
    response = client.post(
        f"/hi{page_of(grievance)}actions/submit_atr/", {"summary": "काम पूरा हुआ।"}, follow=True
    )
    assert response.redirect_chain == [(f"/hi{page_of(grievance)}", 302)]
    assert "एटीआर प्रस्तुत। शिकायत की वर्तमान स्थिति: एटीआर प्रस्तुत।" in response.text
    again = client.post(
        f"/hi{page_of(grievance)}actions/submit_atr/", {"summary": "फिर से।"}, follow=True
    )
    assert "शिकायत की वर्तमान स्थिति में यह कार्रवाई अनुमत नहीं है।" in again.text


def test_each_action_form_has_its_serializers_fields():
    for action, transition in BY_ACTION.items():
        if transition.reach == "system" or not transition.offered:
            continue
        assert action in ACTION_FORMS, action
        form = ACTION_FORMS[action]
        serializer = transition.inputs().fields
        # A form may leave out a declared optional input, which the door then defaults.
        assert form.omitted <= set(serializer), action
        assert not any(serializer[name].required for name in form.omitted), action
        assert set(form().fields) == set(serializer) - form.omitted, action


def test_an_action_without_its_own_form_gets_one_from_its_serializer(monkeypatch):
    for base in ("record_feedback", "submit_atr", "interim_reply", "review_special_close"):
        name = f"new_{base}"
        monkeypatch.setitem(BY_ACTION, name, replace(BY_ACTION[base], action=name))
        form = action_form(name)
        assert set(form.fields) == set(BY_ACTION[base].inputs().fields)
        assert f'id="id_{name}_' in form.as_div()
    feedback = action_form("new_record_feedback").as_div()
    assert "<select" in feedback and 'value="not_satisfied"' in feedback
    atr = action_form("new_submit_atr")
    assert atr.multipart and 'type="file"' in atr.as_div() and "multiple" in atr.as_div()
    assert 'type="date"' in action_form("new_interim_reply").as_div()

    class YesNo(serializers.Serializer[dict[str, object]]):
        urgent = serializers.BooleanField()

    monkeypatch.setitem(BY_ACTION, "new_yes_no", replace(BY_ACTION["reject"], inputs=YesNo))
    html = action_form("new_yes_no").as_div()
    assert 'type="radio"' in html and 'value="true"' in html


def test_emergencies_have_their_own_queue(world: World):
    urgent = world.register(emergency=True)
    world.register()
    client = signed_in("officer_l1")
    page = client.get("/", {"tab": "emergency"}).text
    assert page.count("<tr data-number=") == 1
    assert f'data-number="{urgent.number}"' in page


def test_officers_see_the_citizens_attachments_and_location_others_do_not(world: World):
    from datetime import datetime

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from nivaran.portal.models import Attachment, GrievanceLocation

    grievance = world.register()
    name = default_storage.save("portal/test-photo.png", ContentFile(b"\x89PNG\r\n\x1a\nfake"))
    item = Attachment.objects.create(
        grievance=grievance,
        file=name,
        content_type="image/png",
        size=12,
        uploaded_at=datetime.now().astimezone(),
    )
    GrievanceLocation.objects.create(grievance=grievance, latitude="30.378", longitude="76.776")
    officer = signed_in("officer_l1")
    page = officer.get(page_of(grievance)).text
    assert 'data-testid="evidence"' in page and "30.378" in page
    response = officer.get(f"{page_of(grievance)}attachments/{item.pk}/")
    assert response.status_code == 200
    assert response.content.startswith(b"\x89PNG")
    assert response["X-Content-Type-Options"] == "nosniff"
    outsider = signed_in("other_l1").get(f"{page_of(grievance)}attachments/{item.pk}/")
    assert outsider.status_code == 403
    default_storage.delete(name)


# --- the resolution-quality loop: feedback, ATRs, conflicts, special-close review ---------


def act(world: World, grievance: Grievance, username: str, action: str, **data: object) -> None:
    grievance_act(grievance_id=grievance.pk, actor=world[username], action=action, data=data)


def disputed_and_back(world: World) -> tuple[Grievance, FeedbackCall]:
    """An ATR the citizen disputed (a conflict, H7), clarified back to officer_l1."""
    grievance = world.register()
    act(world, grievance, "officer_l1", "submit_atr", summary="Mutation entered.")
    act(
        world,
        grievance,
        "feedback",
        "record_feedback",
        outcome="not_satisfied",
        reason="The record still shows the old owner.",
        recording_ref="REC-2026-0042",
        comments="Citizen was polite but firm.",
    )
    grievance.refresh_from_db()
    assert grievance.status == Status.CONFLICT
    act(world, grievance, "secretary", "clarify_conflict", clarification="Correct the record.")
    grievance.refresh_from_db()
    assert grievance.status == Status.REOPENED and grievance.assigned_to == world["officer_l1"]
    call = FeedbackCall.objects.get(grievance=grievance)
    return grievance, call


def test_the_atr_form_lists_each_earlier_feedback_to_acknowledge(world: World):
    grievance, call = disputed_and_back(world)
    page = signed_in("officer_l1").get(page_of(grievance)).text
    assert 'data-action-form="submit_atr" enctype="multipart/form-data"' in page
    assert 'data-testid="acknowledge-feedback"' in page
    checkbox = re.search(r'<input[^>]*name="acknowledged_feedback"[^>]*>', page)
    assert checkbox is not None
    assert f'value="{call.pk}"' in checkbox.group(0) and "required" in checkbox.group(0)
    for shown in ("The record still shows the old owner.", "REC-2026-0042", "Citizen was polite"):
        # in the form, the "Citizen's feedback" section (and the history's note)
        assert page.count(shown) >= 2
    assert 'name="documents"' in page and "multiple" in page and 'name="reason"' in page


def test_an_atr_that_does_not_acknowledge_the_feedback_is_refused_and_kept(world: World):
    grievance, call = disputed_and_back(world)
    client = signed_in("officer_l1")
    url = f"{page_of(grievance)}actions/submit_atr/"
    refused = client.post(url, {"summary": "Record corrected.", "acknowledged_feedback": ""})
    assert refused.status_code == 302
    page = client.get(page_of(grievance)).text
    assert "alert-danger" in page and f"Not acknowledged: feedback {call.pk}." in page
    assert "Record corrected.</textarea>" in page  # the draft is kept
    grievance.refresh_from_db()
    assert grievance.status == Status.REOPENED
    assert ActionTakenReport.objects.filter(grievance=grievance).count() == 1

    client.post(url, {"summary": "Record corrected.", "acknowledged_feedback": [str(call.pk)]})
    grievance.refresh_from_db()
    assert grievance.status == Status.ATR_SUBMITTED
    atr = ActionTakenReport.objects.filter(grievance=grievance).latest("id")
    assert atr.acknowledged_feedback == [call.pk]
    event = GrievanceEvent.objects.filter(grievance=grievance, action="submit_atr").latest("id")
    assert event.data["acknowledged_feedback"] == [call.pk]
    page = client.get(page_of(grievance)).text
    assert 'data-testid="acknowledged"' in page


def test_an_atr_with_its_reason_and_documents_from_the_page(world: World):
    grievance = world.register()
    client = signed_in("officer_l1")
    url = f"{page_of(grievance)}actions/submit_atr/"
    pdf = b"%PDF-1.4 a survey report"
    png = b"\x89PNG\r\n\x1a\nnot really an image"

    def documents() -> list[SimpleUploadedFile]:
        return [
            SimpleUploadedFile("survey.pdf", pdf, content_type="application/pdf"),
            SimpleUploadedFile("site.png", png, content_type="image/png"),
        ]

    no_reason = client.post(
        url,
        {"summary": "Not possible.", "resolution_type": "not_feasible", "documents": documents()},
        follow=True,
    ).text
    assert "alert-danger" in no_reason and "<strong>Reason</strong>:" in no_reason
    grievance.refresh_from_db()
    assert grievance.status == Status.OPEN

    fake = SimpleUploadedFile("notes.pdf", b"hello", content_type="application/pdf")
    bad = client.post(url, {"summary": "Done.", "documents": [fake]}, follow=True).text
    assert "not a real JPG, PNG or PDF" in bad
    assert not AtrDocument.objects.exists()

    client.post(
        url,
        {
            "summary": "Land is under litigation.",
            "resolution_type": "not_feasible",
            "reason": "Stay order of the civil court.",
            "documents": documents(),
        },
    )
    grievance.refresh_from_db()
    assert grievance.status == Status.ATR_SUBMITTED
    atr = ActionTakenReport.objects.get(grievance=grievance)
    assert atr.resolution_type == "not_feasible" and atr.reason == "Stay order of the civil court."
    stored = {d.original_name: d for d in atr.documents.all()}
    assert set(stored) == {"survey.pdf", "site.png"}

    for username in ("officer_l1", "officer_l2", "secretary", "feedback"):
        page = signed_in(username).get(page_of(grievance)).text
        assert 'data-testid="atrs"' in page and "Stay order of the civil court." in page
        assert f'data-atr-document="{stored["survey.pdf"].pk}"' in page
    download = client.get(f"{page_of(grievance)}atr-documents/{stored['survey.pdf'].pk}/")
    assert download.status_code == 200 and download.content == pdf
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert 'filename="survey.pdf"' in download["Content-Disposition"]
    outsider = signed_in("other_l1").get(
        f"{page_of(grievance)}atr-documents/{stored['survey.pdf'].pk}/"
    )
    assert outsider.status_code == 403
    other = world.register(mobile="9876500000")
    # A document is served only under its own grievance.
    elsewhere = client.get(f"{page_of(other)}atr-documents/{stored['survey.pdf'].pk}/")
    assert elsewhere.status_code == 404
    for document in stored.values():
        document.file.delete(save=False)


def test_feedback_recorded_from_the_page_goes_to_the_secretary_as_a_conflict(world: World):
    grievance = world.register()
    act(world, grievance, "officer_l1", "submit_atr", summary="Mutation entered.")
    agent = signed_in("feedback")
    url = f"{page_of(grievance)}actions/record_feedback/"
    missing = agent.post(url, {"outcome": "not_satisfied", "reason": " "}, follow=True).text
    assert "alert-danger" in missing and "<strong>The citizen&#x27;s reason</strong>:" in missing
    assert not FeedbackCall.objects.exists()

    agent.post(
        url,
        {
            "outcome": "not_satisfied",
            "reason": "Nothing has changed.",
            "recording_ref": "",
            "comments": "",
        },
    )
    grievance.refresh_from_db()
    assert grievance.status == Status.CONFLICT
    call = FeedbackCall.objects.get(grievance=grievance)
    assert (call.channel, call.outcome, call.taken_by) == (
        "call",
        "not_satisfied",
        world["feedback"],
    )

    secretary = signed_in("secretary")
    inbox = secretary.get("/").text
    assert f'data-number="{grievance.number}"' in inbox
    page = secretary.get(page_of(grievance)).text
    assert "clarify_conflict" in action_buttons(page)
    assert 'data-testid="feedback"' in page and "Nothing has changed." in page
    assert 'name="send_to_level"' in page and "The level of the disputed ATR" in page
    secretary.post(
        f"{page_of(grievance)}actions/clarify_conflict/",
        {"clarification": "Visit the site and correct the record.", "send_to_level": "2"},
    )
    grievance.refresh_from_db()
    assert grievance.status == Status.REOPENED
    assert (grievance.level, grievance.assigned_to) == (2, world["officer_l2"])


def test_the_atrs_of_my_juniors_have_their_own_tab(world: World):
    grievance = world.register()
    world.register(mobile="9876500000")
    act(world, grievance, "officer_l1", "submit_atr", summary="Mutation entered.")
    senior = signed_in("officer_l2")
    inbox = senior.get("/").text
    assert 'data-tab="atrs"' in inbox and 'data-count="atrs">1<' in inbox
    tab = senior.get("/", {"tab": "atrs"}).text
    assert 'data-testid="junior-atrs"' in tab
    assert f'href="/grievances/{grievance.number}/"' in tab
    assert "Officer_L1" in tab and "Resolved" in tab and "Awaiting the citizen" in tab
    assert 'data-count="atrs">0<' in signed_in("officer_l1").get("/").text
    assert 'data-tab="atrs"' not in signed_in("feedback").get("/", {"tab": "atrs"}).text


def special_closed(world: World, code: str = "duplicate", **extra: object) -> Grievance:
    grievance = world.register(**extra)
    act(world, grievance, "hod", "special_close", reason_code=code, reason="Same as HR-1.")
    grievance.refresh_from_db()
    assert grievance.status == Status.SPECIAL_CLOSED
    return grievance


def test_special_close_needs_its_ground(world: World):
    grievance = world.register()
    response = signed_in("hod").post(
        f"{page_of(grievance)}actions/special_close/", {"reason": "Duplicate."}, follow=True
    )
    assert "Ground for special close" in response.text
    assert "This field is required." in response.text
    grievance.refresh_from_db()
    assert grievance.status == Status.OPEN


def test_the_reviewer_confirms_and_reverts_special_closes(world: World):
    confirmed = special_closed(world)
    reverted = special_closed(world, "sub_judice", mobile="9876500000")
    secretary = signed_in("secretary")
    assert 'href="/reviews/special-closes/"' in secretary.get("/").text
    page = secretary.get("/reviews/special-closes/")
    assert page.status_code == 200
    assert 'data-count="queue">2<' in page.text
    assert "Duplicate of an earlier grievance" in page.text
    assert "Matter is sub-judice in a court" in page.text
    assert "Same as HR-1." in page.text and "Hod" in page.text

    back = secretary.post(
        f"{page_of(confirmed)}actions/review_special_close/",
        {"decision": "confirm", "next": "/reviews/special-closes/"},
    )
    assert back.status_code == 302 and back["Location"] == "/reviews/special-closes/"
    assert SpecialClose.objects.get(grievance=confirmed).review == "confirmed"
    confirmed.refresh_from_db()
    assert confirmed.status == Status.SPECIAL_CLOSED

    url = f"{page_of(reverted)}actions/review_special_close/"
    no_note = secretary.post(
        url, {"decision": "revert", "note": "", "next": "/reviews/special-closes/"}, follow=True
    )
    assert no_note.redirect_chain[-1][0] == "/reviews/special-closes/"
    assert "alert-danger" in no_note.text and "<strong>Note</strong>:" in no_note.text
    assert SpecialClose.objects.get(grievance=reverted).review == "pending"
    secretary.post(url, {"decision": "revert", "note": "The case was decided last year."})
    reverted.refresh_from_db()
    assert reverted.status == Status.REOPENED and reverted.level == 1  # where it was closed
    assert SpecialClose.objects.get(grievance=reverted).review == "reverted"

    after = secretary.get("/reviews/special-closes/").text
    assert 'data-count="queue">0<' in after
    row = re.search(r'<tr data-row="REV">.*?</tr>', after, re.S)
    assert row is not None
    assert 'data-field="special_closes">2<' in row.group(0)
    assert 'data-field="share">100%<' in row.group(0)
    assert '<tr data-row="hod">' in after
    history = secretary.get(page_of(reverted)).text
    assert (
        'data-testid="special-closes"' in history and "The case was decided last year." in history
    )
    assert "Reverted" in history


def test_only_the_profiles_reviewer_opens_the_review_page(world: World):
    special_closed(world)
    for username in ("officer_l1", "hod", "cmo", "feedback"):
        client = signed_in(username)
        assert client.get("/reviews/special-closes/").status_code == 403, username
        assert 'href="/reviews/special-closes/"' not in client.get("/").text, username


def test_the_review_page_in_hindi(world: World):
    special_closed(world)
    page = signed_in("secretary").get("/hi/reviews/special-closes/").text
    assert "पूर्व शिकायत की पुनरावृत्ति" in page
    assert 'action="/hi/grievances/' in page


def test_an_action_goes_back_only_to_a_local_next(world: World):
    grievance = world.register()
    response = signed_in("officer_l1").post(
        f"{page_of(grievance)}actions/interim_reply/",
        {"message": "Survey on Monday.", "next": "https://evil.example/"},
    )
    assert response["Location"] == page_of(grievance)


def test_a_recall_from_the_page_sends_it_to_the_head_of_department(world: World):
    grievance = world.register()
    act(world, grievance, "officer_l1", "submit_atr", summary="Mutation entered.")
    cmo = signed_in("cmo")
    page = cmo.get(page_of(grievance)).text
    assert "recall" in action_buttons(page)
    assert 'name="reasons"' in page and 'type="hidden" name="visit"' in page
    cmo.post(f"{page_of(grievance)}actions/recall/", {"reasons": "No site visit.", "visit": ""})
    grievance.refresh_from_db()
    assert grievance.status == Status.REOPENED and grievance.level == 3
    assert ActionTakenReport.objects.get(grievance=grievance).outcome == "recalled"


def test_the_review_queue_comes_a_page_at_a_time(world: World, monkeypatch):
    from nivaran.web import views

    assert views.PAGE_SIZE == 25
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    closes = [special_closed(world, mobile=f"98765000{n:02d}") for n in range(3)]
    secretary = signed_in("secretary")
    first = secretary.get("/reviews/special-closes/").text
    on_first = [g.number for g in closes if f'href="/grievances/{g.number}/"' in first]
    assert on_first == [closes[0].number, closes[1].number]
    assert 'data-count="queue">3<' in first  # the whole queue, not the page
    assert "Page 1 of 2" in first and 'href="?page=2"' in first
    # The counts tables are not paged: all three special closes are counted.
    row = re.search(r'<tr data-row="REV">.*?</tr>', first, re.S)
    assert row is not None and 'data-field="special_closes">3<' in row.group(0)
    second = secretary.get("/reviews/special-closes/", {"page": "2"}).text
    assert [g.number for g in closes if f'href="/grievances/{g.number}/"' in second] == [
        closes[2].number
    ]
    # The review forms bring the reviewer back to the page they were on.
    assert 'name="next" value="/reviews/special-closes/?page=2"' in second
