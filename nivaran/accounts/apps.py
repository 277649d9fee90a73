from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "nivaran.accounts"
    label = "accounts"
