"""REST API v1 for systemic issues (U4, B4): the list with its evidence, and the
acknowledgement with a policy note."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nivaran.accounts.models import User
from nivaran.core.api import Pagination
from nivaran.grievances.api import ErrorSerializer
from nivaran.systemic import selectors, services
from nivaran.systemic.models import Acknowledgement, IssueKind, IssueStatus, SystemicIssue

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


def _actor(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class SystemicCodeName(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()


class SystemicDistrictCount(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField(
        allow_null=True,
        help_text="A cluster: its grievances in the district in the tested weeks (else null).",
    )


class SystemicWeekCount(serializers.Serializer[Any]):
    week = serializers.DateField(help_text="The Monday of the week (the state's time zone).")
    count = serializers.IntegerField()
    tested = serializers.BooleanField(help_text="A week the finding is about (else baseline).")


class SystemicAcknowledgementSerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField()
    by = serializers.CharField()
    role = serializers.CharField()
    policy_note = serializers.CharField()


class SystemicIssueSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(
        choices=IssueKind.choices,
        help_text="spike: one week far above the cell's baseline; persistent: the last "
        "weeks above it, week after week; widespread: one type elevated in many districts; "
        "cluster: complaints of one type saying the same thing in several districts, week "
        "after week, far more often than before.",
    )
    status = serializers.ChoiceField(choices=IssueStatus.choices)
    category = SystemicCodeName(help_text="The complaint type.")
    department = SystemicCodeName()
    district = SystemicCodeName(
        allow_null=True, help_text="Null for a statewide (widespread) issue."
    )
    week = serializers.DateField(help_text="The Monday of the latest week tested.")
    count = serializers.IntegerField(
        help_text="Grievances registered in the tested week(s): for persistent and cluster, "
        "the window."
    )
    baseline = serializers.FloatField(help_text="The expected count from the baseline weeks.")
    variance = serializers.FloatField()
    method = serializers.CharField(
        help_text="poisson, negative_binomial (over-dispersed baseline) or "
        "binomial_over_districts (widespread) or text_cluster (cluster); see docs/systemic.md."
    )
    p_value = serializers.FloatField(help_text="Upper-tail probability under the baseline.")
    score = serializers.FloatField(help_text="(count - baseline) / sqrt(variance).")
    alpha = serializers.FloatField(help_text="The false-alarm rate it was flagged at.")
    baseline_weeks = serializers.IntegerField()
    weeks = SystemicWeekCount(many=True, help_text="The evidence: the weekly counts, oldest first.")
    districts = SystemicDistrictCount(
        many=True,
        help_text="Widespread: the districts found elevated; cluster: the districts of its "
        "grievances in the tested weeks, each with its count.",
    )
    topic = serializers.CharField(
        allow_blank=True,
        help_text="A cluster: its key terms (script-neutral spellings or concepts), sorted; "
        "blank for other kinds.",
    )
    terms = serializers.ListField(
        child=serializers.CharField(),
        help_text="A cluster: the terms its complaints share most, strongest first.",
    )
    sample_grievances = serializers.ListField(
        child=serializers.CharField(),
        help_text="A few grievance numbers of the finding, only those the caller may open.",
    )
    first_seen = serializers.DateTimeField()
    last_seen = serializers.DateTimeField()
    acknowledged_by = serializers.CharField(allow_null=True)
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    policy_note = serializers.CharField(allow_blank=True)
    acknowledgements = SystemicAcknowledgementSerializer(many=True)
    may_acknowledge = serializers.BooleanField(help_text="Whether the caller may acknowledge it.")


def issue_bodies(*, actor: User, issues: list[SystemicIssue]) -> list[dict[str, Any]]:
    """The issues as the API and the page show them: sample numbers only where the actor
    may open the grievance (one query for the whole page)."""
    visible = selectors.visible_numbers(
        actor=actor, numbers=[n for i in issues for n in i.sample_numbers]
    )
    reach = selectors.acknowledge_reach(actor=actor)
    bodies = []
    for issue in issues:
        evidence = issue.evidence or {}
        tested = set(evidence.get("tested_weeks", []))
        bodies.append(
            {
                "id": issue.pk,
                "kind": issue.kind,
                "status": issue.status,
                "category": {"code": issue.category.code, "name": issue.category.name},
                "department": {"code": issue.department.code, "name": issue.department.name},
                "district": (
                    {"code": issue.district.code, "name": issue.district.name}
                    if issue.district
                    else None
                ),
                "week": issue.week,
                "count": issue.count,
                "baseline": issue.baseline,
                "variance": issue.variance,
                "method": issue.method,
                "p_value": issue.p_value,
                "score": issue.score,
                "alpha": (evidence.get("params") or {}).get("alpha", 0.0),
                "baseline_weeks": evidence.get("baseline_weeks", 0),
                "weeks": [
                    {"week": date.fromisoformat(w), "count": c, "tested": w in tested}
                    for w, c in zip(
                        evidence.get("weeks", []), evidence.get("counts", []), strict=False
                    )
                ],
                "districts": [
                    {"code": d.get("code", ""), "name": d.get("name", ""), "count": d.get("count")}
                    for d in evidence.get("districts", [])
                ],
                "topic": issue.topic,
                "terms": list(evidence.get("terms", [])),
                "sample_grievances": [n for n in issue.sample_numbers if n in visible],
                "first_seen": issue.first_seen,
                "last_seen": issue.last_seen,
                "acknowledged_by": issue.acknowledged_by.username
                if issue.acknowledged_by
                else None,
                "acknowledged_at": issue.acknowledged_at,
                "policy_note": issue.policy_note,
                "acknowledgements": [
                    {
                        "at": a.at,
                        "by": a.actor_username,
                        "role": a.actor_role,
                        "policy_note": a.policy_note,
                    }
                    for a in issue.acknowledgements.all()
                ],
                "may_acknowledge": reach.covers(issue),
            }
        )
    return bodies


class _FilterInput(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=IssueStatus.choices, required=False)
    kind = serializers.ChoiceField(choices=IssueKind.choices, required=False)
    department = serializers.CharField(required=False, max_length=20)
    district = serializers.CharField(required=False, max_length=40)
    since = serializers.DateField(required=False)


def filters_from(params: Any) -> selectors.IssueFilters:
    """Query parameters as filters; a bad value is a 400 (DRF's ValidationError)."""
    body = _FilterInput(data=params)
    body.is_valid(raise_exception=True)
    return selectors.IssueFilters(**body.validated_data)


class AcknowledgeInput(serializers.Serializer[Any]):
    policy_note = serializers.CharField(
        max_length=services.MAX_NOTE,
        help_text="What the department or the CMO cell will do about it (required).",
    )


def with_acknowledgements(qs: Any) -> Any:
    return qs.prefetch_related(
        Prefetch("acknowledgements", queryset=Acknowledgement.objects.order_by("at", "id"))
    )


class SystemicIssueListApi(APIView):
    pagination_class = Pagination

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=IssueStatus.values),
            OpenApiParameter("kind", str, enum=IssueKind.values),
            OpenApiParameter("department", str, description="Department code"),
            OpenApiParameter("district", str, description="Area code: issues inside it"),
            OpenApiParameter(
                "since", date, description="Issues of this week (its Monday) or later"
            ),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={200: SystemicIssueSerializer(many=True), **ERRORS},
        description="Systemic issues the caller may see, newest week first, with their "
        "evidence: weekly counts, the baseline, the method and its p-value, and sample "
        "grievance numbers the caller may open. Statewide roles see every issue; post "
        "holders their departments x areas; citizens are refused (403). See "
        "docs/systemic.md for the method and its false-alarm rate.",
    )
    def get(self, request: Request) -> Response:
        actor = _actor(request)
        filters = filters_from(request.query_params)
        qs = with_acknowledgements(selectors.issue_list(actor=actor, filters=filters))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        bodies = issue_bodies(actor=actor, issues=list(page or []))
        return paginator.get_paginated_response(SystemicIssueSerializer(bodies, many=True).data)


class SystemicIssueAcknowledgeApi(APIView):
    @extend_schema(
        request=AcknowledgeInput,
        responses={200: SystemicIssueSerializer, **ERRORS, 409: ErrorSerializer},
        description="Acknowledge an open issue with a policy note, kept in an append-only "
        "log. For the department's administrative secretary, head of department or nodal "
        "officer (their department's issues within their posts' areas) and the CMO "
        "grievance cell (any). Out of reach: 403 (or 404 if there is no such issue); an "
        "issue already acknowledged: 409 `already_acknowledged`, naming who and when.",
    )
    def post(self, request: Request, issue_id: int) -> Response:
        actor = _actor(request)
        body = AcknowledgeInput(data=request.data)
        body.is_valid(raise_exception=True)
        issue = services.issue_acknowledge(
            actor=actor, issue_id=issue_id, policy_note=body.validated_data["policy_note"]
        )
        issue = with_acknowledgements(SystemicIssue.objects.filter(pk=issue.pk)).select_related(
            "category", "department", "district", "acknowledged_by"
        )[0]
        return Response(SystemicIssueSerializer(issue_bodies(actor=actor, issues=[issue])[0]).data)
