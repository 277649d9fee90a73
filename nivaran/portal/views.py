"""The citizen portal's pages: lodge with an OTP, track with an OTP."""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from nivaran.catalog.models import Kind
from nivaran.core.clients import client_address
from nivaran.core.errors import DomainError, InvalidInput, TransitionNotAllowed
from nivaran.core.files import MAX_FILES
from nivaran.grievances.models import FeedbackChannel, Grievance, Status
from nivaran.otp.services import OtpRateLimited, OtpRefused, otp_send, otp_verify
from nivaran.portal import selectors
from nivaran.portal.forms import (
    FeedbackForm,
    LodgeForm,
    OtpForm,
    ReopenForm,
    StartForm,
    TrackForm,
)
from nivaran.portal.services import (
    Location,
    citizen_feedback_give,
    citizen_reopen,
    portal_grievance_lodge,
)
from nivaran.suggestions.selectors import suggested_types

VERIFIED_FOR = timedelta(minutes=30)
LODGE = "portal_lodge"
TRACK = "portal_track"
LODGED = "portal_lodged"
LODGED_LINK = "portal_lodged_link"


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


# What the citizen reads when the system refuses: the workflow's reasons are written in
# English for officers and logs, so a refusal is told by its kind, never by its detail.
NOT_NOW = gettext_lazy("This could not be done just now. Please try again.")
LODGE_REFUSED = gettext_lazy(
    "Your grievance could not be lodged just now. Please check the details and try again."
)
FEEDBACK_REFUSED = gettext_lazy(
    "Your answer was already recorded, or the action taken report is no longer waiting for it."
)
REOPEN_REFUSED = gettext_lazy(
    "This grievance cannot be reopened now. Its current status is shown below."
)


def _field_messages(exc: DomainError) -> dict[str, list[str]]:
    """The per-field messages of an InvalidInput (translated where they are raised)."""
    if not isinstance(exc, InvalidInput) or not isinstance(exc.fields, dict):
        return {}
    found: dict[str, list[str]] = {}
    for name, errors in exc.fields.items():
        texts = [str(e) for e in (errors if isinstance(errors, list) else [errors])]
        texts = [t for t in texts if isinstance(t, str) and t]
        if texts:
            found[str(name)] = texts
    return found


def _citizen_messages(exc: DomainError, fallback: Promise) -> list[str]:
    """What the citizen is told about a refusal: the OTP's own messages (written for
    the citizen and translated), an InvalidInput's field messages, or `fallback`."""
    if isinstance(exc, (OtpRateLimited, OtpRefused)):
        return [exc.detail]
    said = [text for texts in _field_messages(exc).values() for text in texts]
    return said or [str(fallback)]


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


# --- lodge ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def lodge_start(request: HttpRequest) -> HttpResponse:
    if _verified_mobile(request, LODGE):
        state = dict(request.session[LODGE])
        if state.pop("linked_to", None):  # a plain lodge, not the follow-up of a closed one
            request.session[LODGE] = state
        return redirect("portal:lodge_form")
    form = StartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        mobile = form.cleaned_data["mobile"]
        try:
            otp_send(
                mobile=mobile,
                purpose="lodge",
                language=_language(),
                client=client_address(request),
            )
        except DomainError as exc:
            for text in _citizen_messages(exc, NOT_NOW):
                form.add_error(None, text)
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
            for text in _citizen_messages(exc, NOT_NOW):
                form.add_error("code", text)
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
        "linked_to": (request.session.get(LODGE) or {}).get("linked_to", ""),
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
                grievance, _created = portal_grievance_lodge(
                    mobile=mobile,
                    citizen_name=str(request.session[LODGE].get("name", "")),
                    kind=data["kind"],
                    category_code=data["category"],
                    area_code=data["area"],
                    description=data["description"],
                    language=_language(),
                    location=location,
                    files=request.FILES.getlist("attachments"),
                    client_key=data["intake_key"],
                    linked_to_number=request.session[LODGE].get("linked_to") or None,
                )
            except DomainError as exc:
                known = {"category", "area", "kind", "description"}
                shown = False
                for name, texts in _field_messages(exc).items():
                    for text in texts:  # the attachments' (and others') above the form
                        form.add_error(name if name in known else None, text)
                        shown = True
                if not shown:
                    form.add_error(None, str(LODGE_REFUSED))
            else:
                state = dict(request.session[LODGE])
                state.pop("linked_to", None)
                request.session[LODGE] = state
                request.session[LODGED] = grievance.number
                request.session[LODGED_LINK] = (
                    grievance.linked_to.number if grievance.linked_to else ""
                )
                return redirect("portal:lodge_done")
    else:
        form = LodgeForm(initial={"intake_key": uuid.uuid4().hex})
    return render(request, "portal/lodge.html", _picker_context(request, form))


