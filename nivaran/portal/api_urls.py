"""The Citizen API under /api/v1/citizen/ (namespace `citizen`)."""

from django.urls import URLPattern, path

from nivaran.portal import api

urlpatterns: list[URLPattern] = [
    path("otp/", api.OtpApi.as_view(), name="otp"),
    path("token/", api.TokenApi.as_view(), name="token"),
    path("categories/", api.CategoriesApi.as_view(), name="categories"),
    path("areas/", api.AreasApi.as_view(), name="areas"),
    path("grievances/", api.GrievancesApi.as_view(), name="grievances"),
    path("grievances/<str:number>/", api.GrievanceApi.as_view(), name="grievance"),
    path("grievances/<str:number>/feedback/", api.FeedbackApi.as_view(), name="feedback"),
    path("grievances/<str:number>/reopen/", api.ReopenApi.as_view(), name="reopen"),
]
