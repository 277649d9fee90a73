from django.apps import AppConfig


class SystemicConfig(AppConfig):
    name = "nivaran.systemic"
    label = "systemic"
