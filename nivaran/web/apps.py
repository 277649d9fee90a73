from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "nivaran.web"
    label = "web"
