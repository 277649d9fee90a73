from django.apps import AppConfig


class SharesConfig(AppConfig):
    name = "nivaran.shares"
    label = "shares"
    verbose_name = "WhatsApp shares"
