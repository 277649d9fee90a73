from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "nivaran.exports"
    label = "exports"
    verbose_name = "Exports"
