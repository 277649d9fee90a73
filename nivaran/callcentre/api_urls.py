from django.urls import URLPattern, path

from nivaran.callcentre import api

urlpatterns: list[URLPattern] = [
    path("calls/", api.IvrsCallApi.as_view(), name="calls"),
]
