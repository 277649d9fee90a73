from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "nivaran.org"
    label = "org"
