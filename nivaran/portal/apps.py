from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "nivaran.portal"
    label = "portal"
