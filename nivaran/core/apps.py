from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "nivaran.core"
    label = "core"
