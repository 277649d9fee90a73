from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "nivaran.analytics"
    label = "analytics"
    verbose_name = "Analytics"
