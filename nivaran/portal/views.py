"""The citizen portal's pages: lodge with an OTP, track with an OTP."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from nivaran.catalog.models import Kind
from nivaran.core.errors import DomainError
from nivaran.portal import selectors
from nivaran.portal.attachments import MAX_FILES
from nivaran.portal.forms import LodgeForm, OtpForm, StartForm, TrackForm
from nivaran.portal.otp import otp_send, otp_verify
from nivaran.portal.services import Location, portal_grievance_lodge

VERIFIED_FOR = timedelta(minutes=30)
LODGE = "portal_lodge"
TRACK = "portal_track"
LODGED = "portal_lodged"


def _language() -> str:
    return "hi" if (get_language() or "en").startswith("hi") else "en"


def _verified_mobile(request: HttpRequest, key: str) -> str | None:
    """The mobile proved by OTP in this session in the last 30 minutes, if any."""
    state: dict[str, Any] = request.session.get(key) or {}
    at = state.get("verified_at")
    if not at or timezone.now() - datetime.fromisoformat(at) > VERIFIED_FOR:
        return None
    mobile = state.get("mobile")
    return str(mobile) if mobile else None


def _mark_verified(request: HttpRequest, key: str) -> None:
    state = dict(request.session.get(key) or {})
    state["verified_at"] = timezone.now().isoformat()
    request.session[key] = state
    request.session.cycle_key()


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


# --- lodge ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def lodge_start(request: HttpRequest) -> HttpResponse:
    if _verified_mobile(request, LODGE):
        return redirect("portal:lodge_form")
    form = StartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        mobile = form.cleaned_data["mobile"]
        try:
            otp_send(mobile=mobile, purpose="lodge", language=_language())
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            request.session[LODGE] = {"mobile": mobile, "name": form.cleaned_data["name"]}
            messages.info(request, _("We have sent an OTP to %(mobile)s.") % {"mobile": mobile})
            return redirect("portal:lodge_otp")
    return render(request, "portal/start.html", {"form": form, "step": 1})


def _otp_step(
    request: HttpRequest, *, key: str, purpose: str, start: str, extra: dict[str, Any]
) -> HttpResponse | None:
    """Ask for the OTP sent at `start`; None once it is verified (the caller moves on)."""
    state = request.session.get(key) or {}
    if not state.get("mobile"):
        return redirect(start)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            otp_verify(mobile=state["mobile"], purpose=purpose, code=form.cleaned_data["code"])
        except DomainError as exc:
            form.add_error("code", exc.detail)
        else:
            _mark_verified(request, key)
            return None
    context = {"form": form, "mobile": state["mobile"], "again": start, **extra}
    return render(request, "portal/otp.html", context)


@require_http_methods(["GET", "POST"])
def lodge_otp(request: HttpRequest) -> HttpResponse:
    page = _otp_step(request, key=LODGE, purpose="lodge", start="portal:lodge", extra={"step": 2})
    return page or redirect("portal:lodge_form")


def _picker_context(request: HttpRequest, form: LodgeForm) -> dict[str, Any]:
    source = request.POST if request.method == "POST" else request.GET
    kind = source.get("kind") or Kind.GRIEVANCE
    if kind not in Kind.values:
        kind = Kind.GRIEVANCE
    q = (request.GET.get("q") or "").strip()[:100]
    district = source.get("district") or ""
    return {
        "form": form,
        "step": 3,
        "kinds": Kind.choices,
        "kind": kind,
        "q": q,
        "categories": selectors.categories_for_picker(kind=kind, q=q),
        "all_categories": selectors.categories_for_picker(kind=kind),
        "district": district,
        "districts": selectors.districts(),
        "areas": selectors.areas_in_district(district_code=district) if district else [],
        "max_files": MAX_FILES,
        "chosen_category": source.get("category", ""),
        "chosen_area": source.get("area", ""),
    }


@require_http_methods(["GET", "POST"])
def lodge_form(request: HttpRequest) -> HttpResponse:
    mobile = _verified_mobile(request, LODGE)
    if not mobile:
        messages.warning(request, _("Please confirm your mobile number first."))
        return redirect("portal:lodge")
    if request.method == "POST":
        form = LodgeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            location = (
                Location(data["latitude"], data["longitude"])
                if data.get("latitude") is not None
                else None
            )
            try:
                grievance = portal_grievance_lodge(
                    mobile=mobile,
                    citizen_name=str(request.session[LODGE].get("name", "")),
                    kind=data["kind"],
                    category_code=data["category"],
                    area_code=data["area"],
                    description=data["description"],
                    language=_language(),
                    location=location,
                    files=request.FILES.getlist("attachments"),
                    intake_key=data["intake_key"],
                )
            except DomainError as exc:
                fields = exc.fields if isinstance(exc.fields, dict) else {}
                known = {"category": "category", "area": "area", "kind": "kind"}
                shown = False
                for name, errors in fields.items():
                    target = known.get(name, "description" if name == "description" else None)
                    for error in errors if isinstance(errors, list) else [errors]:
                        if name == "attachments":
                            continue
                        form.add_error(target, str(error))
                        shown = True
                if "attachments" in fields or not shown:
                    form.add_error(None, exc.detail)
            else:
                request.session[LODGED] = grievance.number
                return redirect("portal:lodge_done")
    else:
        form = LodgeForm(initial={"intake_key": f"portal:{uuid.uuid4().hex}"})
    return render(request, "portal/lodge.html", _picker_context(request, form))


def lodge_done(request: HttpRequest) -> HttpResponse:
    number = request.session.get(LODGED)
    if not number:
        return redirect("portal:home")
    return render(request, "portal/done.html", {"number": number})


# --- track ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def track_start(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None, initial={"number": request.GET.get("number", "")[:20]})
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["number"].strip().upper()
        mobile = form.cleaned_data["mobile"]
        grievance = selectors.grievance_for_mobile(number=number, mobile=mobile)
        if grievance is not None and _verified_mobile(request, TRACK) == mobile:
            return redirect("portal:track_status", number=grievance.number)
        try:
            # A challenge either way, so that a stranger's request counts and reads the same;
            # only the owner of the grievance's mobile gets an SMS.
            otp_send(
                mobile=mobile,
                purpose="track",
                language=grievance.citizen.language if grievance else _language(),
                deliver=grievance is not None,
            )
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            request.session[TRACK] = {"mobile": mobile, "number": number}
            messages.info(
                request,
                _(
                    "If this grievance number was lodged with this mobile number, "
                    "an OTP has been sent to it."
                ),
            )
            return redirect("portal:track_otp")
    return render(request, "portal/track.html", {"form": form})


@require_http_methods(["GET", "POST"])
def track_otp(request: HttpRequest) -> HttpResponse:
    page = _otp_step(request, key=TRACK, purpose="track", start="portal:track", extra={})
    return page or redirect("portal:track_status", number=request.session[TRACK]["number"])


def track_status(request: HttpRequest, number: str) -> HttpResponse:
    mobile = _verified_mobile(request, TRACK)
    grievance = selectors.grievance_for_mobile(number=number, mobile=mobile) if mobile else None
    if grievance is None:
        messages.warning(request, _("Enter the grievance number and mobile number to track it."))
        return redirect("portal:track")
    view = selectors.citizen_view(grievance=grievance)
    return render(request, "portal/status.html", {"view": view, "g": grievance})
