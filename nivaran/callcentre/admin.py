from django.contrib import admin

from nivaran.callcentre.models import IvrsSystem
from nivaran.core.admin import SystemKeyAdmin


@admin.register(IvrsSystem)
class IvrsSystemAdmin(SystemKeyAdmin):
    pass
