from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from nivaran.notifications.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin[Message]):
    list_display = ["created_at", "channel", "to", "purpose", "status", "attempts", "sent_at"]
    list_filter = ["channel", "status", "purpose"]
    search_fields = ["to"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
