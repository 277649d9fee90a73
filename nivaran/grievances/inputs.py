"""What each workflow action takes: validated at the edge, documented in the API schema."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.fields import empty

from nivaran.core.files import MAX_FILES, attachments_check
from nivaran.grievances.models import FeedbackChannel, FeedbackOutcome, ResolutionType


class NoInput(serializers.Serializer[dict[str, object]]):
    pass


class InterimReplyInput(serializers.Serializer[dict[str, object]]):
    message = serializers.CharField(max_length=2000, help_text=_("What the citizen is told."))
    expected_by = serializers.DateField(
        required=False, help_text=_("When the office expects to resolve it.")
    )


class SubmitAtrInput(serializers.Serializer[dict[str, object]]):
    RESOLUTION_TYPES = ResolutionType.choices
    NEEDS_REASON = frozenset({ResolutionType.NOT_FEASIBLE, ResolutionType.POLICY_MATTER})

    summary = serializers.CharField(max_length=4000, help_text=_("What was done."))
    resolution_type = serializers.ChoiceField(choices=RESOLUTION_TYPES, default="resolved")
    reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Why it is not feasible, or which policy stands in the way."),
    )
    documents = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        max_length=MAX_FILES,
        help_text=_("Supporting documents: JPG, PNG or PDF, at most 5 MB each."),
    )
    acknowledged_feedback = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        help_text=_(
            "Ids of every earlier feedback on the grievance, each seen by the officer (H5)."
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["resolution_type"] in self.NEEDS_REASON and not attrs["reason"].strip():
            raise serializers.ValidationError(
                {"reason": [_("Give the reason when it is not feasible or a policy matter.")]},
                code="needed",
            )
        attrs["documents"] = attachments_check(attrs["documents"], field="documents")
        return attrs


class _AbsentIsUnset(serializers.BooleanField):
    """A boolean that, left out of a form, is not given (DRF reads it as false)."""

    default_empty_html = empty


class RecordFeedbackInput(serializers.Serializer[dict[str, object]]):
    """The citizen's word on the ATR: `outcome`, with `reason` when not satisfied. v1's
    first form, `satisfied` and `remarks`, is accepted for ever: true is `satisfied` (the
    remarks as comments), false is `not_satisfied` (the remarks as the reason)."""

    # The first form's fields and the outcome each stands for.
    SATISFIED_OUTCOME = {True: FeedbackOutcome.SATISFIED, False: FeedbackOutcome.NOT_SATISFIED}

    outcome = serializers.ChoiceField(
        choices=FeedbackOutcome.choices,
        required=False,
        help_text=_(
            "What the citizen said, or that no one answered. Required unless `satisfied` is given."
        ),
    )
    reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The citizen's reason for not being satisfied."),
    )
    recording_ref = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Reference of the call recording."),
    )
    comments = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    atr = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("The ATR the citizen was asked about; refused if it is no longer waiting."),
    )
    channel = serializers.ChoiceField(
        choices=FeedbackChannel.choices,
        required=False,
        help_text=_(
            "How the citizen answered; staff record calls, citizens answer by portal or SMS."
        ),
    )
    satisfied = _AbsentIsUnset(
        required=False,
        help_text=_(
            "The first form of v1: true stands for outcome satisfied, false for not_satisfied. "
            "With outcome, the two must agree. An unanswered call needs outcome unreachable."
        ),
    )
    remarks = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text=_(
            "The first form of v1: the citizen's reason when not satisfied (as reason), "
            "else comments. With reason or comments, the two must agree."
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        satisfied = attrs.pop("satisfied", None)
        remarks = attrs.pop("remarks", None)
        errors: dict[str, list[Any]] = {}
        if satisfied is not None:
            meant = self.SATISFIED_OUTCOME[satisfied]
            if attrs.setdefault("outcome", meant) != meant:
                errors["satisfied"] = [
                    _("satisfied %(value)s does not agree with outcome %(outcome)s.")
                    % {"value": str(satisfied).lower(), "outcome": attrs["outcome"]}
                ]
        if "outcome" not in attrs:
            raise serializers.ValidationError(
                {"outcome": [self.fields["outcome"].error_messages["required"]]}, code="required"
            )
        if remarks is not None and remarks.strip():
            into = "reason" if attrs["outcome"] == FeedbackOutcome.NOT_SATISFIED else "comments"
            if attrs[into].strip() and attrs[into] != remarks:
                errors["remarks"] = [_("remarks does not agree with %(field)s.") % {"field": into}]
            attrs[into] = remarks
        if errors:
            raise serializers.ValidationError(errors, code="disagree")
        if attrs["outcome"] == FeedbackOutcome.NOT_SATISFIED and not attrs["reason"].strip():
            # Named as the caller named it: the first form says remarks.
            field = "reason" if satisfied is None or "reason" in self.initial_data else "remarks"
            raise serializers.ValidationError(
                {field: [_("Record why the citizen is not satisfied.")]}, code="needed"
            )
        return attrs


class ClarifyConflictInput(serializers.Serializer[dict[str, object]]):
    clarification = serializers.CharField(
        max_length=4000, help_text=_("The administrative secretary's clarification (H7).")
    )
    send_to_level = serializers.IntegerField(
        min_value=1,
        max_value=4,
        required=False,
        help_text=_("The level it goes back to; by default the level of the disputed ATR."),
    )


class ReviewSpecialCloseInput(serializers.Serializer[dict[str, object]]):
    decision = serializers.ChoiceField(
        choices=[("confirm", _("Confirm")), ("revert", _("Revert"))],
        help_text=_("Confirm the special close, or revert it to the level it was closed from."),
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["decision"] == "revert" and not attrs["note"].strip():
            raise serializers.ValidationError(
                {"note": [_("Say why the special close is reverted.")]}, code="needed"
            )
        return attrs


class RecallInput(serializers.Serializer[dict[str, object]]):
    reasons = serializers.CharField(
        max_length=4000, help_text=_("Why the ATR falls short of the standard.")
    )
    visit = serializers.IntegerField(
        required=False, min_value=1, help_text=_("The field visit that found it short.")
    )


class ReasonInput(serializers.Serializer[dict[str, object]]):
    reason = serializers.CharField(max_length=2000)


class SpecialCloseInput(serializers.Serializer[dict[str, object]]):
    reason = serializers.CharField(max_length=2000, help_text=_("Written justification."))
    reason_code = serializers.CharField(
        max_length=60, help_text=_("One of the profile's special-close reasons.")
    )


class ChangeTypeInput(serializers.Serializer[dict[str, object]]):
    category = serializers.CharField(
        max_length=40,
        help_text=_("Code of the complaint type it should have been lodged under (M1)."),
    )
    reason = serializers.CharField(max_length=2000, help_text=_("Why the type is changed."))


class RecategoriseInput(serializers.Serializer[dict[str, object]]):
    category = serializers.CharField(
        max_length=40,
        help_text=_("Code of the department's complaint type the grievance moves to (H8)."),
    )
    reason = serializers.CharField(
        max_length=2000, help_text=_("Why it moves: the split, merge or retirement of its type.")
    )


class TransferInput(serializers.Serializer[dict[str, object]]):
    department = serializers.CharField(
        max_length=40, help_text=_("Code of the department the grievance belongs to.")
    )
    category = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "A complaint type of that department; by default its 'Others' type, or the "
            "grievance's own type if it belongs there."
        ),
    )
    reason = serializers.CharField(max_length=2000, help_text=_("Why it belongs there."))


class OutOfJurisdictionInput(TransferInput):
    department = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "Code of the department it belongs to; left out, it goes to the CMO grievance "
            "cell's re-routing queue."
        ),
    )


class ShareWhatsappInput(serializers.Serializer[dict[str, object]]):
    """What the share service (POST /api/v1/shares/whatsapp/) records on each grievance."""

    recipient = serializers.CharField(max_length=60, help_text=_("The recipient's post code."))
    share = serializers.IntegerField(min_value=1, help_text=_("The share's id."))


class MergeInput(serializers.Serializer[dict[str, object]]):
    into = serializers.CharField(
        max_length=20, help_text=_("Number of the grievance this one is merged into (M5).")
    )
    otp = serializers.RegexField(
        r"^\d{6}$",
        help_text=_(
            "The OTP sent to your own mobile by POST /api/v1/grievances/{number}/merge-otp/."
        ),
    )
    reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Why they are one complaint."),
    )
