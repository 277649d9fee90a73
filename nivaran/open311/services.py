"""Writes of the Open311 door: client keys and the filing of a service request."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from nivaran.accounts.models import User
from nivaran.accounts.roles import Role
from nivaran.core.errors import InvalidInput, PermissionDenied
from nivaran.core.keys import api_key_hash as key_hash
from nivaran.core.keys import api_key_new
from nivaran.core.phones import mobile_normalise
from nivaran.geo.selectors import (
    AddressNotMatched,
    LocationNotRoutable,
    LocationOutsideState,
    area_at,
    area_named_in,
)
from nivaran.grievances.models import Channel, Grievance
from nivaran.grievances.workflow import grievance_register
from nivaran.open311.models import Open311Client, Open311Request

# Name used when the app sends neither first_name nor last_name (both optional in the spec).
ANONYMOUS_NAME = "Open311 citizen"


@dataclass(frozen=True)
class IssuedKey:
    client: Open311Client
    raw_key: str
    rotated: bool


def open311_client_issue_key(*, name: str) -> IssuedKey:
    """Create the client (and its service user) or rotate its key. The raw key is
    returned once and never stored."""
    name = name.strip()
    if not name:
        raise InvalidInput("Give the client's name.", fields={"name": ["Required."]})
    raw_key, _hash = api_key_new()
    with transaction.atomic():
        client = Open311Client.objects.select_for_update().filter(name=name).first()
        if client is not None:
            client.key_hash = key_hash(raw_key)
            client.rotated_at = timezone.now()
            client.is_active = True
            client.save(update_fields=["key_hash", "rotated_at", "is_active"])
            return IssuedKey(client, raw_key, rotated=True)
        user = User(
            username=f"open311:{slugify(name) or key_hash(name)[:12]}"[:150],
            role=Role.SYSTEM,
            is_active=False,
            first_name=name[:150],
        )
        user.set_unusable_password()
        user.save()
        client = Open311Client.objects.create(
            name=name, key_hash=key_hash(raw_key), user=user, rotated_at=timezone.now()
        )
    return IssuedKey(client, raw_key, rotated=False)


def open311_client_authenticate(*, api_key: str) -> Open311Client:
    if not api_key:
        raise PermissionDenied("api_key is required to create a service request.")
    client = (
        Open311Client.objects.filter(key_hash=key_hash(api_key), is_active=True)
        .select_related("user")
        .first()
    )
    if client is None:
        raise PermissionDenied("Invalid api_key received; the request was not created.")
    return client


def normalise_mobile(phone: str) -> str:
    """The 10-digit mobile, or what was given (so that validation names the bad value)."""
    return mobile_normalise(phone) or phone.strip()


@dataclass(frozen=True)
class RequestInput:
    """A POST requests body as GeoReport v2 names it (form fields)."""

    service_code: str = ""
    area_code: str = ""
    emergency: str = ""
    lat: str = ""
    long: str = ""
    address_string: str = ""
    email: str = ""
    device_id: str = ""
    account_id: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    description: str = ""
    media_url: str = ""


def _coordinate(value: str, name: str, limit: float, errors: dict[str, list[str]]) -> float | None:
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        errors[name] = [f"{name} must be a decimal number (WGS84)."]
        return None
    if not -limit <= number <= limit:
        errors[name] = [f"{name} must be between -{limit:g} and {limit:g}."]
        return None
    return number


def _check(data: RequestInput) -> tuple[float | None, float | None, bool]:
    """Checks of the GeoReport fields; the grievance fields are checked by registration."""
    errors: dict[str, list[str]] = {}
    if not data.service_code:
        errors["service_code"] = ["service_code is required."]
    if not (data.area_code or data.lat or data.long or data.address_string.strip()):
        errors["attribute[area_code]"] = [
            "Say where the problem is: attribute[area_code], lat and long, or an "
            "address_string naming the district. See GET services/{service_code}."
        ]
    lat = _coordinate(data.lat, "lat", 90, errors)
    long = _coordinate(data.long, "long", 180, errors)
    if bool(data.lat) != bool(data.long):
        errors["lat"] = ["Give lat and long together."]
    emergency = data.emergency.lower()
    if emergency not in {"", "yes", "no"}:
        errors["attribute[emergency]"] = ["attribute[emergency] must be yes or no."]
    if not data.phone:
        errors["phone"] = ["phone is required: it is how the citizen is reached."]
    if len(data.description.strip()) < 10:
        errors["description"] = ["description is required, at least 10 characters."]
    if data.email:
        try:
            EmailValidator()(data.email)
        except ValidationError:
            errors["email"] = ["email is not a valid address."]
    if data.media_url:
        try:
            URLValidator(schemes=["http", "https"])(data.media_url)
        except ValidationError:
            errors["media_url"] = ["media_url must be an http(s) URL."]
    for name, limit in [
        ("address_string", 500),
        ("media_url", 500),
        ("device_id", 120),
        ("account_id", 120),
    ]:
        if len(getattr(data, name)) > limit:
            errors[name] = [f"{name} is longer than {limit} characters."]
    if errors:
        raise InvalidInput("The service request has invalid fields.", fields=errors)
    return lat, long, emergency == "yes"


# Registration names its fields in Nivaran's words; answer in the spec's.
_FIELD_NAMES = {
    "citizen.name": "first_name",
    "citizen.mobile": "phone",
    "category": "service_code",
    "area": "attribute[area_code]",
    "kind": "service_code",
}


def _area_code(data: RequestInput, lat: float | None, long: float | None) -> str:
    """The area the request is routed to: attribute[area_code] when given, else the area
    the coordinates lie in, else the area the address names (B6)."""
    if data.area_code:
        return data.area_code
    try:
        if lat is not None and long is not None:
            return area_at(latitude=lat, longitude=long).code
        return area_named_in(text=data.address_string).code
    except LocationNotRoutable as exc:
        raise InvalidInput(
            exc.detail,
            fields={
                "attribute[area_code]": [
                    f"attribute[area_code] is required: {exc.detail} "
                    "See GET services/{service_code}."
                ]
            },
        ) from exc
    except LocationOutsideState as exc:
        raise InvalidInput(
            exc.detail,
            fields={
                "lat": [
                    f"{exc.detail} This service takes requests within the state only; "
                    "check lat and long (WGS84 decimal degrees)."
                ]
            },
        ) from exc
    except AddressNotMatched as exc:
        raise InvalidInput(
            exc.detail,
            fields={
                "address_string": [
                    f"{exc.detail} Name the district in address_string, send lat and long, "
                    "or give attribute[area_code]."
                ]
            },
        ) from exc


def open311_request_create(*, client: Open311Client, data: RequestInput) -> Open311Request:
    """File a service request through the one registration door, with its GeoReport row
    in the same transaction. Raises InvalidInput (fields named as in the spec)."""
    lat, long, emergency = _check(data)
    area_code = _area_code(data, lat, long)
    name = f"{data.first_name.strip()} {data.last_name.strip()}".strip() or ANONYMOUS_NAME
    try:
        with transaction.atomic():
            grievance: Grievance
            grievance, _ = grievance_register(
                actor=client.user,
                citizen_name=name[:120],
                mobile=normalise_mobile(data.phone),
                category_code=data.service_code,
                area_code=area_code,
                description=data.description,
                channel=Channel.OPEN311,
                emergency=emergency,
                source=f"Open311: {client.name}"[:80],
            )
            return Open311Request.objects.create(
                grievance=grievance,
                client=client,
                token=secrets.token_urlsafe(16),
                lat=lat,
                long=long,
                address_string=data.address_string.strip(),
                media_url=data.media_url,
                email=data.email,
                device_id=data.device_id,
                account_id=data.account_id,
            )
    except InvalidInput as exc:
        fields = exc.fields if isinstance(exc.fields, dict) else {}
        raise InvalidInput(
            exc.detail, fields={_FIELD_NAMES.get(k, k): v for k, v in fields.items()}
        ) from exc
