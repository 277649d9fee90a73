from __future__ import annotations

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from nivaran.accounts.roles import Role
from nivaran.grievances.models import Grievance
from nivaran.notifications.models import Message
from nivaran.otp.models import OtpChallenge
from nivaran.portal.models import Attachment, GrievanceLocation
from nivaran.portal.tests.helpers import EXE, PDF, PNG, last_otp
from nivaran.testing.world import World

MOBILE = "9811122233"


def verify(client: Client, mobile: str = MOBILE, name: str = "Sita Devi") -> None:
    response = client.post(reverse("portal:lodge"), {"name": name, "mobile": mobile})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("portal:lodge_otp")
    response = client.post(reverse("portal:lodge_otp"), {"code": last_otp(mobile)})
    assert response["Location"] == reverse("portal:lodge_form")


def form_data(world: World, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "grievance",
        "district": world.district.code,
        "category": world.category.code,
        "area": world.block.code,
        "description": "मेरी ज़मीन का इंतकाल छह महीने से लंबित है।",
        "intake_key": "portal:test-1",
    }
    data.update(extra)
    return data


def test_the_landing_page_offers_lodge_and_track(client: Client):
    page = client.get(reverse("portal:home")).content.decode()
    assert reverse("portal:lodge") in page and reverse("portal:track") in page


def test_the_form_needs_a_verified_mobile(client: Client, world: World):
    response = client.get(reverse("portal:lodge_form"))
    assert response["Location"] == reverse("portal:lodge")


def test_a_wrong_otp_is_refused_on_the_page(client: Client, world: World):
    client.post(reverse("portal:lodge"), {"name": "Sita", "mobile": MOBILE})
    code = last_otp(MOBILE)
    response = client.post(
        reverse("portal:lodge_otp"), {"code": f"{(int(code) + 1) % 1_000_000:06d}"}
    )
    assert response.status_code == 200
    assert "wrong or has expired" in response.content.decode()
    assert client.get(reverse("portal:lodge_form")).status_code == 302


def test_a_citizen_lodges_a_grievance_end_to_end(client: Client, world: World):
    verify(client)
    page = client.get(reverse("portal:lodge_form"), {"district": world.district.code})
    assert world.block.code in page.content.decode()
    photo = SimpleUploadedFile("road.png", PNG, content_type="image/png")
    letter = SimpleUploadedFile("letter.PDF", PDF, content_type="application/pdf")
    response = client.post(
        reverse("portal:lodge_form"),
        form_data(world, latitude="28.613900", longitude="77.209000", attachments=[photo, letter]),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    grievance = Grievance.objects.get()
    assert grievance.level == 1
    assert grievance.assigned_to == world["officer_l1"]
    assert grievance.channel == "web"
    assert grievance.language == "en"  # the language the citizen chose for the pages
    user = grievance.registered_by
    assert user.username == f"citizen:{MOBILE}" and user.mobile == MOBILE
    assert user.role == Role.CITIZEN and user.is_active and not user.has_usable_password()
    assert grievance.citizen.mobile == MOBILE and grievance.citizen.name == "Sita Devi"
    location = GrievanceLocation.objects.get(grievance=grievance)
    assert str(location.latitude) == "28.613900"
    files = Attachment.objects.filter(grievance=grievance).order_by("id")
    assert [a.content_type for a in files] == ["image/png", "application/pdf"]
    for attachment in files:
        assert default_storage.exists(attachment.file.name)
        assert attachment.size == attachment.file.size
    with default_storage.open(files[0].file.name) as stored:
        assert stored.read() == PNG
    done = client.get(response["Location"]).content.decode()
    assert grievance.number and grievance.number in done
    assert Message.objects.filter(to=MOBILE, purpose="citizen_registered").count() == 1

    # A second grievance within 30 minutes needs no new OTP; the same key is not doubled.
    otps = OtpChallenge.objects.count()
    assert client.get(reverse("portal:lodge"))["Location"] == reverse("portal:lodge_form")
    client.post(reverse("portal:lodge_form"), form_data(world))
    assert Grievance.objects.count() == 1
    client.post(reverse("portal:lodge_form"), form_data(world, intake_key="portal:test-2"))
    assert Grievance.objects.count() == 2
    assert OtpChallenge.objects.count() == otps


def _stored_files() -> list[str]:
    try:
        _dirs, files = default_storage.listdir("portal/attachments")
    except FileNotFoundError:
        return []
    return files + _dirs


def test_an_exe_renamed_pdf_is_refused_and_nothing_is_stored(client: Client, world: World):
    verify(client)
    fake = SimpleUploadedFile("bill.pdf", EXE, content_type="application/pdf")
    good = SimpleUploadedFile("ok.png", PNG, content_type="image/png")
    response = client.post(reverse("portal:lodge_form"), form_data(world, attachments=[good, fake]))
    assert response.status_code == 200
    assert "not a real JPG, PNG or PDF" in response.content.decode()
    assert not Grievance.objects.exists()
    assert not Attachment.objects.exists()
    assert _stored_files() == []


def test_a_wrong_extension_and_an_oversize_file_are_refused(client: Client, world: World):
    verify(client)
    exe = SimpleUploadedFile("tool.exe", EXE)
    response = client.post(reverse("portal:lodge_form"), form_data(world, attachments=[exe]))
    assert "only JPG, PNG or PDF" in response.content.decode()
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"\0" * (5 * 1024 * 1024))
    response = client.post(reverse("portal:lodge_form"), form_data(world, attachments=[big]))
    assert "at most 5 MB" in response.content.decode()
    many = [SimpleUploadedFile(f"p{i}.png", PNG) for i in range(4)]
    response = client.post(reverse("portal:lodge_form"), form_data(world, attachments=many))
    assert "at most 3 files" in response.content.decode()
    assert not Grievance.objects.exists() and _stored_files() == []


def test_the_category_search_works_in_both_languages(client: Client, world: World):
    verify(client)
    url = reverse("portal:lodge_form")
    english = client.get(url, {"q": "mutation"}).content.decode()
    assert f'value="{world.category.code}"' in english
    assert f'value="{world.hours_category.code}"' not in english
    hindi = client.get(url, {"q": "इंतकाल"}).content.decode()
    assert f'value="{world.category.code}"' in hindi
    in_hindi = client.get("/hi/citizen/lodge/details/", {"q": "इंतकाल"}).content.decode()
    assert "इंतकाल लंबित" in in_hindi


def test_a_category_of_another_kind_is_refused(client: Client, world: World):
    verify(client)
    response = client.post(reverse("portal:lodge_form"), form_data(world, kind="suggestion"))
    assert response.status_code == 200
    assert not Grievance.objects.exists()
