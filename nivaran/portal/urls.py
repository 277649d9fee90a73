from django.urls import URLPattern, path

from nivaran.portal import views

app_name = "portal"
urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("lodge/", views.lodge_start, name="lodge"),
    path("lodge/otp/", views.lodge_otp, name="lodge_otp"),
    path("lodge/details/", views.lodge_form, name="lodge_form"),
    path("lodge/done/", views.lodge_done, name="lodge_done"),
    path("lodge/suggest/", views.lodge_suggest, name="lodge_suggest"),
    path("track/", views.track_start, name="track"),
    path("track/otp/", views.track_otp, name="track_otp"),
    path("track/<str:number>/", views.track_status, name="track_status"),
    path("track/<str:number>/feedback/", views.track_feedback, name="track_feedback"),
    path("track/<str:number>/reopen/", views.track_reopen, name="track_reopen"),
    path("track/<str:number>/follow-up/", views.track_follow_up, name="track_follow_up"),
]
