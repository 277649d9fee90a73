"""Systemic issues in the admin: read-only (the detector writes them, the pages acknowledge
them)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from nivaran.systemic.models import Acknowledgement, SystemicIssue


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(SystemicIssue)
class SystemicIssueAdmin(_ReadOnly, admin.ModelAdmin[SystemicIssue]):
    list_display = [
        "week",
        "kind",
        "category",
        "department",
        "district",
        "count",
        "baseline",
        "p_value",
        "status",
    ]
    list_filter = ["kind", "status", "department"]
    search_fields = ["category__code", "category__name", "district_key"]
    readonly_fields = [f.name for f in SystemicIssue._meta.fields]


@admin.register(Acknowledgement)
class AcknowledgementAdmin(_ReadOnly, admin.ModelAdmin[Acknowledgement]):
    """The append-only log of acknowledgements and their policy notes."""

    list_display = ["at", "issue", "actor_username", "actor_role"]
    search_fields = ["actor_username", "policy_note"]
    readonly_fields = [f.name for f in Acknowledgement._meta.fields]
