from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "nivaran.accounts"
    label = "accounts"

    def ready(self) -> None:
        from nivaran.accounts import checks  # noqa: F401 - registers the deploy check
