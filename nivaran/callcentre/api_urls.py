from django.urls import URLPattern, path

from nivaran.callcentre import api, dialer_api

urlpatterns: list[URLPattern] = [
    path("calls/", api.IvrsCallApi.as_view(), name="calls"),
    path("callbacks/", dialer_api.CallbackListApi.as_view(), name="callbacks"),
    path(
        "callbacks/<int:callback_id>/",
        dialer_api.CallbackDetailApi.as_view(),
        name="callback",
    ),
    path(
        "callbacks/<int:callback_id>/attempts/",
        dialer_api.CallbackAttemptApi.as_view(),
        name="callback-attempts",
    ),
    path(
        "callbacks/<int:callback_id>/register/",
        dialer_api.CallbackRegisterApi.as_view(),
        name="callback-register",
    ),
]
