"""Writes of the citizen portal: the citizen's account and lodging a grievance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from nivaran.accounts.models import User
from nivaran.accounts.roles import Role
from nivaran.grievances.models import Channel, Citizen, Grievance
from nivaran.grievances.workflow import grievance_register
from nivaran.portal.attachments import attachments_check, storage_name
from nivaran.portal.models import Attachment, GrievanceLocation


def citizen_user_for(*, mobile: str) -> User:
    """The account of a citizen who proved a mobile by OTP."""
    user, created = User.objects.get_or_create(
        username=f"citizen:{mobile}",
        defaults={"role": Role.CITIZEN, "mobile": mobile, "is_active": True},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@dataclass(frozen=True)
class Location:
    latitude: Decimal
    longitude: Decimal


def portal_grievance_lodge(
    *,
    mobile: str,
    citizen_name: str,
    kind: str,
    category_code: str,
    area_code: str,
    description: str,
    language: str,
    location: Location | None = None,
    files: Sequence[UploadedFile] = (),
    intake_key: str | None = None,
) -> Grievance:
    """Register a grievance lodged on the portal, with its location and attachments.

    The mobile must already be verified by OTP (the view keeps that in the session).
    Files are checked before anything is written; a failure removes stored files.
    """
    checked = attachments_check(files)
    actor = citizen_user_for(mobile=mobile)
    # A citizen account has one citizen record; a new name would need a second one.
    existing = Citizen.objects.filter(user=actor).first()
    name = existing.name if existing else citizen_name
    saved: list[str] = []
    try:
        with transaction.atomic():
            grievance, created = grievance_register(
                actor=actor,
                citizen_name=name,
                mobile=mobile,
                category_code=category_code,
                area_code=area_code,
                description=description,
                channel=Channel.WEB,
                kind=kind,
                language=language,
                intake_key=intake_key,
            )
            if not created:
                return grievance
            if location is not None:
                GrievanceLocation.objects.create(
                    grievance=grievance, latitude=location.latitude, longitude=location.longitude
                )
            now = timezone.now()
            for item in checked:
                name_stored = default_storage.save(storage_name(item.extension), item.upload)
                saved.append(name_stored)
                Attachment.objects.create(
                    grievance=grievance,
                    file=name_stored,
                    content_type=item.content_type,
                    size=item.size,
                    uploaded_at=now,
                )
    except BaseException:
        for stored in saved:
            default_storage.delete(stored)
        raise
    return grievance
