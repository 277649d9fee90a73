from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "nivaran.geo"
    label = "geo"
