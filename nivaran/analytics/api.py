"""REST API v1 for the analytics: thin views over the rankings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from nivaran.accounts.models import User
from nivaran.analytics.dashboard import (
    dashboard_compute,
    dashboard_filters,
    dashboard_period,
    transparency_figures,
)
from nivaran.analytics.drives import (
    DriveFilter,
    drive_burn_down,
    drive_declare,
    drive_departments,
    drive_get,
    drives_visible_to,
)
from nivaran.analytics.packs import KINDS as PACK_KINDS
from nivaran.analytics.packs import pack_subject, week_parse, weekly_pack
from nivaran.analytics.ranking import COMPONENTS, SCOPES, Period, period_parse, ranking_compute
from nivaran.analytics.rollups import local_day
from nivaran.core.clients import client_address
from nivaran.core.db_router import replica_reads
from nivaran.core.errors import InvalidInput, PermissionDenied
from nivaran.grievances.api import ErrorSerializer
from nivaran.grievances.models import Channel
from nivaran.profiles.loader import RANKING_COMPONENTS_SORTED


class RankingPeriodSerializer(serializers.Serializer[Any]):
    start = serializers.DateField()
    end = serializers.DateField(help_text="Included.")


class RankingComponentSerializer(serializers.Serializer[Any]):
    code = serializers.ChoiceField(choices=RANKING_COMPONENTS_SORTED)
    name = serializers.CharField(source="label")
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    rate = serializers.FloatField(
        allow_null=True, help_text="numerator / denominator; null when it does not apply."
    )
    weight = serializers.FloatField(help_text="The points the profile gives it.")
    points = serializers.FloatField(
        allow_null=True, help_text="weight x the good share (rate, or 1 - rate)."
    )
    applicable = serializers.BooleanField(
        help_text="False when the denominator is 0 (or no pending snapshot exists for "
        "the period): the component's weight is left out of the score."
    )


class RankingVolumeSerializer(serializers.Serializer[Any]):
    registered = serializers.IntegerField()
    disposed = serializers.IntegerField()
    pending = serializers.IntegerField(help_text="At the period's end.")


class RankingEntrySerializer(serializers.Serializer[Any]):
    rank = serializers.IntegerField(help_text="1 is the worst.")
    key = serializers.CharField(
        help_text="Department code, district code or the officer's username."
    )
    name = serializers.CharField()
    score = serializers.FloatField(allow_null=True, help_text="0-100; higher is better.")
    grade = serializers.CharField(allow_null=True)
    previous_rank = serializers.IntegerField(allow_null=True)
    previous_score = serializers.FloatField(allow_null=True)
    score_change = serializers.FloatField(
        allow_null=True, help_text="score - previous_score: above 0 is an improvement."
    )
    volume = RankingVolumeSerializer()
    components = RankingComponentSerializer(many=True)


class RankingWeightSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    points = serializers.FloatField()
    higher_is_better = serializers.BooleanField()
    explain = serializers.CharField(help_text="How the rate is computed.")


class RankingGradeSerializer(serializers.Serializer[Any]):
    grade = serializers.CharField()
    min = serializers.FloatField(help_text="The lowest score with this grade.")


class RankingFormulaSerializer(serializers.Serializer[Any]):
    text = serializers.CharField()
    weights = RankingWeightSerializer(many=True)
    grades = RankingGradeSerializer(many=True)


class RankingSerializer(serializers.Serializer[Any]):
    scope = serializers.ChoiceField(choices=SCOPES)
    period = RankingPeriodSerializer()
    previous_period = RankingPeriodSerializer()
    pending_as_of = serializers.DateField(
        allow_null=True, help_text="The day of the pending snapshot the stock components read."
    )
    formula = RankingFormulaSerializer()
    entries = RankingEntrySerializer(many=True)


FORMULA_TEXT = (
    "score = 100 x sum(points x good share) / sum(points of the components that apply); "
    "good share = rate where higher is better, else 1 - rate."
)


def ranking_payload(ranking: Any) -> dict[str, Any]:
    return {
        "scope": ranking.scope,
        "period": {"start": ranking.period.start, "end": ranking.period.end},
        "previous_period": {
            "start": ranking.previous_period.start,
            "end": ranking.previous_period.end,
        },
        "pending_as_of": ranking.pending_as_of,
        "formula": {
            "text": FORMULA_TEXT,
            "weights": [
                {
                    "code": code,
                    "name": str(COMPONENTS[code].label),
                    "points": points,
                    "higher_is_better": COMPONENTS[code].higher_is_better,
                    "explain": str(COMPONENTS[code].explain),
                }
                for code, points in ranking.formula.weights.items()
            ],
            "grades": ranking.formula.grades,
        },
        "entries": ranking.entries,
    }


class RankingApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "period",
                str,
                description="YYYY-MM-DD..YYYY-MM-DD, both days included (at most 366 days); "
                "by default the last complete week, Monday to Sunday.",
            ),
            OpenApiParameter("scope", str, enum=list(SCOPES), description="Default department."),
        ],
        responses={200: RankingSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
        description="Departments, districts or officers, worst first, each with its score, "
        "grade, every component of the score and its movement since the previous period of "
        "the same length. The profile sets the components' points. Figures come from the "
        "analytics rollups (refreshed in the background). Staff only; the officers' ranking "
        "lists only officers whose posts the caller's own posts cover (all for statewide roles).",
    )
    @replica_reads
    def get(self, request: Request) -> Response:
        actor = request.user
        assert isinstance(actor, User)
        period = period_parse(request.query_params.get("period"), today=local_day(timezone.now()))
        ranking = ranking_compute(
            actor=actor, scope=request.query_params.get("scope") or "department", period=period
        )
        return Response(RankingSerializer(ranking_payload(ranking)).data)


class FigureCountSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()


class LevelFiguresSerializer(serializers.Serializer[Any]):
    level = serializers.IntegerField()
    pending = serializers.IntegerField()
    waiting = serializers.IntegerField(help_text="Waiting on an officer: active or conflict.")
    overdue = serializers.IntegerField()


class PackCategorySerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    registered = serializers.IntegerField()
    share = serializers.FloatField(help_text="Of the week's registrations, 0-1.")
    is_others = serializers.BooleanField()


class PackSubjectSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=PACK_KINDS)
    code = serializers.CharField()
    name = serializers.CharField()


class PackIssueSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=["spike", "persistent", "widespread"])
    kind_label = serializers.CharField()
    category = serializers.CharField()
    district = serializers.CharField(allow_null=True, help_text="Null: statewide.")
    count = serializers.IntegerField()
    baseline = serializers.FloatField()
    acknowledged = serializers.BooleanField()


class PackStandingSerializer(RankingEntrySerializer):
    of = serializers.IntegerField(help_text="How many are scored in the same ranking.")


class WeeklyPackSerializer(serializers.Serializer[Any]):
    subject = PackSubjectSerializer()
    week = RankingPeriodSerializer()
    pending_as_of = serializers.DateField(allow_null=True)
    pending = serializers.IntegerField()
    flows = FigureCountSerializer(many=True)
    age_buckets = FigureCountSerializer(many=True)
    levels = LevelFiguresSerializer(many=True)
    top_categories = PackCategorySerializer(many=True)
    others_share = serializers.FloatField(allow_null=True)
    standing = PackStandingSerializer(allow_null=True)
    officers = RankingEntrySerializer(many=True)
    systemic_issues = PackIssueSerializer(
        many=True, help_text="The systemic issues detected in the week, as far as the caller sees."
    )


def pack_payload(pack: Any) -> dict[str, Any]:
    standing = None
    if pack.standing is not None:
        standing = {**pack.standing.__dict__, "of": pack.standing_of}
    return {
        "subject": {
            "kind": pack.subject.kind,
            "code": pack.subject.code,
            "name": pack.subject.name,
        },
        "week": {"start": pack.week.start, "end": pack.week.end},
        "pending_as_of": pack.pending_as_of,
        "pending": pack.pending,
        "flows": [{"code": c, "name": n, "count": v} for c, n, v in pack.flows],
        "age_buckets": [{"code": c, "name": n, "count": v} for c, n, v in pack.age_buckets],
        "levels": pack.levels,
        "top_categories": pack.top_categories,
        "others_share": pack.others_share,
        "standing": standing,
        "officers": pack.officers,
        "systemic_issues": pack.systemic,
    }


class WeeklyPackApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "week",
                str,
                description="Any day of the week wanted (YYYY-MM-DD); the pack covers its "
                "Monday to Sunday. By default the last complete week.",
            )
        ],
        responses={200: WeeklyPackSerializer, 400: ErrorSerializer, 403: ErrorSerializer,
                   404: ErrorSerializer},
        description="The weekly review pack of a department or a district (U6): pending by "
        "age and by level at the week's end, the week's figures, the top complaint types "
        "and the share under Others, the subject's place in the ranking with every "
        "component, and its officers worst first. The same figures as the page, the Excel "
        "file and the PDF. For the department's head, secretary and nodal officer, the "
        "district administration of the district, and statewide roles.",
    )  # fmt: skip
    @replica_reads
    def get(self, request: Request, kind: str, code: str) -> Response:
        actor = request.user
        assert isinstance(actor, User)
        subject = pack_subject(actor=actor, kind=kind, code=code)
        week = week_parse(request.query_params.get("week"), today=local_day(timezone.now()))
        pack = weekly_pack(actor=actor, subject=subject, week=week)
        return Response(WeeklyPackSerializer(pack_payload(pack)).data)


class DriveFilterSerializer(serializers.Serializer[Any]):
    district = serializers.CharField(
        required=False, max_length=40, help_text="An area code: it and all under it."
    )
    category = serializers.CharField(
        required=False, max_length=40, help_text="A complaint type of the department."
    )
    level = serializers.IntegerField(required=False, min_value=1, max_value=4)
    older_than_days = serializers.IntegerField(required=False, min_value=0, max_value=3650)
    overdue_only = serializers.BooleanField(required=False, default=False)


class DriveInputSerializer(serializers.Serializer[Any]):
    department = serializers.CharField(max_length=20, help_text="Department code.")
    name = serializers.CharField(max_length=200)
    target_date = serializers.DateField()
    filters = DriveFilterSerializer(required=False)


class BurnDownDaySerializer(serializers.Serializer[Any]):
    day = serializers.DateField()
    remaining = serializers.IntegerField(
        allow_null=True, help_text="Still pending at the day's end; null for days to come."
    )
    ideal = serializers.FloatField(help_text="The straight line from the total to 0.")


class DriveSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    department = serializers.CharField(source="department.code")
    name = serializers.CharField()
    target_date = serializers.DateField()
    filters = serializers.DictField(child=serializers.JSONField())
    declared_by = serializers.CharField(source="declared_by.username")
    declared_at = serializers.DateTimeField()
    total = serializers.IntegerField()


class DriveDetailSerializer(DriveSerializer):
    remaining = serializers.IntegerField()
    cleared = serializers.IntegerField()
    on_track = serializers.BooleanField(allow_null=True)
    burn_down = BurnDownDaySerializer(many=True)


def drive_payload(drive: Any) -> dict[str, Any]:
    burn = drive_burn_down(drive)
    return {
        **DriveSerializer(drive).data,
        "remaining": burn.remaining,
        "cleared": burn.cleared,
        "on_track": burn.on_track,
        "burn_down": [{"day": d, "remaining": r, "ideal": i} for d, r, i in burn.days],
    }


class DriveListApi(APIView):
    @extend_schema(
        responses={200: DriveSerializer(many=True), 403: ErrorSerializer},
        description="The drives of the departments the caller follows (their head, "
        "secretary and nodal officer; the CMO grievance cell: all), latest first.",
    )
    def get(self, request: Request) -> Response:
        actor = request.user
        assert isinstance(actor, User)
        if not drive_departments(actor=actor).exists():
            raise PermissionDenied(_("Drives are for the departments and the CMO grievance cell."))
        drives = drives_visible_to(actor=actor)[:200]
        return Response(DriveSerializer(drives, many=True).data)

    @extend_schema(
        request=DriveInputSerializer,
        responses={201: DriveDetailSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
        description="Declare a drive (U6): the department's grievances not yet finished that "
        "match the filter now become its set (at most 50,000), to be cleared by the target "
        "date; its burn-down is recorded day by day.",
    )
    def post(self, request: Request) -> Response:
        actor = request.user
        assert isinstance(actor, User)
        body = DriveInputSerializer(data=request.data)
        if not body.is_valid():
            raise InvalidInput(_("Invalid drive."), fields=body.errors)
        data = body.validated_data
        drive = drive_declare(
            actor=actor,
            department=data["department"],
            name=data["name"],
            target_date=data["target_date"],
            filters=DriveFilter(**data.get("filters", {})),
        )
        return Response(drive_payload(drive), status=201)


class DriveDetailApi(APIView):
    @extend_schema(
        responses={200: DriveDetailSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
        description="A drive with its burn-down: each day's remaining count and the ideal line.",
    )
    def get(self, request: Request, drive_id: int) -> Response:
        actor = request.user
        assert isinstance(actor, User)
        return Response(drive_payload(drive_get(actor=actor, drive_id=drive_id)))


class FiguresRowSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    registered = serializers.IntegerField()
    disposed = serializers.IntegerField()
    pending = serializers.IntegerField()
    overdue = serializers.IntegerField()
    age_over_50 = serializers.IntegerField(help_text="Pending for over 50 days.")
    disposed_in_time_rate = serializers.FloatField(allow_null=True)
    satisfaction_rate = serializers.FloatField(allow_null=True)
    special_close_share = serializers.FloatField(allow_null=True)


class FigureRatesSerializer(serializers.Serializer[Any]):
    disposed_in_time = serializers.FloatField(allow_null=True)
    satisfaction = serializers.FloatField(allow_null=True)
    special_close_share = serializers.FloatField(allow_null=True)
    reopen_rate = serializers.FloatField(allow_null=True)
    overdue_share = serializers.FloatField(allow_null=True)


class PublicFiguresSerializer(serializers.Serializer[Any]):
    period = RankingPeriodSerializer()
    pending_as_of = serializers.DateField(allow_null=True)
    totals = serializers.DictField(child=serializers.IntegerField())
    rates = FigureRatesSerializer()
    departments = FiguresRowSerializer(many=True)
    districts = FiguresRowSerializer(many=True)


class DashboardDaySerializer(serializers.Serializer[Any]):
    day = serializers.DateField()
    registered = serializers.IntegerField()
    disposed = serializers.IntegerField()


class DashboardSerializer(serializers.Serializer[Any]):
    period = RankingPeriodSerializer()
    pending_as_of = serializers.DateField(allow_null=True)
    totals = serializers.DictField(child=serializers.IntegerField())
    rates = FigureRatesSerializer()
    trend = DashboardDaySerializer(many=True)
    channels = FigureCountSerializer(many=True)
    age_buckets = FigureCountSerializer(many=True)
    levels = LevelFiguresSerializer(many=True)
    categories = FigureCountSerializer(many=True)
    districts = FiguresRowSerializer(many=True)
    departments = FiguresRowSerializer(many=True)


def _period_or_default(request: Request) -> Period:
    return dashboard_period(request.query_params, today=local_day(timezone.now()))


DASHBOARD_PARAMETERS = [
    OpenApiParameter("period", str, description="YYYY-MM-DD..YYYY-MM-DD; default the last "
                     "30 days, today included (or start= and end=)."),
    OpenApiParameter("start", OpenApiTypes.DATE),
    OpenApiParameter("end", OpenApiTypes.DATE),
]  # fmt: skip


class DashboardApi(APIView):
    @extend_schema(
        parameters=[
            *DASHBOARD_PARAMETERS,
            OpenApiParameter("department", str, description="Department code"),
            OpenApiParameter("district", str, description="District code"),
            OpenApiParameter("category", str, description="Complaint type code (flows only)"),
            OpenApiParameter("level", int, description="1-4 (pending figures only)"),
            OpenApiParameter("channel", str, enum=Channel.values, description="Flows only"),
        ],
        responses={200: DashboardSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
        description="The dashboard's figures (X6): totals and rates, registered and disposed "
        "day by day, the channel mix, pending by age and by level, the top types and the "
        "district and department tables. Statewide roles see the state; post holders the "
        "departments and districts their posts cover. Staff only.",
    )
    @replica_reads
    def get(self, request: Request) -> Response:
        actor = request.user
        assert isinstance(actor, User)
        board = dashboard_compute(
            actor=actor,
            period=_period_or_default(request),
            filters=dashboard_filters(request.query_params),
        )
        body = {
            "period": {"start": board.period.start, "end": board.period.end},
            "pending_as_of": board.pending_as_of,
            "totals": board.totals,
            "rates": board.rates,
            "trend": board.trend,
            "channels": [{"code": c, "name": n, "count": v} for c, n, v in board.channels],
            "age_buckets": [{"code": c, "name": n, "count": v} for c, n, v in board.age_buckets],
            "levels": board.levels,
            "categories": [{"code": c, "name": n, "count": v} for c, n, v in board.categories],
            "districts": board.districts,
            "departments": board.departments,
        }
        return Response(DashboardSerializer(body).data)


class PublicFiguresThrottle(SimpleRateThrottle):
    """Per client address (anyone may ask): PUBLIC_FIGURES_RATE."""

    scope = "public_figures"

    def get_rate(self) -> str:
        rate: str = settings.NIVARAN_PUBLIC_FIGURES_RATE
        return rate

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}


class PublicFiguresApi(APIView):
    authentication_classes: list[type[BaseAuthentication]] = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicFiguresThrottle]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # The API's paths carry no language prefix: the names follow Accept-Language.
        language = translation.get_language_from_request(request)
        with translation.override(language):
            response = super().dispatch(request, *args, **kwargs)
        response.headers["Content-Language"] = language
        return response

    @extend_schema(
        auth=[],
        parameters=DASHBOARD_PARAMETERS,
        responses={200: PublicFiguresSerializer, 400: ErrorSerializer, 429: ErrorSerializer},
        description="Open data (B7), no sign-in: registered, disposed, pending and overdue "
        "figures and rates per department and per district, as the public transparency "
        "page shows them. Counts only, no personal data. Names in the request's language "
        "(Accept-Language or /hi/). Cached for five minutes.",
    )
    @replica_reads
    def get(self, request: Request) -> Response:
        period = _period_or_default(request)
        key = f"analytics:public:{period.start}:{period.end}:{get_language()}"
        body = cache.get(key)
        if body is None:
            body = PublicFiguresSerializer(transparency_figures(period=period)).data
            cache.set(key, body, 300)
        return Response(body)
