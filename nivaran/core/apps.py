from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "nivaran.core"
    label = "core"

    def ready(self) -> None:
        from nivaran.core import versions
        from nivaran.core.models import Holiday

        versions.track(Holiday, versions.HOLIDAYS)
