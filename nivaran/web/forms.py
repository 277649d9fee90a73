"""Forms of the officer pages.

The action forms only render the inputs: validation happens once, in the
workflow door, against the transition's `inputs` serializer. A test keeps the
field names of each form equal to its serializer's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from nivaran.catalog.models import Category
from nivaran.core.files import MAX_FILES
from nivaran.grievances.inputs import SubmitAtrInput
from nivaran.grievances.models import FeedbackCall, FeedbackOutcome, Status
from nivaran.grievances.workflow import BY_ACTION
from nivaran.org.models import Department
from nivaran.profiles.loader import active_profile

TEXTAREA = {"rows": 3}


class BootstrapMixin:
    """Gives every widget the Bootstrap class its kind needs."""

    fields: dict[str, forms.Field]

    def _style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(
                widget, forms.RadioSelect | forms.CheckboxInput | forms.CheckboxSelectMultiple
            ):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class ActionForm(BootstrapMixin, forms.Form):
    """Inputs of one workflow action; field names are the serializer's."""

    action = ""
    # Serializer fields the page leaves to the door's default (declared, and tested).
    omitted: frozenset[str] = frozenset()
    multipart = False  # the form carries files

    def __init__(self, *args: Any, feedback: Sequence[FeedbackCall] = (), **kwargs: Any) -> None:
        # The grievance's earlier feedback, for the forms that show it (the ATR's, H5).
        self.feedback = list(feedback)
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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; the door checks them (kind, size, how many)."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return super().clean(data, initial)


