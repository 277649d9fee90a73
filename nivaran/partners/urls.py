from django.urls import URLPattern, path

from nivaran.partners import api

urlpatterns: list[URLPattern] = [
    path("records/", api.RecordListApi.as_view(), name="records"),
    path("records/batch/", api.RecordBatchApi.as_view(), name="records-batch"),
    path("records/<int:record_id>/", api.RecordDetailApi.as_view(), name="record"),
    path("queue/", api.QueueApi.as_view(), name="queue"),
    path("queue/<int:record_id>/accept/", api.QueueAcceptApi.as_view(), name="queue-accept"),
    path("queue/<int:record_id>/reject/", api.QueueRejectApi.as_view(), name="queue-reject"),
]
