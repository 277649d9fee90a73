"""Guessing passwords: the token endpoint, the officer sign-in and the Django admin lock an
account after 5 wrong passwords, and an address after 20, whoever's they were."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from nivaran.testing.world import PASSWORD, World

TOKEN = "/api/v1/auth/token/"
LOGIN = "/login/"
ADMIN_LOGIN = "/admin/login/"
ATTACKER = "203.0.113.7"
LOCKED = "Too many failed sign-in attempts"


def token(api: APIClient, username: str, password: str):
    return api.post(TOKEN, {"username": username, "password": password}, format="json")


def test_a_hundred_guesses_at_the_token_endpoint_are_stopped_after_five(world: World):
    api = APIClient(REMOTE_ADDR=ATTACKER)
    answers = [token(api, "officer_l1", f"guess-{i}") for i in range(100)]
    # Four wrong answers; the fifth wrong password locks the account and is told so.
    assert [a.status_code for a in answers[:4]] == [400] * 4
    assert {a.status_code for a in answers[4:]} == {429}
    locked = answers[-1]
    assert locked.json()["code"] == "signin_locked"
    assert LOCKED in locked.json()["detail"]
    assert 0 < int(locked["Retry-After"]) <= 15 * 60
    # The right password, even from elsewhere, does not open a locked account.
    elsewhere = APIClient(REMOTE_ADDR="198.51.100.20")
    assert token(elsewhere, "officer_l1", PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        answer = token(elsewhere, "officer_l1", PASSWORD)
        assert answer.status_code == 200 and answer.json()["token"]


def test_guesses_spread_over_accounts_lock_the_address(world: World):
    api = APIClient(REMOTE_ADDR=ATTACKER)
    users = ["officer_l1", "officer_l2", "hod", "secretary", "nodal"]
    statuses = [  # four each: no account reaches its limit of five
        token(api, username, f"guess-{i}").status_code for username in users for i in range(4)
    ]
    assert statuses == [400] * 19 + [429]  # the twentieth locks the address
    # Another account, with its right password, from the same address: refused.
    answer = token(api, "telecaller", PASSWORD)
    assert answer.status_code == 429 and answer.json()["code"] == "signin_locked"
    page = Client(REMOTE_ADDR=ATTACKER).post(
        LOGIN, {"username": "telecaller", "password": PASSWORD}
    )
    assert page.status_code == 429
    # The same account from another address is not locked.
    assert token(APIClient(REMOTE_ADDR="198.51.100.20"), "telecaller", PASSWORD).status_code == 200
    out = StringIO()
    call_command("signin_unlock", "--address", ATTACKER, stdout=out)
    assert ATTACKER in out.getvalue()
    assert token(api, "telecaller", PASSWORD).status_code == 200


def test_the_right_password_starts_the_accounts_count_again(world: World):
    api = APIClient(REMOTE_ADDR=ATTACKER)
    for i in range(4):
        token(api, "officer_l1", f"guess-{i}")
    assert token(api, "officer_l1", PASSWORD).status_code == 200
    for i in range(4):
        assert token(api, "officer_l1", f"guess-{i}").status_code == 400


def test_the_officer_sign_in_shows_a_locked_page_until_an_administrator_unlocks(
    world: World, client: Client
):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    pages = [
        attacker.post(LOGIN, {"username": "officer_l1", "password": f"guess-{i}"})
        for i in range(20)
    ]
    assert [p.status_code for p in pages[:4]] == [200] * 4  # the form again, with its error
    assert all(p.status_code == 429 for p in pages[4:])
    assert LOCKED in pages[-1].content.decode()
    assert 'data-testid="signin-locked"' in pages[-1].content.decode()
    officer = Client(REMOTE_ADDR="198.51.100.20")
    refused = officer.post(LOGIN, {"username": "officer_l1", "password": PASSWORD})
    assert refused.status_code == 429
    assert "_auth_user_id" not in officer.session

    admin_user = world["admin"]
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    client.post(
        "/admin/accounts/user/",
        {"action": "unlock_signin", "_selected_action": [world["officer_l1"].pk]},
    )
    signed_in = officer.post(LOGIN, {"username": "officer_l1", "password": PASSWORD})
    assert signed_in.status_code == 302
    assert officer.session["_auth_user_id"] == str(world["officer_l1"].pk)


def test_the_admin_sign_in_is_locked_too(world: World):
    admin_user = world["admin"]
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for i in range(5):
        attacker.post(ADMIN_LOGIN, {"username": "admin", "password": f"guess-{i}"})
    page = attacker.post(ADMIN_LOGIN, {"username": "admin", "password": PASSWORD})
    assert LOCKED in page.content.decode()
    assert "_auth_user_id" not in attacker.session
    call_command("signin_unlock", "--user", "admin", "--address", ATTACKER, stdout=StringIO())
    page = attacker.post(ADMIN_LOGIN, {"username": "admin", "password": PASSWORD})
    assert page.status_code == 302
    assert attacker.session["_auth_user_id"] == str(admin_user.pk)


def test_the_command_needs_something_to_unlock(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("signin_unlock", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("signin_unlock", "--address", "not-an-ip", stdout=StringIO())


def test_check_deploy_warns_about_a_per_process_cache(settings, tmp_path):
    from django.core.checks import run_checks

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert "nivaran.W001" in {m.id for m in run_checks(include_deployment_checks=True)}
    settings.CACHES = {  # shared by processes (Redis in production)
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    assert "nivaran.W001" not in {m.id for m in run_checks(include_deployment_checks=True)}
