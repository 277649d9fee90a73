from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from nivaran.core.admin import SystemKeyAdmin
from nivaran.notifications.models import InboundSms, Message, SmsGateway


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin[Message]):
    list_display = ["created_at", "channel", "to", "purpose", "status", "attempts", "sent_at"]
    list_filter = ["channel", "status", "purpose"]
    search_fields = ["to"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SmsGateway)
class SmsGatewayAdmin(SystemKeyAdmin):
    pass


@admin.register(InboundSms)
class InboundSmsAdmin(admin.ModelAdmin[InboundSms]):
    list_display = ["received_at", "gateway", "sender", "result", "reason", "grievance"]
    list_filter = ["result", "reason", "gateway"]
    search_fields = ["sender", "gateway_message_id"]
    raw_id_fields = ["grievance"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
