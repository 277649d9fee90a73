from django.urls import URLPattern, path

from nivaran.callcentre import views

app_name = "callcentre"
urlpatterns: list[URLPattern] = [
    path("", views.console, name="console"),
    path("lookup/", views.lookup, name="lookup"),
    path("registered/<str:number>/", views.acknowledgement, name="acknowledgement"),
    path("callbacks/", views.callbacks, name="callbacks"),
    path("callbacks/<int:callback_id>/", views.callback, name="callback"),
    path("callbacks/<int:callback_id>/attempt/", views.callback_attempt, name="callback_attempt"),
]