def lodge_done(request: HttpRequest) -> HttpResponse:
    number = request.session.get(LODGED)
    if not number:
        return redirect("portal:home")
    context = {"number": number, "linked_to": request.session.get(LODGED_LINK, "")}
    return render(request, "portal/done.html", context)


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
                client=client_address(request),
            )
        except DomainError as exc:
            for text in _citizen_messages(exc, NOT_NOW):
                form.add_error(None, text)
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


def _tracked(request: HttpRequest, number: str) -> tuple[Grievance | None, str]:
    """The grievance and the mobile proved for it by OTP in this session, if any."""
    mobile = _verified_mobile(request, TRACK)
    grievance = selectors.grievance_for_mobile(number=number, mobile=mobile) if mobile else None
    return grievance, mobile or ""


def _status_page(
    request: HttpRequest,
    grievance: Grievance,
    *,
    feedback: FeedbackForm | None = None,
    reopen: ReopenForm | None = None,
) -> HttpResponse:
    view = selectors.citizen_view(grievance=grievance)
    context = {
        "view": view,
        "g": grievance,
        "feedback_form": feedback or FeedbackForm(),
        "reopen_form": reopen or ReopenForm(),
    }
    return render(request, "portal/status.html", context)


def _not_tracked(request: HttpRequest) -> HttpResponse:
    messages.warning(request, _("Enter the grievance number and mobile number to track it."))
    return redirect("portal:track")


def track_status(request: HttpRequest, number: str) -> HttpResponse:
    grievance, _mobile = _tracked(request, number)
    if grievance is None:
        return _not_tracked(request)
    return _status_page(request, grievance)


FEEDBACK_RESULT: dict[str, Promise] = {
    Status.CLOSED: gettext_lazy("Thank you. Your grievance is closed with your consent."),
    Status.CONFLICT: gettext_lazy(
        "Your reply is recorded. The department said it was resolved and you say it is not, "
        "so your grievance has gone to the administrative secretary for clarification."
    ),
    Status.REOPENED: gettext_lazy(
        "Your reply is recorded. Your grievance is reopened and is with the officer again."
    ),
}


@require_http_methods(["POST"])
def track_feedback(request: HttpRequest, number: str) -> HttpResponse:
    """The citizen answers "are you satisfied?" about the action taken report."""
    grievance, mobile = _tracked(request, number)
    if grievance is None:
        return _not_tracked(request)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            grievance = citizen_feedback_give(
                grievance=grievance,
                mobile=mobile,
                satisfied=form.cleaned_data["satisfied"] == "yes",
                reason=form.cleaned_data["reason"],
                channel=FeedbackChannel.PORTAL,
            )
        except InvalidInput as exc:
            fields = _field_messages(exc)
            for text in fields.pop("reason", []):
                form.add_error("reason", text)
            for texts in fields.values():
                for text in texts:
                    form.add_error(None, text)
            if not form.errors:
                form.add_error(None, str(NOT_NOW))
        except DomainError as exc:
            # Answered already (by SMS, or the feedback call) or the ATR was recalled: the
            # form is gone from the page, so say it above the grievance as it is now.
            refused = FEEDBACK_REFUSED if isinstance(exc, TransitionNotAllowed) else NOT_NOW
            messages.error(request, str(refused))
            return redirect("portal:track_status", number=grievance.number)
        else:
            result = FEEDBACK_RESULT.get(grievance.status)
            if result:
                messages.success(request, str(result))
            return redirect("portal:track_status", number=grievance.number)
    return _status_page(request, grievance, feedback=form)


