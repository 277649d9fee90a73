from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "nivaran.catalog"
    label = "catalog"
