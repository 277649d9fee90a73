from django.apps import AppConfig

# Bumped by every save and delete of a complaint type or a department: registration keeps
# the types it looks up by code per process (`nivaran.grievances.workflow.intake`).
TYPES_VERSION = "catalog:types-version"


class CatalogConfig(AppConfig):
    name = "nivaran.catalog"
    label = "catalog"

    def ready(self) -> None:
        from nivaran.catalog.models import Category
        from nivaran.core import versions
        from nivaran.org.models import Department

        versions.track(Category, TYPES_VERSION)
        versions.track(Department, TYPES_VERSION)
