from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nivaran.grievances.models import Grievance, GrievanceEvent, Status
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
    assert len(thirty) == len(one) <= 12


def test_the_officer_sees_a_form_for_each_allowed_action_only(world: World):
    grievance = world.register()
    html = signed_in("officer_l1").get(page_of(grievance)).text
    # special close is for the levels the profile allows (L3/L4 in Haryana's), not L1
    assert action_buttons(html) == {"interim_reply", "submit_atr", "reject"}
    assert "record_feedback" not in html
    assert 'name="summary"' in html and 'name="resolution_type"' in html
    assert 'type="date"' in html  # interim reply's expected_by
    hod = signed_in("hod").get(page_of(grievance)).text
    assert action_buttons(hod) == {"interim_reply", "submit_atr", "reject", "special_close"}
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
    assert 'name="satisfied"' in after


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
        if transition.reach == "system":
            continue
        assert action in ACTION_FORMS, action
        assert set(ACTION_FORMS[action]().fields) == set(transition.inputs().fields), action


def test_an_action_without_its_own_form_gets_one_from_its_serializer(monkeypatch):
    for base in ("record_feedback", "submit_atr", "interim_reply"):
        name = f"new_{base}"
        monkeypatch.setitem(BY_ACTION, name, replace(BY_ACTION[base], action=name))
        form = action_form(name)
        assert set(form.fields) == set(BY_ACTION[base].inputs().fields)
        assert f'id="id_{name}_' in form.as_div()
    html = action_form("new_record_feedback").as_div()
    assert 'type="radio"' in html and 'value="true"' in html
    assert "<select" in action_form("new_submit_atr").as_div()
    assert 'type="date"' in action_form("new_interim_reply").as_div()


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
