"""An oversized request is refused with 413 before its body is read, and nothing is stored."""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from nivaran.grievances.models import ActionTakenReport, AtrDocument, Grievance
from nivaran.portal.models import Attachment
from nivaran.portal.tests.test_lodge import form_data, verify

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return Path(settings.MEDIA_ROOT)


def _stored(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def _pdf(name: str, size: int) -> SimpleUploadedFile:
    """A file that passes every per-file check (PDF by name and first bytes, <= 5 MB)."""
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"0" * (size - 9), "application/pdf")


def test_an_atr_with_thirty_megabytes_of_documents_gets_413_json(world, _media):
    number = world.register().number
    api = APIClient()
    api.force_authenticate(world["officer_l1"])
    response = api.post(
        f"/api/v1/grievances/{number}/actions/submit_atr/",
        {"summary": "Done", "documents": [_pdf(f"d{i}.pdf", 5 * MB) for i in range(6)]},
        format="multipart",
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "request_too_large"
    assert "26 MB" in body["detail"]
    assert not ActionTakenReport.objects.exists() and not AtrDocument.objects.exists()
    assert Grievance.objects.get(number=number).status == "open"
    assert _stored(_media) == []
    # The same ATR with one document is well inside the limit.
    response = api.post(
        f"/api/v1/grievances/{number}/actions/submit_atr/",
        {"summary": "Done", "documents": [_pdf("d.pdf", 5 * MB)]},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert len(_stored(_media)) == 1


def test_the_portal_shows_a_readable_page_and_stores_nothing(world, settings, _media):
    settings.NIVARAN_MAX_REQUEST_BYTES = 2 * MB  # configurable: MAX_REQUEST_MB
    client = Client()
    verify(client)
    files = [_pdf(f"p{i}.pdf", MB) for i in range(3)]
    response = client.post(reverse("portal:lodge_form"), form_data(world, attachments=files))
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "The upload is too large." in page and "larger than 2 MB" in page
    assert response["Content-Security-Policy"]
    assert not Grievance.objects.exists() and not Attachment.objects.exists()
    assert _stored(_media) == []
    # Under the limit the same form lodges the grievance with its files.
    response = client.post(
        reverse("portal:lodge_form"), form_data(world, attachments=[_pdf("p.pdf", MB)])
    )
    assert response.status_code == 302
    assert Attachment.objects.count() == 1


def test_the_page_is_in_the_readers_language(world, settings):
    settings.NIVARAN_MAX_REQUEST_BYTES = MB
    client = Client()
    client.force_login(world["fieldexec"])
    response = client.post(
        "/hi/field/visits/1/", {"photos": [_pdf("a.pdf", 2 * MB)]}, HTTP_ACCEPT_LANGUAGE="hi"
    )
    assert response.status_code == 413
    assert '<html lang="hi">' in response.content.decode()


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_sent(
    live_server, transactional_db
):
    """The attack: announce 200 MB and trickle it in. The server answers at once, having
    read nothing of the body (none is ever sent here)."""
    url = urlsplit(live_server.url)
    with socket.create_connection((url.hostname, url.port), timeout=10) as conn:
        conn.sendall(
            b"POST /api/v1/grievances/ HTTP/1.1\r\n"
            b"Host: localhost\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\n"
            b"Content-Length: 209715200\r\n\r\n"
        )
        received = b""
        while b"request_too_large" not in received and (chunk := conn.recv(65536)):
            received += chunk
    answer = received.decode("latin-1")
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    assert "request_too_large" in answer


@pytest.mark.parametrize(("length", "status"), [("", 200), ("abc", 200), ("-5", 400)])
def test_a_missing_or_garbled_length_is_left_to_django(world, length, status):
    """Django reads no body without a valid Content-Length (and refuses a negative one
    itself); the guard lets those through rather than failing on them."""
    client = Client()
    client.force_login(world["telecaller"])
    response = client.post("/callcentre/lookup/", {"mobile": "9876543210"}, CONTENT_LENGTH=length)
    assert response.status_code == status
