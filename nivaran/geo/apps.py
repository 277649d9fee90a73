from django.apps import AppConfig

# Bumped by every save and delete of an area: registration keeps the areas it looks up by
# code per process (`nivaran.grievances.workflow.intake`).
AREAS_VERSION = "geo:areas-version"


class GeoConfig(AppConfig):
    name = "nivaran.geo"
    label = "geo"

    def ready(self) -> None:
        from nivaran.core import versions
        from nivaran.geo.models import Area

        versions.track(Area, AREAS_VERSION)