class SubmitAtrForm(ActionForm):
    action = "submit_atr"
    multipart = True
    summary = forms.CharField(
        label=_("Action taken"),
        help_text=_("What was done, as the citizen will read it."),
        max_length=4000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    resolution_type = forms.ChoiceField(
        label=_("Resolution type"), choices=SubmitAtrInput.RESOLUTION_TYPES, initial="resolved"
    )
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Required when it is not feasible or a policy matter: why, or which policy."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    documents = MultipleFileField(
        label=_("Supporting documents"),
        help_text=_("Up to %(count)s files: JPG, PNG or PDF, at most 5 MB each.")
        % {"count": MAX_FILES},
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}),
    )
    # One checkbox per earlier feedback, drawn with its details by the page
    # (web/partials/acknowledge_feedback.html): every one must be ticked (H5).
    acknowledged_feedback = forms.MultipleChoiceField(
        label=_("Citizen's earlier feedback read"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["acknowledged_feedback"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(call.pk), str(call.pk)) for call in self.feedback]

    def acknowledged(self) -> set[str]:
        """The feedback ids ticked in a kept draft."""
        value = self.initial.get("acknowledged_feedback") or []
        return {str(v) for v in (value if isinstance(value, list | tuple) else [value])}


class RecordFeedbackForm(ActionForm):
    action = "record_feedback"
    # The channel is the door's to choose for staff (a call) unless an API client says;
    # `satisfied` and `remarks` are v1's first form, kept for API clients only.
    omitted = frozenset({"channel", "atr", "satisfied", "remarks"})
    outcome = forms.ChoiceField(
        label=_("What did the citizen say?"),
        choices=FeedbackOutcome.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("The citizen's reason"),
        help_text=_("Required when the citizen is not satisfied."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    recording_ref = forms.CharField(label=_("Recording reference"), required=False, max_length=200)
    comments = forms.CharField(
        label=_("Comments"), required=False, max_length=2000, widget=forms.Textarea(attrs=TEXTAREA)
    )


class ClarifyConflictForm(ActionForm):
    action = "clarify_conflict"
    clarification = forms.CharField(
        label=_("Clarification"),
        help_text=_("What the department must do, as the officer and the citizen will read it."),
        max_length=4000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    send_to_level = forms.TypedChoiceField(
        label=_("Send back to"),
        choices=[("", _("The level of the disputed ATR"))]
        + [(str(n), f"L{n}") for n in range(1, 5)],
        coerce=int,
        empty_value=None,
        required=False,
    )


class ReviewSpecialCloseForm(ActionForm):
    action = "review_special_close"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("confirm", _("Confirm the special close")),
            ("revert", _("Revert it to its level")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        help_text=_("Required when reverting: why the special close does not stand."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )


class RecallForm(ActionForm):
    action = "recall"
    reasons = forms.CharField(
        label=_("Why the ATR falls short"), max_length=4000, widget=forms.Textarea(attrs=TEXTAREA)
    )
    visit = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReasonForm(ActionForm):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs=TEXTAREA)
    )


class RejectForm(ReasonForm):
    action = "reject"


class ReopenForm(ReasonForm):
    action = "reopen"


def special_close_reason_name(code: str) -> str:
    """A special-close ground's name in the page's language, from the active profile."""
    hindi = get_language() == "hi"
    for r in active_profile().special_close_reasons:
        if r.code == code:
            return r.name_hi if hindi and r.name_hi else r.name
    return code


class SpecialCloseForm(ActionForm):
    action = "special_close"
    reason_code = forms.ChoiceField(label=_("Ground for special close"))
    reason = forms.CharField(
        label=_("Written justification"), max_length=2000, widget=forms.Textarea(attrs=TEXTAREA)
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason_code"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Choose a ground"))] + [
            (r.code, special_close_reason_name(r.code))
            for r in active_profile().special_close_reasons
        ]


def _local(obj: Any) -> str:
    hindi = getattr(obj, "name_hi", "") if get_language() == "hi" else ""
    return str(hindi or obj.name)


def category_choices() -> list[tuple[str, Any]]:
    """Every open complaint type, grouped by department, in the page's language."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for c in (
        Category.objects.filter(is_active=True, selectable=True)
        .select_related("department")
        .order_by("department__name", "name")
    ):
        groups.setdefault(_local(c.department), []).append((c.code, f"{_local(c)} ({c.code})"))
    return [("", _("Choose a complaint type")), *groups.items()]


def department_choices() -> list[tuple[str, Any]]:
    return [("", _("Choose a department"))] + [
        (d.code, _local(d)) for d in Department.objects.filter(is_active=True).order_by("name")
    ]


# pickers.js adds a search box in front of it.
SEARCHABLE = {"data-searchable": "", "data-search-placeholder": _("Search by name or code")}


class ChangeTypeForm(ActionForm):
    action = "change_type"
    category = forms.ChoiceField(
        label=_("Correct complaint type"), widget=forms.Select(attrs=SEARCHABLE)
    )
    reason = forms.CharField(
        label=_("Why the type is changed"), max_length=2000, widget=forms.Textarea(attrs=TEXTAREA)
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()  # type: ignore[attr-defined]


class TransferForm(ActionForm):
    action = "transfer"
    department = forms.ChoiceField(label=_("Department it belongs to"))
    category = forms.ChoiceField(
        label=_("Complaint type in that department"),
        required=False,
        help_text=_("Left empty: the department's 'Others' type."),
        widget=forms.Select(attrs=SEARCHABLE),
    )
    reason = forms.CharField(
        label=_("Why it belongs there"), max_length=2000, widget=forms.Textarea(attrs=TEXTAREA)
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = department_choices()  # type: ignore[attr-defined]
        self.fields["category"].choices = category_choices()  # type: ignore[attr-defined]


class OutOfJurisdictionForm(TransferForm):
    action = "mark_out_of_jurisdiction"
    department = forms.ChoiceField(
        label=_("Department it belongs to"),
        required=False,
        help_text=_("Left empty: the CMO grievance cell re-routes it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [  # type: ignore[attr-defined]
            ("", _("Not known: the CMO grievance cell re-routes it")),
            *department_choices()[1:],
        ]


class MergeForm(ActionForm):
    action = "merge"
    into = forms.CharField(
        label=_("Merge into grievance number"),
        max_length=20,
        help_text=_("The grievance of the same complainant about the same matter; it stays."),
    )
    otp = forms.CharField(
        label=_("OTP sent to your mobile"),
        max_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
    )
    reason = forms.CharField(
        label=_("Why they are one complaint"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )


ACTION_FORMS: dict[str, type[ActionForm]] = {
    form.action: form
    for form in (
        InterimReplyForm,
        SubmitAtrForm,
        RecordFeedbackForm,
        ClarifyConflictForm,
        RejectForm,
        SpecialCloseForm,
        ReviewSpecialCloseForm,
        RecallForm,
        ReopenForm,
        ChangeTypeForm,
        TransferForm,
        OutOfJurisdictionForm,
        MergeForm,
    )
}


def _field_from(name: str, field: serializers.Field[Any, Any, Any, Any]) -> forms.Field:
    """A form field for a serializer field, for actions without a form of their own."""
    options: dict[str, Any] = {
        "label": capfirst(name.replace("_", " ")),
        "required": field.required,
        "help_text": field.help_text or "",
    }
    if isinstance(field, serializers.ListField) and isinstance(field.child, serializers.FileField):
        return MultipleFileField(**options)
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


def action_form(
    action: str,
    *,
    initial: dict[str, Any] | None = None,
    feedback: Sequence[FeedbackCall] = (),
) -> ActionForm:
    """The form of an action: its own, or one built from its inputs serializer."""
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        fields = {
            name: _field_from(name, field)
            for name, field in BY_ACTION[action].inputs().fields.items()
        }
        form_class = type(f"{action}_form", (ActionForm,), {"action": action, **fields})
    form = form_class(initial=initial, feedback=feedback)
    form.multipart = form.multipart or any(
        isinstance(f, forms.FileField) for f in form.fields.values()
    )
    return form


class InboxFilterForm(BootstrapMixin, forms.Form):
    TABS = ("mine", "overdue", "emergency", "atrs", "all")

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
