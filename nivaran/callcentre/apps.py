from django.apps import AppConfig


class CallcentreConfig(AppConfig):
    name = "nivaran.callcentre"
    label = "callcentre"
