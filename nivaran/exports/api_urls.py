from django.urls import path

from nivaran.exports import api

urlpatterns = [
    path("", api.ExportListApi.as_view(), name="exports"),
    path("<int:job_id>/", api.ExportDetailApi.as_view(), name="export"),
    path("<int:job_id>/download/", api.ExportDownloadApi.as_view(), name="export-download"),
]
