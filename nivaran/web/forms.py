"""Forms of the officer pages.

The action forms only render the inputs: validation happens once, in the
workflow door, against the transition's `inputs` serializer. A test keeps the
field names of each form equal to its serializer's.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from nivaran.grievances.inputs import SubmitAtrInput
from nivaran.grievances.models import Status
from nivaran.grievances.workflow import BY_ACTION
from nivaran.profiles.loader import active_profile

TEXTAREA = {"rows": 3}


class BootstrapMixin:
    """Gives every widget the Bootstrap class its kind needs."""

    fields: dict[str, forms.Field]

    def _style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class ActionForm(BootstrapMixin, forms.Form):
    """Inputs of one workflow action; field names are the serializer's."""

    action = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{self.action or 'action'}_%s")
        super().__init__(*args, **kwargs)
        self._style()


class InterimReplyForm(ActionForm):
    action = "interim_reply"
    message = forms.CharField(
        label=_("Message to the citizen"), max_length=2000, widget=forms.Textarea(attrs=TEXTAREA)
    )
    expected_by = forms.DateField(
        label=_("Expected resolution date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class SubmitAtrForm(ActionForm):
    action = "submit_atr"
    summary = forms.CharField(
        label=_("Action taken"),
        help_text=_("What was done, as the citizen will read it."),
        max_length=4000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    resolution_type = forms.ChoiceField(
        label=_("Resolution type"), choices=SubmitAtrInput.RESOLUTION_TYPES, initial="resolved"
    )


class RecordFeedbackForm(ActionForm):
    action = "record_feedback"
    satisfied = forms.ChoiceField(
        label=_("Is the citizen satisfied?"),
        choices=[("true", _("Yes, satisfied")), ("false", _("No, not satisfied"))],
        widget=forms.RadioSelect,
    )
    remarks = forms.CharField(
        label=_("Remarks"), required=False, max_length=2000, widget=forms.Textarea(attrs=TEXTAREA)
    )


class ReasonForm(ActionForm):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs=TEXTAREA)
    )


class RejectForm(ReasonForm):
    action = "reject"


class ReopenForm(ReasonForm):
    action = "reopen"


class SpecialCloseForm(ActionForm):
    action = "special_close"
    reason_code = forms.ChoiceField(label=_("Ground for special close"), required=False)
    reason = forms.CharField(
        label=_("Written justification"), max_length=2000, widget=forms.Textarea(attrs=TEXTAREA)
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hindi = get_language() == "hi"
        field = self.fields["reason_code"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Choose a ground"))] + [
            (r.code, r.name_hi if hindi and r.name_hi else r.name)
            for r in active_profile().special_close_reasons
        ]


ACTION_FORMS: dict[str, type[ActionForm]] = {
    form.action: form
    for form in (
        InterimReplyForm,
        SubmitAtrForm,
        RecordFeedbackForm,
        RejectForm,
        SpecialCloseForm,
        ReopenForm,
    )
}


def _field_from(name: str, field: serializers.Field[Any, Any, Any, Any]) -> forms.Field:
    """A form field for a serializer field, for actions without a form of their own."""
    options: dict[str, Any] = {
        "label": capfirst(name.replace("_", " ")),
        "required": field.required,
        "help_text": field.help_text or "",
    }
    if isinstance(field, serializers.BooleanField):
        return forms.ChoiceField(
            choices=[("true", _("Yes")), ("false", _("No"))], widget=forms.RadioSelect, **options
        )
    if isinstance(field, serializers.ChoiceField):
        return forms.ChoiceField(choices=list(field.choices.items()), **options)
    if isinstance(field, serializers.DateField):
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **options)
    if isinstance(field, serializers.IntegerField):
        return forms.IntegerField(**options)
    return forms.CharField(widget=forms.Textarea(attrs=TEXTAREA), **options)


def action_form(action: str, *, initial: dict[str, Any] | None = None) -> ActionForm:
    """The form of an action: its own, or one built from its inputs serializer."""
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        fields = {
            name: _field_from(name, field)
            for name, field in BY_ACTION[action].inputs().fields.items()
        }
        form_class = type(f"{action}_form", (ActionForm,), {"action": action, **fields})
    return form_class(initial=initial)


class InboxFilterForm(BootstrapMixin, forms.Form):
    TABS = ("mine", "overdue", "emergency", "all")

    tab = forms.ChoiceField(choices=[(t, t) for t in TABS], required=False)
    level = forms.TypedChoiceField(
        label=_("Level"),
        choices=[("", _("All levels"))] + [(str(n), f"L{n}") for n in range(1, 5)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses")), *Status.choices], required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()