@require_http_methods(["POST"])
def track_reopen(request: HttpRequest, number: str) -> HttpResponse:
    """Not resolved after all: reopen a closed grievance within the window."""
    grievance, mobile = _tracked(request, number)
    if grievance is None:
        return _not_tracked(request)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            grievance = citizen_reopen(
                grievance=grievance, mobile=mobile, reason=form.cleaned_data["reopen_reason"]
            )
        except InvalidInput as exc:
            fields = _field_messages(exc)
            for text in fields.pop("reason", []):
                form.add_error("reopen_reason", text)
            for texts in fields.values():
                for text in texts:
                    form.add_error(None, text)
            if not form.errors:
                form.add_error(None, str(NOT_NOW))
        except DomainError as exc:
            window = selectors.reopen_window(grievance=grievance)
            if window is not None and not window.open:
                messages.error(
                    request,
                    _(
                        "The %(days)s days to reopen this grievance have passed. "
                        "You can lodge a new grievance about it."
                    )
                    % {"days": window.days},
                )
            else:
                refused = REOPEN_REFUSED if isinstance(exc, TransitionNotAllowed) else NOT_NOW
                messages.error(request, str(refused))
            return redirect("portal:track_status", number=grievance.number)
        else:
            messages.success(
                request, _("Your grievance is reopened and is with the officer again.")
            )
            return redirect("portal:track_status", number=grievance.number)
    return _status_page(request, grievance, reopen=form)


@require_http_methods(["POST"])
def track_follow_up(request: HttpRequest, number: str) -> HttpResponse:
    """Lodge a new grievance about a finished one: the lodge form, with the old number
    carried and the mobile already proved by the tracking OTP."""
    grievance, mobile = _tracked(request, number)
    if grievance is None:
        return _not_tracked(request)
    if not selectors.citizen_view(grievance=grievance).follow_up:
        return redirect("portal:track_status", number=grievance.number)
    tracked = request.session.get(TRACK) or {}
    request.session[LODGE] = {
        "mobile": mobile,
        "name": grievance.citizen.name,
        "verified_at": tracked.get("verified_at"),
        "linked_to": grievance.number,
    }
    return redirect("portal:lodge_form")


# --- suggested types (B3) -----------------------------------------------------------

SUGGEST_PER_MINUTE = 60


@require_POST
def lodge_suggest(request: HttpRequest) -> HttpResponse:
    """Suggested complaint types for the description being typed on the lodge page: for
    the session that proved its mobile (as the lodge form itself), as JSON in the shape
    of POST /api/v1/categories/suggest/, names in the page's language."""
    if not _verified_mobile(request, LODGE):
        detail = _("Please confirm your mobile number first.")
        return JsonResponse({"code": "not_verified", "detail": detail}, status=403)
    window = f"portal-suggest:{request.session.session_key}:{int(time.time() // 60)}"
    cache.add(window, 0, timeout=120)
    if cache.incr(window) > SUGGEST_PER_MINUTE:
        detail = _("Too many requests. Please wait a minute.")
        return JsonResponse({"code": "throttled", "detail": detail}, status=429)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = None
    description = body.get("description") if isinstance(body, dict) else None
    kind = body.get("kind") if isinstance(body, dict) else None
    if not isinstance(description, str) or not 3 <= len(description.strip()) <= 8000:
        return JsonResponse(
            {
                "code": "invalid",
                "detail": _("The request has invalid fields."),
                "fields": {"description": [_("Write 3 to 8000 characters.")]},
            },
            status=400,
        )
    found = suggested_types(
        text=description, kind=kind if isinstance(kind, str) and kind in Kind.values else None
    )
    return JsonResponse(
        {
            "model_version": found.model_version,
            "suggestions": [
                {"code": s.code, "name": s.name, "score": s.score} for s in found.suggestions
            ],
        }
    )
