"""What each workflow action takes: validated at the edge, documented in the API schema."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class NoInput(serializers.Serializer[dict[str, object]]):
    pass


class InterimReplyInput(serializers.Serializer[dict[str, object]]):
    message = serializers.CharField(max_length=2000, help_text=_("What the citizen is told."))
    expected_by = serializers.DateField(
        required=False, help_text=_("When the office expects to resolve it.")
    )


class SubmitAtrInput(serializers.Serializer[dict[str, object]]):
    RESOLUTION_TYPES = (
        ("resolved", _("Resolved")),
        ("partly_resolved", _("Partly resolved")),
        ("not_feasible", _("Not feasible")),
        ("policy_matter", _("Policy matter")),
    )
    summary = serializers.CharField(max_length=4000, help_text=_("What was done."))
    resolution_type = serializers.ChoiceField(choices=RESOLUTION_TYPES, default="resolved")


class RecordFeedbackInput(serializers.Serializer[dict[str, object]]):
    satisfied = serializers.BooleanField(help_text=_("Is the citizen satisfied?"))
    remarks = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReasonInput(serializers.Serializer[dict[str, object]]):
    reason = serializers.CharField(max_length=2000)


class SpecialCloseInput(serializers.Serializer[dict[str, object]]):
    reason = serializers.CharField(max_length=2000, help_text=_("Written justification."))
    reason_code = serializers.CharField(
        max_length=60,
        required=False,
        default="",
        allow_blank=True,
        help_text=_("One of the profile's special-close reasons."),
    )
