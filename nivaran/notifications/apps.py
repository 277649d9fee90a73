from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "nivaran.notifications"
    label = "notifications"
