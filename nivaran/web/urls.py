from django.contrib.auth import views as auth_views
from django.urls import path

from nivaran.web import views

app_name = "web"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.inbox, name="inbox"),
    path("grievances/<str:number>/", views.grievance, name="grievance"),
    path(
        "grievances/<str:number>/attachments/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
    path(
        "grievances/<str:number>/actions/<str:action>/",
        views.grievance_action,
        name="grievance-action",
    ),
]
