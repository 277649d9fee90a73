from django.apps import AppConfig


class DuplicatesConfig(AppConfig):
    name = "nivaran.duplicates"
    label = "duplicates"
    verbose_name = "Duplicate detection"
