from django.urls import URLPattern, path

from nivaran.partners import api, webhook_api

urlpatterns: list[URLPattern] = [
    path("records/", api.RecordListApi.as_view(), name="records"),
    path("records/batch/", api.RecordBatchApi.as_view(), name="records-batch"),
    path("records/<int:record_id>/", api.RecordDetailApi.as_view(), name="record"),
    path("grievances/<str:number>/", api.PartnerGrievanceApi.as_view(), name="grievance"),
    path("webhook/", webhook_api.WebhookApi.as_view(), name="webhook"),
    path(
        "webhook/deliveries/",
        webhook_api.WebhookDeliveriesApi.as_view(),
        name="webhook-deliveries",
    ),
    path("queue/", api.QueueApi.as_view(), name="queue"),
    path("queue/<int:record_id>/accept/", api.QueueAcceptApi.as_view(), name="queue-accept"),
    path("queue/<int:record_id>/reject/", api.QueueRejectApi.as_view(), name="queue-reject"),
]
