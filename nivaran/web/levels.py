"""The level mapping editor (U2) and the gaps report, for the departments' heads and
administrative secretaries (their own departments), the platform administrator (all) and,
for the report, the CMO grievance cell.

Writes go through nivaran.org.services, reads through nivaran.org.selectors and reports;
the rules live there, not here. Domain errors are mapped in web.errors.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nivaran.accounts.models import User
from nivaran.catalog.models import Category
from nivaran.core.errors import DomainError, NotFound, PermissionDenied
from nivaran.geo.models import Area
from nivaran.org import reports, services
from nivaran.org.models import Department, OrgChange, OrgChangeKind
from nivaran.org.selectors import departments_administered, mapping_posts, mapping_rows
from nivaran.web.errors import flash_domain_error, shows_domain_errors
from nivaran.web.exports import Cell, csv_response

SELECT = {"class": "form-select"}


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _indent(area: Area) -> str:
    depth = {"district": 0, "block": 1}.get(area.type, 2)
    return "\u2003" * depth + area.name


class MappingForm(forms.Form):
    """One row of a department's mapping: which post is level N in an area (and type)."""

    area = forms.ChoiceField(label=gettext_lazy("Area"), required=False)
    category = forms.ChoiceField(label=gettext_lazy("Complaint type"), required=False)
    level = forms.TypedChoiceField(
        label=gettext_lazy("Level"),
        choices=[(n, f"L{n}") for n in range(1, 5)],
        coerce=int,
        widget=forms.Select(attrs=SELECT),
    )
    post = forms.ChoiceField(label=gettext_lazy("Post"))

    def __init__(self, *args: object, department: Department, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        areas = Area.objects.exclude(type="state").order_by("path")
        cast(forms.ChoiceField, self.fields["area"]).choices = [("", _("The whole state"))] + [
            (a.code, _indent(a)) for a in areas
        ]
        self.fields["area"].widget.attrs.update(SELECT)
        categories = Category.objects.filter(department=department, is_active=True)
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            ("", _("Every complaint type"))
        ] + [(c.code, f"{c.code} · {c.name}") for c in categories.order_by("code")]
        self.fields["category"].widget.attrs.update(SELECT)
        cast(forms.ChoiceField, self.fields["post"]).choices = [
            (
                p.code,
                f"{p.title} · {p.designation.name}"
                + (f" · {p.holder.get_full_name() or p.holder.username}" if p.holder else ""),
            )
            for p in mapping_posts(department=department)
        ]
        self.fields["post"].widget.attrs.update(SELECT)


LABELS = {
    "area": gettext_lazy("Area"),
    "category": gettext_lazy("Complaint type"),
    "level": gettext_lazy("Level"),
    "post": gettext_lazy("Post"),
}


@login_required
@require_GET
@shows_domain_errors
def index(request: HttpRequest) -> HttpResponse:
    departments = list(departments_administered(actor=_actor(request)).order_by("code"))
    if not departments:
        raise PermissionDenied(
            _("The level mapping is kept by each department's head and administrative secretary.")
        )
    if len(departments) == 1:
        return redirect("web:levels-department", code=departments[0].code)
    return render(request, "web/org/levels_index.html", {"departments": departments})


def _department(code: str) -> Department:
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise NotFound(_("There is no department %(code)s.") % {"code": code})
    return department


@login_required
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def department(request: HttpRequest, code: str) -> HttpResponse:
    actor = _actor(request)
    dept = _department(code)
    rows = list(mapping_rows(actor=actor, department=dept))  # 403 for another department
    form = MappingForm(request.POST or None, department=dept)
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, _("Choose a level and a post from the lists."))
        else:
            data = form.cleaned_data
            try:
                row = services.level_mapping_save(
                    actor=actor,
                    department=dept.code,
                    area=data["area"] or None,
                    category=data["category"] or None,
                    level=data["level"],
                    post=data["post"],
                )
            except DomainError as exc:
                flash_domain_error(request, exc, labels={k: str(v) for k, v in LABELS.items()})
            else:
                messages.success(
                    request,
                    _("L%(level)d is now %(post)s.") % {"level": row.level, "post": row.post.title},
                )
                return redirect("web:levels-department", code=dept.code)
    return render(
        request,
        "web/org/levels.html",
        {
            "department": dept,
            "rows": rows,
            "form": form,
            "changes": [_change_line(c) for c in reports.org_changes(actor=actor, department=dept)],
        },
        status=400 if request.method == "POST" else 200,
    )


def _change_line(change: OrgChange) -> dict[str, object]:
    """One line of the change log: what was there (`old`) and what is there now (`new`)."""
    either = change.new or change.old
    return {
        "at": change.at,
        "by": change.actor_username,
        "role": change.actor_role,
        "nodal": change.kind == OrgChangeKind.NODAL_APPOINTMENT,
        "level": either.get("level"),
        "area": either.get("area") or either.get("unit"),
        "category": either.get("category"),
        "old": change.old.get("post"),
        "new": change.new.get("post"),
    }


@login_required
@require_POST
@shows_domain_errors
def remove(request: HttpRequest, code: str, mapping_id: int) -> HttpResponse:
    try:
        services.level_mapping_remove(actor=_actor(request), mapping_id=mapping_id)
    except DomainError as exc:
        if isinstance(exc, PermissionDenied | NotFound):
            raise
        flash_domain_error(request, exc)
    else:
        messages.success(request, _("The row is removed."))
    return redirect("web:levels-department", code=code)


def _filters(request: HttpRequest) -> reports.GapFilters:
    show = request.GET.get("show", "all")
    return reports.GapFilters(
        department=request.GET.get("department") or None,
        district=request.GET.get("district") or None,
        show=show if show in ("all", "gaps", "vacant") else "all",
    )


@login_required
@require_GET
@shows_domain_errors
def gaps(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    report = reports.gaps_report(actor=_actor(request), filters=filters)
    return render(
        request,
        "web/org/gaps.html",
        {"report": report, "filters": filters, "query": request.GET.urlencode()},
    )


GAP_HEADER = (
    "what",
    "department",
    "district",
    "complaint_type",
    "complaint_type_name",
    "complaint_type_name_hi",
    "missing_levels",
    "problem",
    "post",
    "post_title",
    "designation",
    "area",
)


def gap_rows(report: reports.GapsReport) -> Iterator[Sequence[Cell]]:
    for g in report.gaps:
        yield (
            "incomplete_chain",
            g.department.code,
            g.district.code,
            g.category.code,
            g.category.name,
            g.category.name_hi,
            " ".join(f"L{n}" for n in g.missing),
            g.problem,
            "",
            "",
            "",
            "",
        )
    for p in report.vacant:
        yield (
            "vacant_post",
            p.department.code if p.department else "",
            "",
            "",
            "",
            "",
            "",
            _("no holder"),
            p.code,
            p.title,
            p.designation.name,
            p.area.code,
        )


@login_required
@require_GET
@shows_domain_errors
def gaps_csv(request: HttpRequest) -> StreamingHttpResponse:
    report = reports.gaps_report(actor=_actor(request), filters=_filters(request))
    return csv_response("level-mapping-gaps.csv", GAP_HEADER, gap_rows(report))


urlpatterns = [
    path("levels/", index, name="levels"),
    path("levels/<str:code>/", department, name="levels-department"),
    path("levels/<str:code>/rows/<int:mapping_id>/remove/", remove, name="levels-remove"),
    path("gaps/", gaps, name="gaps"),
    path("gaps.csv", gaps_csv, name="gaps-csv"),
]
