"""The officer's "send me the OTP" before a merge (M5), on the grievance page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nivaran.accounts.models import User
from nivaran.core.clients import client_address
from nivaran.core.errors import DomainError
from nivaran.core.phones import mobile_mask
from nivaran.duplicates.merge_otp import merge_otp_send
from nivaran.web.errors import flash_domain_error
from nivaran.web.views import DRAFT_KEY


@login_required
@require_POST
def merge_otp(request: HttpRequest, number: str) -> HttpResponse:
    actor = request.user
    assert isinstance(actor, User)
    try:
        challenge = merge_otp_send(actor=actor, number=number, client=client_address(request))
    except DomainError as exc:
        flash_domain_error(request, exc)
    else:
        messages.success(
            request,
            _("The OTP is sent to %(mobile)s; the SMS may take a minute.")
            % {"mobile": mobile_mask(challenge.mobile)},
        )
        # The page opens the merge form again, for the code.
        request.session[DRAFT_KEY] = {"number": number, "action": "merge", "data": {}}
    return redirect("web:grievance", number=number)
