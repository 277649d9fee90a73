"""The officer pages: inbox, grievance, and the workflow actions taken from it.

Reads go through nivaran.grievances.selectors (scoped to the signed-in user),
writes through the workflow door; domain errors are mapped in web.errors.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from nivaran.accounts.models import User
from nivaran.accounts.roles import POST_ROLES
from nivaran.core.errors import DomainError
from nivaran.grievances import selectors
from nivaran.grievances.selectors import GrievanceFilters
from nivaran.grievances.workflow import allowed_actions, grievance_act
from nivaran.portal import selectors as portal_selectors
from nivaran.web.errors import flash_domain_error, shows_domain_errors
from nivaran.web.forms import InboxFilterForm, action_form
from nivaran.web.labels import action_label, event_label, status_label

PAGE_SIZE = 25
# The inputs of a failed action, kept for one page view so the officer need not retype them.
DRAFT_KEY = "web:action_draft"


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    now = timezone.now()
    form = InboxFilterForm(request.GET)
    form.is_valid()
    chosen: dict[str, Any] = {
        name: value for name, value in form.cleaned_data.items() if name not in form.errors
    }
    tab = chosen.get("tab") or ("mine" if actor.role in POST_ROLES else "all")
    filters = GrievanceFilters(
        status=chosen.get("status") or None,
        level=chosen.get("level"),
        overdue=True if tab == "overdue" else None,
        assigned_to_me=tab in {"mine", "overdue"},
        emergency=True if tab == "emergency" else None,
        # The officer's queue is what still waits on them, as inbox_counts counts it.
        active_only=tab in {"mine", "emergency"} and not chosen.get("status"),
    )
    grievances = selectors.grievance_list(actor=actor, filters=filters, now=now)
    paginator = Paginator(grievances, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    counts = selectors.inbox_counts(actor=actor, now=now)
    counts["all"] = selectors.grievance_list(
        actor=actor, filters=GrievanceFilters(), now=now
    ).count()
    tabs = [
        ("mine", _("Assigned to me"), counts["mine"]),
        ("overdue", _("Overdue"), counts["overdue"]),
        ("emergency", _("Emergency"), counts["emergency"]),
        ("all", _("All I can see"), counts["all"]),
    ]
    return render(
        request,
        "web/inbox.html",
        {
            "form": form,
            "tab": tab,
            "tabs": tabs,
            "page": page,
            "grievances": list(page.object_list),
            "filtered": bool(filters.status or filters.level),
            "now": now,
        },
    )


@login_required
@require_GET
@shows_domain_errors
def grievance(request: HttpRequest, number: str) -> HttpResponse:
    actor = _actor(request)
    grievance = selectors.grievance_get(actor=actor, number=number)
    draft = request.session.pop(DRAFT_KEY, None)
    if not (isinstance(draft, dict) and draft.get("number") == grievance.number):
        draft = {}
    actions = [
        {
            "name": action,
            "label": action_label(action),
            "form": action_form(
                action, initial=draft.get("data") if draft.get("action") == action else None
            ),
            "open": draft.get("action") == action,
        }
        for action in allowed_actions(actor=actor, grievance=grievance)
    ]
    return render(
        request,
        "web/grievance.html",
        {
            "grievance": grievance,
            "events": list(selectors.grievance_history(grievance=grievance)),
            "evidence": portal_selectors.grievance_evidence(grievance=grievance),
            "actions": actions,
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
@shows_domain_errors
def grievance_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    actor = _actor(request)
    grievance = selectors.grievance_get(actor=actor, number=number)
    # Blank optional inputs count as not given, as they would from an API client.
    data = {
        name: value
        for name, value in request.POST.dict().items()
        if name != "csrfmiddlewaretoken" and isinstance(value, str) and value.strip()
    }
    try:
        grievance = grievance_act(grievance_id=grievance.pk, actor=actor, action=action, data=data)
    except DomainError as exc:
        labels = {name: str(field.label) for name, field in _form_fields(action).items()}
        flash_domain_error(request, exc, labels=labels)
        request.session[DRAFT_KEY] = {"number": number, "action": action, "data": data}
    else:
        messages.success(
            request,
            _("%(event)s. The grievance's status is now: %(status)s.")
            % {"event": event_label(action), "status": status_label(grievance.status)},
        )
    return redirect("web:grievance", number=number)


def _form_fields(action: str) -> dict[str, Any]:
    try:
        return dict(action_form(action).fields)
    except KeyError:  # not an action at all: the door has said so
        return {}


@login_required
@require_GET
@shows_domain_errors
def attachment(request: HttpRequest, number: str, attachment_id: int) -> HttpResponse:
    """A citizen's attachment, only to those who may see the grievance; never a public URL."""
    grievance = selectors.grievance_get(actor=_actor(request), number=number)
    found = portal_selectors.grievance_attachment(grievance=grievance, attachment_id=attachment_id)
    if found is None:
        raise Http404
    with default_storage.open(found.file.name) as fh:  # at most 5 MB, checked at upload
        response = HttpResponse(fh.read(), content_type=found.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response
