"""Uploaded files are never public: /media/ is not served, even in debug and demo mode;
the reach-checked views serve a file only to those who may see its grievance."""

from __future__ import annotations

import importlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import clear_url_caches, reverse
from rest_framework.test import APIClient

import nivaran.urls
from nivaran.grievances.models import AtrDocument
from nivaran.portal.models import Attachment
from nivaran.portal.tests.helpers import PDF, PNG
from nivaran.portal.tests.test_lodge import form_data, verify


@pytest.fixture
def make_run_settings(settings, tmp_path):
    """What `make run` sets (DEBUG and demo mode), with the URLs built under them."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEBUG = True
    settings.DEMO_MODE = True
    importlib.reload(nivaran.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    settings.DEMO_MODE = False
    importlib.reload(nivaran.urls)
    clear_url_caches()


@pytest.fixture
def stored(world, make_run_settings) -> tuple[Attachment, AtrDocument]:
    citizen = Client()
    verify(citizen)
    photo = SimpleUploadedFile("road.png", PNG, content_type="image/png")
    response = citizen.post(reverse("portal:lodge_form"), form_data(world, attachments=[photo]))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    api = APIClient()
    api.force_authenticate(world["officer_l1"])
    document = SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
    atr = api.post(
        f"/api/v1/grievances/{attachment.grievance.number}/actions/submit_atr/",
        {"summary": "Road repaired", "documents": [document]},
        format="multipart",
    )
    assert atr.status_code == 200, atr.content
    return attachment, AtrDocument.objects.get()


def _as(world, username: str | None) -> Client:
    client = Client()
    if username:
        client.force_login(world[username])
    return client


@pytest.mark.parametrize("username", [None, "officer_l1", "cmo", "admin"])
def test_a_stored_files_media_url_is_not_served_to_anyone(world, stored, username):
    attachment, document = stored
    client = _as(world, username)
    for name in (attachment.file.name, document.file.name):
        for url in (f"/media/{name}", f"/{name}", f"/static/../media/{name}"):
            response = client.get(url)
            assert response.status_code == 404, (url, response.status_code)
            assert PNG not in response.content and PDF not in response.content


def test_the_reach_checked_views_serve_the_officer_in_reach_only(world, stored):
    attachment, document = stored
    number = attachment.grievance.number
    attachment_url = reverse("web:attachment", args=[number, attachment.pk])
    document_url = reverse("web:atr-document", args=[number, document.pk])
    in_reach = _as(world, "officer_l1")
    response = in_reach.get(attachment_url)
    assert response.status_code == 200 and response.content == PNG
    assert response["Content-Type"] == "image/png"
    response = in_reach.get(document_url)
    assert response.status_code == 200 and response.content == PDF
    out_of_reach = _as(world, "other_l1")  # the same department, another district
    for url in (attachment_url, document_url):
        response = out_of_reach.get(url)
        assert response.status_code == 403
        assert PNG not in response.content and PDF not in response.content
    anonymous = _as(world, None).get(attachment_url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
