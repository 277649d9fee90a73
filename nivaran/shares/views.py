"""The inbox's share over WhatsApp (M3): the chosen grievances to a chosen post."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from nivaran.accounts.models import User
from nivaran.accounts.roles import POST_ROLES
from nivaran.core.errors import DomainError, PermissionDenied
from nivaran.org.models import Post
from nivaran.profiles.loader import active_profile
from nivaran.shares import services
from nivaran.web.errors import flash_domain_error


def share_recipients_for(actor: User) -> list[Post]:
    """The posts the inbox offers to share with; none where sharing is off."""
    if actor.role not in POST_ROLES or not active_profile().rules.get("whatsapp_share"):
        return []
    return services.share_recipients(actor=actor)


@login_required
@require_POST
def share_whatsapp(request: HttpRequest) -> HttpResponse:
    actor = request.user
    assert isinstance(actor, User)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    try:
        if actor.role not in POST_ROLES:
            raise PermissionDenied("Only officers holding a post share grievances.")
        result = services.share_whatsapp(
            actor=actor,
            numbers=request.POST.getlist("grievances"),
            recipient=request.POST.get("recipient", ""),
            link_base=services.site_url(request),
        )
    except DomainError as exc:
        flash_domain_error(request, exc, labels={})
        return redirect(back or "web:inbox")
    return render(
        request,
        "shares/shared.html",
        {"share": result.share, "click_to_chat": result.click_to_chat, "back": back},
    )
