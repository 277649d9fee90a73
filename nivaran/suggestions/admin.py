from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from nivaran.suggestions.models import SuggestionModel


@admin.register(SuggestionModel)
class SuggestionModelAdmin(admin.ModelAdmin[SuggestionModel]):
    """The record of trained models, read-only: models are made by `suggestions_train` and
    the daily task, never by hand (a hand-made row could not carry a valid signature)."""

    list_display = [
        "version",
        "trained_at",
        "rows",
        "verified_rows",
        "types",
        "held_out_top1",
        "held_out_top3",
        "seconds",
        "is_active",
    ]
    list_filter = ["is_active"]
    exclude = ["blob"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SuggestionModel]:
        return super().get_queryset(request).defer("blob")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
