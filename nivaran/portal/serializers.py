"""The Citizen API's bodies: inputs checked here, outputs read from the portal's views."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from nivaran.catalog.models import Kind
from nivaran.grievances.models import Grievance
from nivaran.portal.selectors import STATUS_FOR_CITIZEN, CitizenView, label
from nivaran.portal.tokens import SCHEME

LANGUAGES = [("hi", "hi"), ("en", "en")]


class CitizenOtpInput(serializers.Serializer[Any]):
    mobile = serializers.CharField(
        max_length=20, help_text="10-digit Indian mobile number starting with 6-9."
    )
    language = serializers.ChoiceField(
        choices=LANGUAGES,
        required=False,
        help_text="Language of the SMS; by default the request's (Accept-Language).",
    )


class CitizenOtpSentSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    valid_minutes = serializers.IntegerField(help_text="How long the OTP may be used.")


class CitizenTokenInput(serializers.Serializer[Any]):
    mobile = serializers.CharField(max_length=20)
    code = serializers.RegexField(
        r"^\d{6}$",
        help_text="The 6-digit OTP sent by POST /api/v1/citizen/otp/.",
        error_messages={"invalid": _("Enter the 6-digit OTP.")},
    )


class CitizenTokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="Send as `Authorization: Bearer <token>`.")
    token_type = serializers.SerializerMethodField()
    expires_at = serializers.DateTimeField()
    mobile = serializers.CharField(help_text="The mobile the token acts for.")

    def get_token_type(self, obj: Any) -> str:
        return SCHEME


class CitizenLodgeInput(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=120, help_text="The citizen's name.")
    kind = serializers.ChoiceField(
        choices=Kind.choices,
        required=False,
        help_text="Optional: checked against the complaint type's own kind.",
    )
    category = serializers.CharField(
        max_length=40, help_text="Complaint type code (GET /api/v1/categories/)."
    )
    area = serializers.CharField(max_length=40, help_text="Area code (GET /api/v1/areas/).")
    description = serializers.CharField(min_length=10, max_length=5000)
    language = serializers.ChoiceField(
        choices=LANGUAGES,
        required=False,
        help_text="Language of the SMS about it; by default the request's.",
    )
    latitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=Decimal(-90),
        max_value=Decimal(90),
        required=False,
        allow_null=True,
    )
    longitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=Decimal(-180),
        max_value=Decimal(180),
        required=False,
        allow_null=True,
    )
    linked_to = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text="A closed grievance of the same mobile that this one follows up.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (attrs.get("latitude") is None) != (attrs.get("longitude") is None):
            raise serializers.ValidationError(
                {"latitude": [_("Give both latitude and longitude, or neither.")]}
            )
        return attrs


class CitizenLodgeMultipartInput(CitizenLodgeInput):
    """The same fields as a form, with the files (for the schema: the view reads them)."""

    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        max_length=3,
        help_text="Up to 3 photos or documents: JPG, PNG or PDF, 5 MB each.",
    )


class CitizenFeedbackInput(serializers.Serializer[Any]):
    satisfied = serializers.BooleanField(help_text="Is the grievance resolved?")
    reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="What is still not resolved (needed when not satisfied).",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs["satisfied"] and not attrs["reason"].strip():
            raise serializers.ValidationError(
                {"reason": [_("Tell us what is still not resolved.")]}
            )
        return attrs


class CitizenReopenInput(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=2000, help_text="What is still not resolved.")


class CitizenCategoryQuery(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.GRIEVANCE)
    q = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text="Words to find in the name, English or Hindi.",
    )


class CitizenAreaQuery(serializers.Serializer[Any]):
    district = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text="A district's code: its areas. Without it: the districts.",
    )


# --- outputs -----------------------------------------------------------------------


class CitizenChoiceSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField(source="label", help_text="In the request's language.")


class CitizenChoicesSerializer(serializers.Serializer[Any]):
    results = CitizenChoiceSerializer(many=True)


class CitizenAreaSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField(help_text="In the request's language.")
    type = serializers.CharField(help_text="district, block, tehsil, city, gram_panchayat, ward")
    depth = serializers.IntegerField(help_text="0: the district itself; 1: a block; ...")


class CitizenAreasSerializer(serializers.Serializer[Any]):
    results = CitizenAreaSerializer(many=True)


class CitizenCodeNameSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField(help_text="In the request's language.")


STATUS_HELP = "The status code: " + ", ".join(str(s) for s in STATUS_FOR_CITIZEN)
STATUS_TEXT_HELP = "The status in the citizen's words, in the request's language."


class CitizenGrievanceSerializer(serializers.Serializer[Grievance]):
    """One line of the citizen's list."""

    number = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField(help_text=STATUS_HELP)
    status_text = serializers.SerializerMethodField(help_text=STATUS_TEXT_HELP)
    category = serializers.SerializerMethodField()
    registered_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    linked_to = serializers.CharField(source="linked_to.number", allow_null=True, default=None)

    def get_status_text(self, obj: Grievance) -> str:
        return str(STATUS_FOR_CITIZEN.get(obj.status, obj.status))

    @extend_schema_field(CitizenCodeNameSerializer)
    def get_category(self, obj: Grievance) -> dict[str, str]:
        return {"code": obj.category.code, "name": label(obj.category.name, obj.category.name_hi)}


class CitizenHistoryLineSerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    title = serializers.CharField(help_text="What happened, in the citizen's words.")
    text = serializers.CharField(help_text="The office's reply or the reason given, if any.")
    detail = serializers.CharField(help_text="A further detail (a date, a kind), if any.")


class CitizenAtrSerializer(serializers.Serializer[Any]):
    summary = serializers.CharField(help_text="What the department says it did.")
    resolution_type = serializers.CharField(help_text="In the request's language.")
    reason = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    awaiting = serializers.BooleanField(help_text="The citizen's answer is awaited.")


class CitizenReopenWindowSerializer(serializers.Serializer[Any]):
    days = serializers.IntegerField(help_text="The state's window to reopen, in days.")
    until = serializers.DateTimeField(allow_null=True)
    open = serializers.BooleanField()


class CitizenMaySerializer(serializers.Serializer[Any]):
    feedback = serializers.BooleanField(
        help_text="Answer the action taken report: POST .../feedback/."
    )
    reopen = serializers.BooleanField(help_text="Reopen it: POST .../reopen/.")
    follow_up = serializers.BooleanField(
        help_text="Lodge a new grievance about it: POST /api/v1/citizen/grievances/ "
        "with `linked_to`."
    )


class CitizenGrievanceDetailSerializer(serializers.Serializer[CitizenView]):
    """A grievance as its citizen sees it: the portal's tracking page (`citizen_view`)."""

    number = serializers.CharField(source="grievance.number")
    kind = serializers.CharField(source="grievance.kind")
    status = serializers.CharField(source="grievance.status", help_text=STATUS_HELP)
    status_text = serializers.CharField(source="status", help_text=STATUS_TEXT_HELP)
    active = serializers.BooleanField(help_text="With the department, being worked on.")
    category = serializers.SerializerMethodField()
    area = serializers.SerializerMethodField()
    description = serializers.CharField(source="grievance.description")
    channel = serializers.CharField(source="grievance.channel")
    registered_at = serializers.DateTimeField(source="grievance.registered_at")
    updated_at = serializers.DateTimeField(source="grievance.updated_at")
    closed_at = serializers.DateTimeField(source="grievance.closed_at", allow_null=True)
    resolve_by = serializers.SerializerMethodField(
        help_text="The deadline of the officer it is with, while it is being worked on."
    )
    expected_by = serializers.DateField(
        allow_null=True, help_text="The office's own expected date (an interim reply)."
    )
    linked_to = serializers.SerializerMethodField(
        help_text="The earlier grievance this one follows up."
    )
    history = CitizenHistoryLineSerializer(
        many=True, help_text="Oldest first; only what a citizen sees."
    )
    atr = CitizenAtrSerializer(
        source="atr_report", allow_null=True, help_text="The last action taken report."
    )
    reopen = CitizenReopenWindowSerializer(allow_null=True, help_text="For a closed grievance.")
    may = serializers.SerializerMethodField(help_text="What the citizen may do now.")

    @extend_schema_field(CitizenCodeNameSerializer)
    def get_category(self, view: CitizenView) -> dict[str, str]:
        return {"code": view.grievance.category.code, "name": view.category}

    @extend_schema_field(CitizenCodeNameSerializer)
    def get_area(self, view: CitizenView) -> dict[str, str]:
        return {"code": view.grievance.area.code, "name": view.area}

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_resolve_by(self, view: CitizenView) -> str | None:
        due = view.grievance.due_at
        return serializers.DateTimeField().to_representation(due) if view.active and due else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_linked_to(self, view: CitizenView) -> str | None:
        return view.linked_to or None

    @extend_schema_field(CitizenMaySerializer)
    def get_may(self, view: CitizenView) -> dict[str, bool]:
        return {
            "feedback": bool(view.atr_report and view.atr_report.awaiting),
            "reopen": bool(view.reopen and view.reopen.open),
            "follow_up": view.follow_up,
        }
