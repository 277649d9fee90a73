"""Forms of the category pages (web/categories.py): they only parse the page's fields;
the rules are nivaran.catalog.services'."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nivaran.catalog import services
from nivaran.catalog.models import Category, DeadlineUnit, Kind
from nivaran.org.models import Department
from nivaran.web.forms import BootstrapMixin

SPLIT_ROWS = 4  # new types a split form offers


class _Form(BootstrapMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


REASON = forms.CharField(
    label=gettext_lazy("Reason (kept in the log)"),
    max_length=2000,
    widget=forms.Textarea(attrs={"rows": 2}),
)


class DeadlinesFields(_Form):
    deadline_unit = forms.ChoiceField(
        label=gettext_lazy("Deadline unit"),
        required=False,
        choices=[("", gettext_lazy("The profile's default")), *DeadlineUnit.choices],
    )
    l1 = forms.IntegerField(label="L1", required=False, min_value=1, max_value=999)
    l2 = forms.IntegerField(label="L2", required=False, min_value=1, max_value=999)
    l3 = forms.IntegerField(label="L3", required=False, min_value=1, max_value=999)
    l4 = forms.IntegerField(label="L4", required=False, min_value=1, max_value=999)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        levels = [data.get(f"l{n}") for n in range(1, 5)]
        if data.get("deadline_unit") and any(v is None for v in levels):
            raise forms.ValidationError(_("Give all four level deadlines with a unit."))
        if not data.get("deadline_unit") and any(v is not None for v in levels):
            raise forms.ValidationError(_("Choose the unit of the deadlines."))
        return data

    def deadlines(self) -> services.Deadlines | None:
        data = self.cleaned_data
        if not data.get("deadline_unit"):
            return None
        levels = cast(tuple[int, int, int, int], tuple(data[f"l{n}"] for n in range(1, 5)))
        return services.Deadlines(data["deadline_unit"], levels)


class CreateForm(DeadlinesFields):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=40)
    name = forms.CharField(label=gettext_lazy("Name (English)"), max_length=200)
    name_hi = forms.CharField(label=gettext_lazy("Name (Hindi)"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Kind.choices)
    parent = forms.ChoiceField(label=gettext_lazy("Under"), required=False)
    group = forms.BooleanField(
        label=gettext_lazy("A group of types (no grievance is lodged under it)"), required=False
    )
    is_others = forms.BooleanField(label=gettext_lazy("An 'Others' type"), required=False)
    reason = REASON
    field_order = ["code", "name", "name_hi", "kind", "parent", "deadline_unit"]

    def __init__(self, *args: Any, department: Department, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("The top of the tree"))] + [
            (c.code, f"{c.code} · {c.name}")
            for c in Category.objects.filter(department=department, is_active=True).order_by("code")
        ]
        cast(forms.ChoiceField, self.fields["parent"]).choices = choices


class RenameForm(_Form):
    name = forms.CharField(label=gettext_lazy("Name (English)"), max_length=200)
    name_hi = forms.CharField(label=gettext_lazy("Name (Hindi)"), max_length=200)
    reason = REASON


class DeadlinesForm(DeadlinesFields):
    reason = REASON


class RetireForm(_Form):
    reason = REASON


class MergeForm(_Form):
    into = forms.ChoiceField(label=gettext_lazy("Merge into"))
    reason = REASON

    def __init__(self, *args: Any, category: Category, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = Category.objects.filter(
            department_id=category.department_id,
            is_active=True,
            selectable=True,
            kind=category.kind,
        ).exclude(pk=category.pk)
        cast(forms.ChoiceField, self.fields["into"]).choices = [
            ("", _("Choose a complaint type"))
        ] + [(c.code, f"{c.code} · {c.name}") for c in others.order_by("code")]


class SplitForm(_Form):
    retire = forms.BooleanField(
        label=gettext_lazy("Retire the old type (every pending grievance must move)"),
        required=False,
    )
    rest = forms.ChoiceField(label=gettext_lazy("The other pending grievances"), required=False)
    reason = REASON

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, SPLIT_ROWS + 1):
            self.fields[f"code_{n}"] = forms.CharField(
                label=_("Code %(n)d") % {"n": n}, max_length=40, required=False
            )
            self.fields[f"name_{n}"] = forms.CharField(
                label=_("Name (English) %(n)d") % {"n": n}, max_length=200, required=False
            )
            self.fields[f"name_hi_{n}"] = forms.CharField(
                label=_("Name (Hindi) %(n)d") % {"n": n}, max_length=200, required=False
            )
        cast(forms.ChoiceField, self.fields["rest"]).choices = [
            ("", _("Stay under the old type"))
        ] + [(str(n), _("New type %(n)d") % {"n": n}) for n in range(1, SPLIT_ROWS + 1)]
        self._style()

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"code_{n}"], self[f"name_{n}"], self[f"name_hi_{n}"])
            for n in range(1, SPLIT_ROWS + 1)
        ]

    def new_types(self) -> dict[str, services.NewType]:
        """The filled rows by their number ("1".."4")."""
        data = self.cleaned_data
        return {
            str(n): services.NewType(
                data[f"code_{n}"].strip().upper(), data[f"name_{n}"], data[f"name_hi_{n}"]
            )
            for n in range(1, SPLIT_ROWS + 1)
            if data.get(f"code_{n}", "").strip()
        }


class CarveForm(_Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=40)
    name = forms.CharField(label=gettext_lazy("Name (English)"), max_length=200)
    name_hi = forms.CharField(label=gettext_lazy("Name (Hindi)"), max_length=200)
    reason = REASON
