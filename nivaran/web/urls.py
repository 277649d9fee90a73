from django.contrib.auth import views as auth_views
from django.urls import include, path

from nivaran.duplicates import views as duplicate_views
from nivaran.shares import views as share_views
from nivaran.web import views

app_name = "web"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.inbox, name="inbox"),
    # The feedback desk (nivaran/web/desk.py) and field validation (nivaran/web/field.py).
    path("feedback/", include("nivaran.web.desk")),
    path("field/", include("nivaran.web.field")),
    # The staff member's own profile (nivaran/web/profile.py).
    path("profile/", include("nivaran.web.profile")),
    # Keeping the organisation (U2, W9, W10): nivaran/web/levels.py and nivaran/web/nodal.py.
    path("org/", include("nivaran.web.levels")),
    path("org/", include("nivaran.web.nodal")),
    # Systemic issues (U4, B4): nivaran/systemic/views.py.
    path("analytics/systemic/", include("nivaran.systemic.views")),
    # The departments' category trees and their "Others" share (H8, H9): web/categories.py.
    path("categories/", include("nivaran.web.categories")),
    path("grievances/<str:number>/", views.grievance, name="grievance"),
    path(
        "grievances/<str:number>/attachments/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
    path(
        "grievances/<str:number>/atr-documents/<int:document_id>/",
        views.atr_document,
        name="atr-document",
    ),
    path("shares/whatsapp/", share_views.share_whatsapp, name="share-whatsapp"),
    path("grievances/<str:number>/merge-otp/", duplicate_views.merge_otp, name="merge-otp"),
    path("reviews/special-closes/", views.special_close_reviews, name="special-close-reviews"),
    path(
        "grievances/<str:number>/actions/<str:action>/",
        views.grievance_action,
        name="grievance-action",
    ),
]
