"""The GeoReport v2 endpoints (B6): thin, plain Django views; the format is the suffix."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime, time
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from nivaran.catalog.models import Category
from nivaran.core.errors import DomainError, InvalidInput
from nivaran.geo.selectors import location_routing_available
from nivaran.grievances.models import Grievance
from nivaran.open311 import selectors
from nivaran.open311.models import Open311Request
from nivaran.open311.render import respond, respond_error
from nivaran.open311.services import (
    RequestInput,
    open311_client_authenticate,
    open311_request_create,
)
from nivaran.profiles.loader import active_profile

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this endpoint's behaviour last changed (discovery's changeset).
CHANGESET = "2026-06-01T00:00:00+05:30"

View = Callable[..., HttpResponse]
# A "+05:30" offset sent without URL-encoding arrives as " 05:30".
_OFFSET_UNENCODED = re.compile(r" (\d{2}:?\d{2})$")


# Django's refusals of a body it cannot or will not read (logged as Django logs them).
UNREADABLE = (MultiPartParserError, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def georeport(view: View) -> View:
    """Answer domain errors, and bodies Django will not read, in the spec's error format,
    in the requested format."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except DomainError as error:
            return respond_error(fmt, error)
        except UNREADABLE as error:
            logging.getLogger(f"django.security.{error.__class__.__name__}").error(str(error))
            return respond_error(fmt, InvalidInput(_("The request body could not be read.")))

    return wrapped


def _iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _service(category: Category) -> dict[str, Any]:
    keywords = [category.department.code, category.get_kind_display()]
    if category.parent:
        keywords.insert(1, category.parent.name)
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": (
            f"{category.name} ({category.name_hi})" if category.name_hi else category.name
        ),
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join(str(k) for k in keywords),
        "group": category.department.name,
    }


def _notice(grievance: Grievance) -> str:
    if grievance.due_at:
        return _(
            "Registered as grievance %(number)s. The officer responsible is due to act by "
            "%(due)s. The citizen will receive updates by SMS."
        ) % {"number": grievance.number, "due": f"{timezone.localtime(grievance.due_at):%d %b %Y}"}
    return _("Registered as grievance %(number)s. The citizen will receive updates by SMS.") % {
        "number": grievance.number
    }


def _request(grievance: Grievance) -> dict[str, Any]:
    extra: Open311Request | None = getattr(grievance, "open311_request", None)
    status = selectors.open311_status(grievance.status)
    return {
        "service_request_id": grievance.number,
        "status": status,
        # Citizen-safe: the status label only, never officers' notes.
        "status_notes": str(grievance.get_status_display()),
        "service_name": grievance.category.name,
        "service_code": grievance.category.code,
        "description": grievance.description,
        "agency_responsible": grievance.department.name,
        "service_notice": _notice(grievance)
        if selectors.open311_status(grievance.status) == "open"
        else "",
        "requested_datetime": _iso(grievance.registered_at),
        "updated_datetime": _iso(grievance.updated_at),
        "expected_datetime": _iso(grievance.due_at),
        "address": (extra.address_string if extra else "") or grievance.area.name,
        "address_id": None,
        "zipcode": None,
        "lat": extra.lat if extra else None,
        "long": extra.long if extra else None,
        "media_url": (extra.media_url or None) if extra else None,
    }


