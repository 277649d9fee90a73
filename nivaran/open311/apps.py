from django.apps import AppConfig


class Open311Config(AppConfig):
    name = "nivaran.open311"
    label = "open311"
