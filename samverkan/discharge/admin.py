from django.contrib import admin

from samverkan.discharge.models import RegionDischargeSetting


@admin.register(RegionDischargeSetting)
class RegionDischargeSettingAdmin(admin.ModelAdmin):
    """Per region: Samverkan's board, or the region's own planning tool (import only)."""

    list_display = ("region", "tool")
