"""The fields of a partner record, checked at the edge: shape here, master data in services."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from nivaran.catalog.models import Kind
from nivaran.grievances.workflow.intake import MOBILE

# Fields an analyst may correct before accepting (everything but the partner's id).
CORRECTABLE = (
    "citizen_name",
    "mobile",
    "category",
    "area",
    "description",
    "kind",
    "emergency",
    "called_at",
)


class RecordInput(serializers.Serializer[Any]):
    external_id = serializers.CharField(max_length=64, help_text=_("The partner's own id."))
    citizen_name = serializers.CharField(max_length=120)
    mobile = serializers.CharField(max_length=10, help_text=_("10 digits, starting with 6-9."))
    category = serializers.CharField(max_length=40, help_text=_("Complaint type code."))
    area = serializers.CharField(max_length=40, help_text=_("Area code."))
    description = serializers.CharField(max_length=8000, help_text=_("At least 10 characters."))
    kind = serializers.ChoiceField(choices=Kind.choices, required=False, allow_blank=True)
    emergency = serializers.BooleanField(default=False)
    called_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text=_("When the citizen called.")
    )

    def validate_mobile(self, value: str) -> str:
        if not MOBILE.match(value):
            raise serializers.ValidationError(
                _("Give a 10-digit Indian mobile number starting with 6-9.")
            )
        return value

    def validate_description(self, value: str) -> str:
        if len(value.strip()) < 10:
            raise serializers.ValidationError(
                _("Describe the grievance in at least 10 characters.")
            )
        return value.strip()


class BatchInput(serializers.Serializer[Any]):
    records = serializers.ListField(
        child=serializers.JSONField(), min_length=1, max_length=500, help_text=_("1 to 500.")
    )
