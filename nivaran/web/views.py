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
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from rest_framework import serializers

from nivaran.accounts.forms import SignInForm
from nivaran.accounts.models import User
from nivaran.accounts.roles import POST_ROLES, Role
from nivaran.core.db_router import replica_reads
from nivaran.core.errors import DomainError
from nivaran.core.paging import CappedPaginator, capped_count
from nivaran.duplicates.selectors import duplicate_candidates_for_grievance
from nivaran.exports.kinds import may_export
from nivaran.grievances import quality, selectors
from nivaran.grievances.models import ActionTakenReport, Grievance
from nivaran.grievances.selectors import GrievanceFilters
from nivaran.grievances.workflow import BY_ACTION, allowed_actions, grievance_act
from nivaran.portal import selectors as portal_selectors
from nivaran.shares.views import share_recipients_for
from nivaran.suggestions.selectors import suggested_types
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
    form_class = SignInForm

    def form_invalid(self, form: Any) -> HttpResponse:
        if isinstance(form, SignInForm) and form.locked:
            context = {"message": form.non_field_errors()[0]}
            return render(self.request, "web/locked.html", context, status=429)
        return super().form_invalid(form)


def inbox_filters(*, actor: User, chosen: dict[str, Any]) -> tuple[str, GrievanceFilters]:
    """The inbox's tab and the list it shows, from the valid values of `InboxFilterForm`
    (also the list the inbox's Export button exports)."""
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
    return tab, filters


