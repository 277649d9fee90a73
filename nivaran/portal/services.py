"""Writes of the citizen portal: the citizen's account, lodging a grievance, and the
citizen's word on it afterwards (feedback on the action taken, reopening)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nivaran.accounts.models import User
from nivaran.accounts.roles import Role
from nivaran.core.errors import InvalidInput
from nivaran.core.files import attachments_check, storage_name
from nivaran.grievances.models import (
    Channel,
    FeedbackOutcome,
    Grievance,
    Status,
)
from nivaran.grievances.workflow import grievance_act, grievance_register, intake_key
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
    client_key: str | None = None,
    linked_to_number: str | None = None,
    channel: str = Channel.WEB,
) -> tuple[Grievance, bool]:
    """Register a grievance lodged on the portal, with its location and attachments;
    returns (grievance, created): False when `client_key` was used before by this mobile.

    The mobile must already be verified by OTP (the view keeps that in the session).
    Files are checked before anything is written; a failure removes stored files.
    `client_key`: the form's retry key, kept namespaced by the proved mobile.
    `linked_to_number`: a finished grievance of the same mobile this one follows up.
    `channel`: the portal's pages lodge as `web`, the Citizen API as `app`; either way the
    retry key is in the proved mobile's namespace.
    """
    checked = attachments_check(files)
    linked_to = follow_up_of(number=linked_to_number, mobile=mobile) if linked_to_number else None
    actor = citizen_user_for(mobile=mobile)
    saved: list[str] = []
    try:
        with transaction.atomic():
            grievance, created = grievance_register(
                actor=actor,
                citizen_name=citizen_name,
                mobile=mobile,
                category_code=category_code,
                area_code=area_code,
                description=description,
                channel=channel,
                kind=kind,
                language=language,
                intake_key=(
                    intake_key(door="portal", sender=mobile, client_key=client_key)
                    if client_key
                    else None
                ),
                linked_to=linked_to,
            )
            if not created:
                return grievance, False
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
    return grievance, True


FINISHED = frozenset({Status.CLOSED, Status.REJECTED, Status.SPECIAL_CLOSED})


def follow_up_of(*, number: str, mobile: str) -> Grievance:
    """The finished grievance of this mobile that a new one may be linked to."""
    grievance = Grievance.objects.filter(
        number=number.strip().upper(), citizen__mobile=mobile
    ).first()
    if grievance is None or grievance.status not in FINISHED:
        raise InvalidInput(
            _("A new grievance can be linked only to a closed grievance of your own."),
            fields={"linked_to": [_("Not a closed grievance of this mobile number.")]},
        )
    return grievance


def citizen_feedback_give(
    *, grievance: Grievance, mobile: str, satisfied: bool, reason: str = "", channel: str
) -> Grievance:
    """The citizen's own word on the action taken report, by the tracking page or an SMS.

    Only satisfaction closes; not satisfied needs a reason (the workflow checks it too).
    """
    return grievance_act(
        grievance_id=grievance.pk,
        actor=citizen_user_for(mobile=mobile),
        action="record_feedback",
        data={
            "outcome": FeedbackOutcome.SATISFIED if satisfied else FeedbackOutcome.NOT_SATISFIED,
            "reason": "" if satisfied else reason.strip(),
            "channel": channel,
        },
    )


def citizen_reopen(*, grievance: Grievance, mobile: str, reason: str) -> Grievance:
    """Reopen a closed grievance within the profile's window (the workflow guards it)."""
    return grievance_act(
        grievance_id=grievance.pk,
        actor=citizen_user_for(mobile=mobile),
        action="reopen",
        data={"reason": reason.strip()},
    )
