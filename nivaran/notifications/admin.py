from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from nivaran.core.admin import SystemKeyAdmin
from nivaran.notifications.models import InboundSms, Message, SmsGateway


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Rows kept as a record: shown, never added, edited or deleted in the admin."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "channel", "to", "purpose", "status", "attempts", "sent_at"]
    list_filter = ["channel", "status", "purpose"]
    search_fields = ["to"]
    # `body` only through `shown_body`, which hides a one-time password even while queued.
    fields = (
        "channel",
        "to",
        "purpose",
        "shown_body",
        "confidential",
        "grievance",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "provider_ref",
        "created_at",
        "sent_at",
    )
    readonly_fields = fields

    @admin.display(description=_("body"))
    def shown_body(self, obj: Message) -> str:
        if obj.confidential:
            return str(_("(hidden: it holds a one-time password)"))
        return obj.body


@admin.register(SmsGateway)
class SmsGatewayAdmin(SystemKeyAdmin):
    pass


@admin.register(InboundSms)
class InboundSmsAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "gateway", "sender", "result", "reason", "grievance"]
    list_filter = ["result", "reason", "gateway"]
    search_fields = ["sender", "gateway_message_id"]
    raw_id_fields = ["grievance"]