@login_required
@require_GET
@replica_reads
def inbox(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    now = timezone.now()
    form = InboxFilterForm(request.GET)
    form.is_valid()
    chosen: dict[str, Any] = {
        name: value for name, value in form.cleaned_data.items() if name not in form.errors
    }
    tab, filters = inbox_filters(actor=actor, chosen=chosen)
    counts = selectors.inbox_counts(actor=actor, now=now)
    tabs = [
        ("mine", _("Assigned to me"), *counts["mine"]),
        ("overdue", _("Overdue"), *counts["overdue"]),
        ("emergency", _("Emergency"), *counts["emergency"]),
    ]
    atrs: list[ActionTakenReport] = []
    # H6: what the officers one level below the actor's posts have reported.
    junior_atrs = quality.atrs_for_senior(actor=actor) if actor.role in POST_ROLES else None
    if junior_atrs is not None:
        tabs.append(("atrs", _("ATRs from my juniors"), *capped_count(junior_atrs)))
    elif tab == "atrs":
        tab = "all"
    tabs.append(("all", _("All I can see"), *counts["all"]))
    grievances: list[Grievance] = []
    page: Page[Any]
    if junior_atrs is not None and tab == "atrs":
        page = CappedPaginator(junior_atrs, PAGE_SIZE).get_page(request.GET.get("page"))
        atrs = list(page.object_list)
    else:
        found = selectors.grievance_list(actor=actor, filters=filters, now=now)
        page = CappedPaginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
        grievances = list(page.object_list)
    return render(
        request,
        "web/inbox.html",
        {
            "form": form,
            "tab": tab,
            "tabs": tabs,
            "page": page,
            "grievances": grievances,
            "atrs": atrs,
            "filtered": bool(filters.status or filters.level),
            "now": now,
            "share_recipients": share_recipients_for(actor) if grievances else [],
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
    feedback = list(quality.feedback_of(grievance=grievance))
    actions = [
        {
            "name": action,
            "label": action_label(action),
            "form": action_form(
                action,
                initial=draft.get("data") if draft.get("action") == action else None,
                feedback=feedback,
            ),
            "open": draft.get("action") == action,
        }
        for action in allowed_actions(actor=actor, grievance=grievance)
    ]
    # Beside the type-change form (B3): the types the text reads as, not the present one.
    suggested = (
        suggested_types(
            text=grievance.description,
            kind=grievance.kind,
            exclude=grievance.category,
            limit=3,
        ).suggestions
        if any(a["name"] == "change_type" for a in actions)
        else []
    )
    return render(
        request,
        "web/grievance.html",
        {
            "grievance": grievance,
            "events": list(selectors.grievance_history(grievance=grievance)),
            "evidence": portal_selectors.grievance_evidence(grievance=grievance),
            "actions": actions,
            "feedback": feedback,
            "atrs": list(quality.atrs_of(grievance=grievance)),
            "special_closes": list(quality.special_closes_of(grievance=grievance)),
            "visits": list(quality.field_visits_of(grievance=grievance)),
            "duplicates": duplicate_candidates_for_grievance(
                actor=actor, number=grievance.number or ""
            )
            if actor.role != Role.CITIZEN
            else [],
            "suggested_types": suggested,
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
@shows_domain_errors
def grievance_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    actor = _actor(request)
    if action in BY_ACTION and not BY_ACTION[action].offered:
        raise Http404  # the share's record is taken by the share service only
    grievance = selectors.grievance_get(actor=actor, number=number)
    data = _action_data(request, action)
    try:
        grievance = grievance_act(grievance_id=grievance.pk, actor=actor, action=action, data=data)
    except DomainError as exc:
        labels = {name: str(field.label) for name, field in _form_fields(action).items()}
        flash_domain_error(request, exc, labels=labels)
        # Files cannot be kept for the retry; what was typed and ticked is.
        kept = {name: value for name, value in data.items() if name not in request.FILES}
        request.session[DRAFT_KEY] = {"number": number, "action": action, "data": kept}
    else:
        messages.success(
            request,
            _("%(event)s. The grievance's status is now: %(status)s.")
            % {"event": event_label(action), "status": status_label(grievance.status)},
        )
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("web:grievance", number=number)


NOT_INPUTS = frozenset({"csrfmiddlewaretoken", "next"})


def _action_data(request: HttpRequest, action: str) -> dict[str, Any]:
    """The action's inputs from the form: every value of a list field (the ticked
    acknowledgements, the uploaded documents), the last of any other.

    Blank optional inputs count as not given, as they would from an API client.
    """
    transition = BY_ACTION.get(action)
    lists = (
        {
            name
            for name, field in transition.inputs().fields.items()
            if isinstance(field, serializers.ListField)
        }
        if transition
        else set()
    )
    data: dict[str, Any] = {}
    for name in request.POST:
        if name in NOT_INPUTS:
            continue
        values = [v for v in request.POST.getlist(name) if v.strip()]
        if values:
            data[name] = values if name in lists else values[-1]
    for name in request.FILES:
        if files := request.FILES.getlist(name):
            data[name] = files
    return data


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


@login_required
@require_GET
@shows_domain_errors
def atr_document(request: HttpRequest, number: str, document_id: int) -> HttpResponse:
    """A supporting document of an ATR, only to those who may see the grievance."""
    grievance = selectors.grievance_get(actor=_actor(request), number=number)
    found = next(
        (
            document
            for atr in quality.atrs_of(grievance=grievance)
            for document in atr.documents.all()
            if document.pk == document_id
        ),
        None,
    )
    if found is None:
        raise Http404
    with default_storage.open(found.file.name) as fh:  # at most 5 MB, checked at upload
        response = HttpResponse(fh.read(), content_type=found.content_type)
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=False, filename=found.original_name) or "inline"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
@shows_domain_errors
def special_close_reviews(request: HttpRequest) -> HttpResponse:
    """The profile's reviewer: special closes awaiting review, and the quality counts (U3)."""
    actor = _actor(request)
    # Refuses anyone else (403); the queue is long in a busy state, so a page at a time.
    page = Paginator(quality.special_close_queue(actor=actor), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    scope = quality.quality_scope(actor=actor)
    departments = quality.quality_counts_by_department(within=scope)
    officers = quality.quality_counts_by_officer(within=scope)
    return render(
        request,
        "web/reviews_special_closes.html",
        {
            "page": page,
            "queue": list(page.object_list),
            "departments": departments,
            "officers": officers,
            "may_export": may_export(actor, "special_closes"),
        },
    )
