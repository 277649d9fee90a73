"""Forms of the call-centre pages: the fixed registration format (W3) and the attempt log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from nivaran.callcentre.models import Outcome
from nivaran.catalog.models import Kind
from nivaran.core.phones import mobile_normalise

TEXTAREA = {"rows": 3}


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class RegistrationForm(forms.Form):
    """The pre-defined format a tele-caller fills, field for field grievance_register's."""

    mobile = forms.CharField(
        label=_("Caller's mobile"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "off", "placeholder": "98765 43210"}
        ),
    )
    citizen_name = forms.CharField(label=_("Citizen's name"), max_length=120)
    category = forms.CharField(
        label=_("Complaint type"),
        max_length=40,
        help_text=_("Type a code, or a name in English or Hindi, and pick from the list."),
        widget=forms.TextInput(attrs={"list": "categories", "autocomplete": "off"}),
    )
    district = forms.CharField(label=_("District"), required=False, widget=forms.Select)
    area = forms.CharField(label=_("Block / area"), max_length=40, widget=forms.Select)
    description = forms.CharField(
        label=_("Description"), max_length=4000, widget=forms.Textarea(attrs=TEXTAREA)
    )
    emergency = forms.BooleanField(label=_("Emergency (redress within 24 hours)"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("As the complaint type says")), *Kind.choices],
    )
    # One per form shown: a second submit of the same form (a double press of Enter, a
    # resend after a network hiccup) finds the grievance the first one registered.
    intake_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, prefix_id: str = "", **kwargs: Any) -> None:
        if prefix_id:
            kwargs.setdefault("auto_id", f"id_{prefix_id}_%s")
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_mobile(self) -> str:
        mobile = mobile_normalise(self.cleaned_data["mobile"])
        if mobile is None:
            raise forms.ValidationError(
                _("Give a 10-digit Indian mobile number starting with 6-9.")
            )
        return mobile

    def clean_category(self) -> str:
        # The datalist shows "CODE · name"; a pasted whole label still names its code.
        value: str = self.cleaned_data["category"].strip()
        return value.split(" ", 1)[0]


class AttemptForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs=TEXTAREA)
    )
    next_attempt_at = forms.DateTimeField(
        label=_("Next attempt"),
        required=False,
        help_text=_("If not reached. Empty: two working hours on, within call-centre hours."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


def category_label(code: str, name: str, name_hi: str) -> str:
    hindi = get_language() == "hi"
    names = [name_hi, name] if hindi and name_hi else [name, name_hi]
    return f"{code} · " + " / ".join(n for n in names if n)
