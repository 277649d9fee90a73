"""The portal's forms: input checks only; the rules live in the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nivaran.accounts.models import mobile_validator
from nivaran.catalog.models import Kind


class _Styled(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if isinstance(widget, forms.RadioSelect):
                continue
            widget.attrs.setdefault("class", css + " form-control-lg")


class MobileField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label=_("Mobile number"),
            max_length=10,
            min_length=10,
            validators=[mobile_validator],
            widget=forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "autocomplete": "tel-national",
                    "pattern": "[6-9][0-9]{9}",
                }
            ),
            **kwargs,
        )


class StartForm(_Styled):
    name = forms.CharField(label=_("Your name"), max_length=120)
    mobile = MobileField(help_text=_("We send a one-time password (OTP) to this number."))


class OtpForm(_Styled):
    code = forms.RegexField(
        label=_("OTP"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("Enter the 6-digit OTP.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": "6"}
        ),
    )


class TrackForm(_Styled):
    number = forms.CharField(label=_("Grievance number"), max_length=20)
    mobile = MobileField(help_text=_("The mobile number given when the grievance was lodged."))


class LodgeForm(_Styled):
    kind = forms.ChoiceField(label=_("What is it?"), choices=Kind.choices)
    category = forms.CharField(label=_("Type of grievance"), max_length=40)
    area = forms.CharField(label=_("Area"), max_length=40)
    description = forms.CharField(
        label=_("Describe it"),
        min_length=10,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Hindi or English. What happened, where, since when."),
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        min_value=Decimal(-90),
        max_value=Decimal(90),
        decimal_places=6,
        max_digits=9,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        min_value=Decimal(-180),
        max_value=Decimal(180),
        decimal_places=6,
        max_digits=9,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    intake_key = forms.CharField(max_length=80, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise forms.ValidationError(_("Give both latitude and longitude, or neither."))
        return data


class FeedbackForm(_Styled):
    """The citizen's word on the action taken report: yes, or no with a reason."""

    satisfied = forms.ChoiceField(
        label=_("Are you satisfied with the action taken?"),
        choices=[("yes", _("Yes, it is resolved")), ("no", _("No, it is not resolved"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Why not? (needed if you are not satisfied)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("satisfied") == "no" and not str(data.get("reason", "")).strip():
            self.add_error("reason", _("Tell us what is still not resolved."))
        return data


class ReopenForm(_Styled):
    reopen_reason = forms.CharField(
        label=_("What is still not resolved?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
