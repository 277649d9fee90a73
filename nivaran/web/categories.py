"""The departments' category trees (H8) and their "Others" share (H9): kept by the
administrative secretaries (their own departments) and the platform administrator (all),
read by the head of department (own) and the CMO grievance cell (all).

Writes go through nivaran.catalog.services, reads through nivaran.catalog.selectors; the
rules live there. A split or merge shows first which pending grievances will move.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from nivaran.accounts.models import User
from nivaran.analytics.selectors import others_share
from nivaran.catalog import services
from nivaran.catalog.assistant import others_grouping
from nivaran.catalog.models import Category, CategoryChange, DeadlineUnit
from nivaran.catalog.selectors import (
    category_changes,
    category_departments_kept,
    category_departments_readable,
    category_tree,
    category_tree_check,
    grievances_to_move,
    pending_counts,
)
from nivaran.core.errors import DomainError, NotFound, PermissionDenied
from nivaran.grievances.deadlines import category_deadlines
from nivaran.org.models import Department
from nivaran.profiles.loader import active_profile
from nivaran.web.category_forms import (
    SPLIT_ROWS,
    CarveForm,
    CreateForm,
    DeadlinesForm,
    MergeForm,
    RenameForm,
    RetireForm,
    SplitForm,
)
from nivaran.web.errors import flash_domain_error, shows_domain_errors

SHOWN = 200  # pending grievances listed on the split and merge pages
LABELS = {
    "code": gettext_lazy("Code"),
    "name": gettext_lazy("Name (English)"),
    "name_hi": gettext_lazy("Name (Hindi)"),
    "kind": gettext_lazy("Kind"),
    "parent": gettext_lazy("Under"),
    "deadline_unit": gettext_lazy("Deadline unit"),
    "deadlines": gettext_lazy("Deadlines"),
    "reason": gettext_lazy("Reason"),
    "into": gettext_lazy("Into"),
    "moves": gettext_lazy("Grievances to move"),
    "rest": gettext_lazy("The other pending grievances"),
}


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _labels() -> dict[str, str]:
    return {k: str(v) for k, v in LABELS.items()}


# --- pages ---------------------------------------------------------------------------


def _department(actor: User, code: str) -> Department:
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise NotFound(_("There is no department %(code)s.") % {"code": code})
    category_tree_check(actor=actor, department=department)  # 403 for another's
    return department


def _category(department: Department, code: str) -> Category:
    category = Category.objects.filter(code=code, department=department).first()
    if category is None:
        raise NotFound(_("There is no category %(code)s.") % {"code": code})
    return category


def _keeps(actor: User, department: Department) -> bool:
    return category_departments_kept(actor=actor).filter(pk=department.pk).exists()


def _shares(departments: list[Department]) -> list[dict[str, Any]]:
    shares = others_share(department_ids=[d.pk for d in departments], months=6, now=timezone.now())
    return [{"department": d, "share": shares[d.pk]} for d in departments]


def _deadlines_text(c: Category) -> str:
    if not c.selectable:
        return ""
    d = category_deadlines(c, active_profile())
    unit = str(DeadlineUnit(d.unit).label) if d.unit in DeadlineUnit.values else d.unit
    own = "" if c.deadline_unit else " · " + _("the profile's default")
    return " / ".join(str(d.for_level(n)) for n in range(1, 5)) + f" ({unit}){own}"


@login_required
@require_GET
@shows_domain_errors
def index(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    departments = list(category_departments_readable(actor=actor).order_by("code"))
    if not departments:
        raise PermissionDenied(
            _("Each department's categories are kept by its administrative secretary.")
        )
    if len(departments) == 1:
        return redirect("web:categories-department", code=departments[0].code)
    return render(request, "web/categories/index.html", {"shares": _shares(departments)})


def _failed(request: HttpRequest, exc: DomainError) -> None:
    if isinstance(exc, PermissionDenied | NotFound):
        raise exc
    flash_domain_error(request, exc, labels=_labels())


def _form_errors(request: HttpRequest, form: forms.Form) -> None:
    pairs = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            pairs.append(f"{label}: {error}" if label else str(error))
    messages.error(request, _("Please correct the form.") + " " + " ".join(pairs))


@login_required
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def department(request: HttpRequest, code: str) -> HttpResponse:
    actor = _actor(request)
    dept = _department(actor, code)
    form = CreateForm(request.POST or None, department=dept)
    if request.method == "POST":
        if not _keeps(actor, dept):
            raise PermissionDenied(_("Only the department's administrative secretary edits."))
        if not form.is_valid():
            _form_errors(request, form)
        else:
            data = form.cleaned_data
            try:
                c = services.category_create(
                    actor=actor,
                    department=dept.code,
                    code=data["code"],
                    name=data["name"],
                    name_hi=data["name_hi"],
                    kind=data["kind"],
                    parent=data["parent"] or None,
                    selectable=not data["group"],
                    is_others=data["is_others"],
                    deadlines=form.deadlines(),
                    reason=data["reason"],
                )
            except DomainError as exc:
                _failed(request, exc)
            else:
                messages.success(request, _("%(code)s is created.") % {"code": c.code})
                return redirect("web:categories-department", code=dept.code)
    counts = pending_counts(department=dept)
    nodes = category_tree(actor=actor, department=dept, counts=counts)
    return render(
        request,
        "web/categories/department.html",
        {
            "department": dept,
            "rows": [
                # Bootstrap's padding classes stand for the depth (no inline style: the CSP).
                {
                    "node": n,
                    "deadlines": _deadlines_text(n.category),
                    "indent": min(5, 2 + 2 * n.depth),
                }
                for n in nodes
            ],
            "form": form,
            "counted_at": counts.at,
            "can_edit": _keeps(actor, dept),
            "share": _shares([dept])[0]["share"],
            "changes": [_change_line(ch) for ch in category_changes(actor=actor, department=dept)],
        },
        status=400 if request.method == "POST" else 200,
    )


def _change_line(change: CategoryChange) -> CategoryChange:
    """A log row with what the page says of it: where it went, how many moved."""
    into = change.new.get("into")
    change.into = ", ".join(into) if isinstance(into, list) else (into or "")  # type: ignore[attr-defined]
    change.moved = len(change.new.get("moved") or {})  # type: ignore[attr-defined]
    return change


@login_required
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def category(request: HttpRequest, code: str, category_code: str) -> HttpResponse:
    actor = _actor(request)
    dept = _department(actor, code)
    c = _category(dept, category_code)
    op = request.POST.get("op", "") if request.method == "POST" else ""
    initial_deadlines = {
        "deadline_unit": c.deadline_unit,
        **{f"l{n}": getattr(c, f"deadline_l{n}") for n in range(1, 5)},
    }
    forms_ = {
        "rename": RenameForm(
            request.POST if op == "rename" else None,
            initial={"name": c.name, "name_hi": c.name_hi},
            prefix="rename",
        ),
        "deadlines": DeadlinesForm(
            request.POST if op == "deadlines" else None, initial=initial_deadlines, prefix="dl"
        ),
        "retire": RetireForm(request.POST if op == "retire" else None, prefix="retire"),
    }
    if request.method == "POST":
        if not _keeps(actor, dept):
            raise PermissionDenied(_("Only the department's administrative secretary edits."))
        form = forms_.get(op)
        if form is None:
            messages.error(request, _("Choose what to change."))
        elif not form.is_valid():
            _form_errors(request, form)
        else:
            data = form.cleaned_data
            try:
                if op == "rename":
                    services.category_rename(
                        actor=actor,
                        code=c.code,
                        name=data["name"],
                        name_hi=data["name_hi"],
                        reason=data["reason"],
                    )
                elif op == "deadlines":
                    assert isinstance(form, DeadlinesForm)
                    services.category_deadlines_set(
                        actor=actor, code=c.code, deadlines=form.deadlines(), reason=data["reason"]
                    )
                else:
                    services.category_retire(actor=actor, code=c.code, reason=data["reason"])
            except DomainError as exc:
                _failed(request, exc)
            else:
                messages.success(request, _("%(code)s is saved.") % {"code": c.code})
                return redirect("web:categories-category", code=dept.code, category_code=c.code)
    return render(
        request,
        "web/categories/category.html",
        {
            "department": dept,
            "category": c,
            "deadlines": _deadlines_text(c),
            "pending": grievances_to_move(actor=actor, category=c).count(),
            "forms": forms_,
            "can_edit": _keeps(actor, dept) and c.is_active,
        },
        status=400 if request.method == "POST" else 200,
    )


def _editable(actor: User, dept: Department, c: Category) -> None:
    if not _keeps(actor, dept):
        raise PermissionDenied(_("Only the department's administrative secretary edits."))
    if not c.is_active or not c.selectable:
        raise NotFound(_("%(code)s is not an open complaint type.") % {"code": c.code})


@login_required
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def merge(request: HttpRequest, code: str, category_code: str) -> HttpResponse:
    actor = _actor(request)
    dept = _department(actor, code)
    c = _category(dept, category_code)
    _editable(actor, dept, c)
    form = MergeForm(request.POST or None, category=c)
    if request.method == "POST":
        if not form.is_valid():
            _form_errors(request, form)
        else:
            try:
                target = services.category_merge(
                    actor=actor,
                    code=c.code,
                    into=form.cleaned_data["into"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as exc:
                _failed(request, exc)
            else:
                messages.success(
                    request,
                    _("%(code)s is merged into %(into)s and retired.")
                    % {"code": c.code, "into": target.code},
                )
                return redirect("web:categories-department", code=dept.code)
    moving = grievances_to_move(actor=actor, category=c)
    return render(
        request,
        "web/categories/merge.html",
        {
            "department": dept,
            "category": c,
            "form": form,
            "count": moving.count(),
            "grievances": list(moving[:SHOWN]),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def split(request: HttpRequest, code: str, category_code: str) -> HttpResponse:
    actor = _actor(request)
    dept = _department(actor, code)
    c = _category(dept, category_code)
    _editable(actor, dept, c)
    form = SplitForm(request.POST or None)
    moving = grievances_to_move(actor=actor, category=c)
    shown = list(moving[:SHOWN])
    if request.method == "POST":
        if not form.is_valid():
            _form_errors(request, form)
        else:
            new = form.new_types()
            chosen = {
                key.removeprefix("move_"): str(request.POST.get(key, ""))
                for key in request.POST
                if key.startswith("move_") and request.POST.get(key)
            }
            bad = [v for v in [*chosen.values(), form.cleaned_data["rest"]] if v and v not in new]
            if bad:
                messages.error(
                    request, _("Grievances can move only to a new type with a code given.")
                )
            else:
                try:
                    made = services.category_split(
                        actor=actor,
                        code=c.code,
                        into=list(new.values()),
                        moves={n: new[v].code for n, v in chosen.items()},
                        rest=new[form.cleaned_data["rest"]].code
                        if form.cleaned_data["rest"]
                        else None,
                        retire=form.cleaned_data["retire"],
                        reason=form.cleaned_data["reason"],
                    )
                except DomainError as exc:
                    _failed(request, exc)
                else:
                    messages.success(
                        request,
                        _("%(code)s is split into %(codes)s.")
                        % {"code": c.code, "codes": ", ".join(m.code for m in made)},
                    )
                    return redirect("web:categories-department", code=dept.code)
    return render(
        request,
        "web/categories/split.html",
        {
            "department": dept,
            "category": c,
            "form": form,
            "count": moving.count(),
            "grievances": [
                {"g": g, "chosen": request.POST.get(f"move_{g.number}", "")} for g in shown
            ],
            "targets": [str(n) for n in range(1, SPLIT_ROWS + 1)],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def assistant(request: HttpRequest, code: str, category_code: str) -> HttpResponse:
    """The re-categorisation assistant on an "Others" type: proposed new types, each
    accepted with a code, names and the grievances that move."""
    actor = _actor(request)
    dept = _department(actor, code)
    c = _category(dept, category_code)
    _editable(actor, dept, c)
    if not c.is_others:
        raise NotFound(_("The assistant works on an 'Others' type."))
    if request.method == "POST" and request.POST.get("op") == "regroup":
        others_grouping(actor=actor, category=c, fresh=True)
        messages.success(request, _("The pile is grouped again."))
        return redirect("web:categories-assistant", code=dept.code, category_code=c.code)
    form = CarveForm(request.POST or None)
    if request.method == "POST":
        numbers = [str(n) for n in request.POST.getlist("numbers") if n]
        if not form.is_valid():
            _form_errors(request, form)
        elif not numbers:
            messages.error(request, _("Choose the grievances that move to the new type."))
        else:
            data = form.cleaned_data
            try:
                new = services.category_carve(
                    actor=actor,
                    code=c.code,
                    into=services.NewType(data["code"], data["name"], data["name_hi"]),
                    numbers=numbers,
                    reason=data["reason"],
                )
            except DomainError as exc:
                _failed(request, exc)
            else:
                messages.success(
                    request,
                    _("%(code)s is created; %(count)d grievances moved to it.")
                    % {"code": new.code, "count": len(numbers)},
                )
                return redirect("web:categories-assistant", code=dept.code, category_code=c.code)
    grouping = others_grouping(actor=actor, category=c)
    for p in grouping.proposals:
        for g in p.grievances:
            # As `truncatechars:140`, without its cost on up to PILE_LIMIT rows per page.
            text = g.description
            g.excerpt = text if len(text) <= 140 else text[:139] + "…"  # type: ignore[attr-defined]
    return render(
        request,
        "web/categories/assistant.html",
        {
            "department": dept,
            "category": c,
            "grouping": grouping,
            "groups_minutes": settings.NIVARAN_CATALOG_GROUPS_SECONDS // 60,
            "proposals": grouping.proposals,
            "pending": grouping.pending,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


urlpatterns = [
    path("", index, name="categories"),
    path("<str:code>/", department, name="categories-department"),
    path("<str:code>/types/<str:category_code>/", category, name="categories-category"),
    path("<str:code>/types/<str:category_code>/merge/", merge, name="categories-merge"),
    path("<str:code>/types/<str:category_code>/split/", split, name="categories-split"),
    path(
        "<str:code>/types/<str:category_code>/assistant/",
        assistant,
        name="categories-assistant",
    ),
]
