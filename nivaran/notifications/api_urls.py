from django.urls import URLPattern, path

from nivaran.notifications import inbound_api

urlpatterns: list[URLPattern] = [
    path("inbound/", inbound_api.InboundSmsApi.as_view(), name="inbound"),
]
