"""The Django admin is no way around the OTP for an administrator's own mobile, and what
it changes on another user is audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from nivaran.accounts.models import ProfileChange, User
from nivaran.testing.world import World


def admin_client(world: World) -> tuple[Client, User]:
    admin_user = world["admin"]
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.mobile = "9000000099"
    admin_user.save()
    client = Client()
    client.force_login(admin_user)
    return client, admin_user


def change_form(user: User, **changes: Any) -> dict[str, Any]:
    body = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "role": user.role,
        "mobile": user.mobile,
        "preferred_language": user.preferred_language,
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "initial-date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "initial-date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    if user.is_staff:
        body["is_staff"] = "on"
    if user.is_superuser:
        body["is_superuser"] = "on"
    body.update(changes)
    return body


def test_an_admin_cannot_change_their_own_mobile_in_the_admin(world: World):
    client, me = admin_client(world)
    page = client.get(f"/admin/accounts/user/{me.pk}/change/").content.decode()
    assert 'name="mobile"' not in page  # shown read-only
    response = client.post(
        f"/admin/accounts/user/{me.pk}/change/", change_form(me, mobile="9123456780")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    me.refresh_from_db()
    assert me.mobile == "9000000099"
    assert not ProfileChange.objects.filter(field="mobile").exists()


def test_an_admin_changing_another_users_mobile_and_name_is_audited(world: World):
    client, me = admin_client(world)
    officer = world["officer_l1"]
    response = client.post(
        f"/admin/accounts/user/{officer.pk}/change/",
        change_form(officer, mobile="9123456780", first_name="Asha"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    officer.refresh_from_db()
    assert officer.mobile == "9123456780"
    rows = {
        (c.field, c.old, c.new, c.via, c.actor_id)
        for c in ProfileChange.objects.filter(user=officer)
    }
    assert rows == {
        ("mobile", "9000000001", "9123456780", "admin", me.pk),
        ("name", "Officer_L1", "Asha", "admin", me.pk),
    }
    audit = client.get("/admin/accounts/profilechange/").content.decode()
    assert "90xxxxxx01" in audit and "9000000001" not in audit


def test_the_audit_is_append_only(world: World):
    client, _me = admin_client(world)
    officer = world["officer_l1"]
    client.post(
        f"/admin/accounts/user/{officer.pk}/change/", change_form(officer, first_name="Asha")
    )
    row = ProfileChange.objects.get()
    assert client.post(f"/admin/accounts/profilechange/{row.pk}/delete/").status_code == 403
    row.new = "tampered"
    with pytest.raises(RuntimeError, match="append-only"):
        row.save()
    with pytest.raises(RuntimeError, match="append-only"):
        row.delete()
    assert ProfileChange.objects.get().new == "Asha"
