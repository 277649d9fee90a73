from __future__ import annotations

import pytest
from django.contrib import admin

pytestmark = pytest.mark.django_db


def test_every_admin_page_opens_and_grievances_are_read_only(world, client):
    admin_user = world["admin"]
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    g = world.register()
    for model in admin.site._registry:
        meta = model._meta
        url = f"/admin/{meta.app_label}/{meta.model_name}/"
        assert client.get(url).status_code == 200, url
    page = client.get(f"/admin/grievances/grievance/{g.pk}/change/")
    assert page.status_code == 200
    assert b'name="status"' not in page.content  # shown, never editable
    response = client.post(f"/admin/grievances/grievance/{g.pk}/change/", {"status": "closed"})
    assert response.status_code == 403
    g.refresh_from_db()
    assert g.status == "open"


def test_a_level_mapping_breaking_the_hod_rule_is_refused_in_the_admin(world, client):
    admin_user = world["admin"]
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    l1_post = world.posts["REV-L1-ONE"]
    response = client.post(
        "/admin/org/levelmapping/add/",
        {
            "department": world.department.pk,
            "level": 3,
            "post": l1_post.pk,
            "area": "",
            "category": world.category.pk,
        },
    )
    assert response.status_code == 200  # the form comes back with the error
    assert b"must be the head of department" in response.content


def test_an_administrator_switches_a_partner_off_and_its_key_stops_working(world, client):
    from rest_framework.test import APIClient

    from nivaran.partners.services import partner_key_issue

    partner, key = partner_key_issue(code="ssm", name="SSM call centre", source_flag="SSM")
    api = APIClient()
    api.credentials(HTTP_X_API_KEY=key)
    assert api.get("/api/v1/partner/records/").status_code == 200
    admin_user = world["admin"]
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    # keys are issued by the partner_key command, which shows them once
    assert client.get("/admin/partners/partner/add/").status_code == 403
    response = client.post(
        f"/admin/partners/partner/{partner.pk}/change/",
        {"name": "SSM call centre", "source_flag": "SSM"},  # "active" left unticked
    )
    assert response.status_code == 302
    assert api.get("/api/v1/partner/records/").status_code == 403
