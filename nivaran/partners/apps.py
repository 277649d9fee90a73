from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "nivaran.partners"
    label = "partners"

    def ready(self) -> None:
        # Registers the OpenAPI description of the X-Api-Key scheme.
        from nivaran.partners import authentication  # noqa: F401
