from django.apps import AppConfig


class StaffProfileConfig(AppConfig):
    name = "nivaran.staffprofile"
    label = "staffprofile"
    verbose_name = "Staff profile"
