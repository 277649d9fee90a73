from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "nivaran.profiles"
    label = "profiles"