@require_GET
@georeport
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    profile = active_profile()
    own = reverse("open311:discovery", kwargs={"fmt": fmt})
    base = request.build_absolute_uri(own[: -len(f"discovery.{fmt}")])
    body = {
        "changeset": CHANGESET,
        "contact": _("%(state)s grievance helpline %(helpline)s")
        % {"state": profile.name, "helpline": profile.helpline},
        "key_service": _(
            "API keys are issued by the platform administrators "
            "(manage.py open311_key <client name>)."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", body)


@require_GET
@georeport
def services(request: HttpRequest, *, fmt: str) -> HttpResponse:
    return respond(fmt, "services", [_service(c) for c in selectors.open311_services()])


@require_GET
@georeport
def service_definition(request: HttpRequest, *, service_code: str, fmt: str) -> HttpResponse:
    category = selectors.open311_service(service_code=service_code)
    routable = location_routing_available()
    attributes = [
        {
            "variable": True,
            "code": "area_code",
            "datatype": "singlevaluelist",
            # Optional once the state has a boundary: lat/long or address_string route it.
            "required": not routable,
            "datatype_description": _(
                "The code of the district, block or ward. Optional when the request "
                "carries lat and long, or an address_string naming the district."
            )
            if routable
            else _("The code of the district, block or ward."),
            "order": 1,
            "description": _("Where is the problem? (area)"),
            "values": [{"key": a.code, "name": a.name} for a in selectors.open311_areas()],
        },
        {
            "variable": True,
            "code": "emergency",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": None,
            "order": 2,
            "description": _("Is it an emergency (danger to life or property)?"),
            "values": [{"key": "yes", "name": _("Yes")}, {"key": "no", "name": _("No")}],
        },
    ]
    body = {"service_code": category.code, "attributes": attributes}
    return respond(fmt, "service_definition", body)


def _when(value: str, name: str, *, end: bool = False) -> datetime | None:
    if not value:
        return None
    value = _OFFSET_UNENCODED.sub(r"+\1", value.strip())
    parsed: datetime | None = None
    try:
        parsed = parse_datetime(value)
        if parsed is None and (day := parse_date(value)):
            parsed = datetime.combine(day, time.max if end else time.min)
    except ValueError:
        parsed = None
    if parsed is None:
        raise InvalidInput(
            f"{name} is not a W3C datetime.", fields={name: ["Use e.g. 2026-01-31T00:00:00Z."]}
        )
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _list(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def _list_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    q = request.GET
    filters = selectors.RequestFilters(
        service_request_ids=_list(q.get("service_request_id", "")),
        service_codes=_list(q.get("service_code", "")),
        start=_when(q.get("start_date", ""), "start_date"),
        end=_when(q.get("end_date", ""), "end_date", end=True),
        statuses=_list(q.get("status", "").lower()),
    )
    found = selectors.open311_requests(filters=filters)
    return respond(fmt, "service_requests", [_request(g) for g in found])


def _create_request(request: HttpRequest, fmt: str) -> HttpResponse:
    p = request.POST
    # No database holds a NUL in text: refused here, before any lookup or write.
    if bad := sorted({k for k, values in p.lists() for v in [k, *values] if "\x00" in v}):
        raise InvalidInput(
            _("A field holds a NUL character."),
            fields={k: [_("Remove the NUL character.")] for k in bad},
        )
    client = open311_client_authenticate(api_key=p.get("api_key", "").strip())
    data = RequestInput(
        service_code=p.get("service_code", "").strip(),
        area_code=p.get("attribute[area_code]", "").strip(),
        emergency=p.get("attribute[emergency]", "").strip(),
        lat=p.get("lat", "").strip(),
        long=p.get("long", "").strip(),
        address_string=p.get("address_string", ""),
        email=p.get("email", "").strip(),
        device_id=p.get("device_id", "").strip(),
        account_id=p.get("account_id", "").strip(),
        first_name=p.get("first_name", ""),
        last_name=p.get("last_name", ""),
        phone=p.get("phone", "").strip(),
        description=p.get("description", ""),
        media_url=p.get("media_url", "").strip(),
    )
    row = open311_request_create(client=client, data=data)
    body = [
        {
            "service_request_id": row.grievance.number,
            "token": row.token,
            "service_notice": _notice(row.grievance),
            "account_id": None,
        }
    ]
    return respond(fmt, "service_requests", body, status=201)


@csrf_exempt
@require_http_methods(["GET", "POST"])
@georeport
def requests(request: HttpRequest, *, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create_request(request, fmt)
    return _list_requests(request, fmt)


@require_GET
@georeport
def request_detail(request: HttpRequest, *, service_request_id: str, fmt: str) -> HttpResponse:
    grievance = selectors.open311_request(service_request_id=service_request_id)
    return respond(fmt, "service_requests", [_request(grievance)])


@require_GET
@georeport
def token(request: HttpRequest, *, token: str, fmt: str) -> HttpResponse:
    grievance = selectors.open311_request_by_token(token=token)
    body = [{"service_request_id": grievance.number, "token": token}]
    return respond(fmt, "service_requests", body)
