"""REST API v1 for the analytics: thin views over the rankings."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nivaran.accounts.models import User
from nivaran.analytics.ranking import COMPONENTS, SCOPES, period_parse, ranking_compute
from nivaran.analytics.rollups import local_day
from nivaran.grievances.api import ErrorSerializer


class PeriodSerializer(serializers.Serializer[Any]):
    start = serializers.DateField()
    end = serializers.DateField(help_text="Included.")


class ComponentSerializer(serializers.Serializer[Any]):
    code = serializers.ChoiceField(choices=sorted(COMPONENTS))
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


class VolumeSerializer(serializers.Serializer[Any]):
    registered = serializers.IntegerField()
    disposed = serializers.IntegerField()
    pending = serializers.IntegerField(help_text="At the period's end.")


class EntrySerializer(serializers.Serializer[Any]):
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
    volume = VolumeSerializer()
    components = ComponentSerializer(many=True)


class WeightSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    points = serializers.FloatField()
    higher_is_better = serializers.BooleanField()
    explain = serializers.CharField(help_text="How the rate is computed.")


class GradeSerializer(serializers.Serializer[Any]):
    grade = serializers.CharField()
    min = serializers.FloatField(help_text="The lowest score with this grade.")


class FormulaSerializer(serializers.Serializer[Any]):
    text = serializers.CharField()
    weights = WeightSerializer(many=True)
    grades = GradeSerializer(many=True)


class RankingSerializer(serializers.Serializer[Any]):
    scope = serializers.ChoiceField(choices=SCOPES)
    period = PeriodSerializer()
    previous_period = PeriodSerializer()
    pending_as_of = serializers.DateField(
        allow_null=True, help_text="The day of the pending snapshot the stock components read."
    )
    formula = FormulaSerializer()
    entries = EntrySerializer(many=True)


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
    def get(self, request: Request) -> Response:
        actor = request.user
        assert isinstance(actor, User)
        period = period_parse(request.query_params.get("period"), today=local_day(timezone.now()))
        ranking = ranking_compute(
            actor=actor, scope=request.query_params.get("scope") or "department", period=period
        )
        return Response(RankingSerializer(ranking_payload(ranking)).data)
