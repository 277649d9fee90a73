from django.apps import AppConfig

# Bumped by every save and delete of a level mapping or an area (whose path a mapping's
# reach follows): the level resolver keeps the mappings near an area per process.
MAPPINGS_VERSION = "org:mappings-version"


class OrgConfig(AppConfig):
    name = "nivaran.org"
    label = "org"

    def ready(self) -> None:
        from nivaran.core import versions
        from nivaran.geo.models import Area
        from nivaran.org.models import LevelMapping

        versions.track(LevelMapping, MAPPINGS_VERSION)
        versions.track(Area, MAPPINGS_VERSION)
