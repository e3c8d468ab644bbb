"""Configuration through the admin: who receives deviations, which hälsocentral works with
which kommun, and the agreements' reminder settings. Cases (deviations, disputes) are not
here: they hold personal data and are reached only through the audited pages and API."""

from django.contrib import admin

from samverkan.deviations.models import AgreementSettings, CareArea, DeviationReceiver


@admin.register(DeviationReceiver)
class DeviationReceiverAdmin(admin.ModelAdmin):
    list_display = ["organisation", "unit", "role"]
    list_filter = ["organisation__region"]
    autocomplete_fields = ["organisation", "unit"]


@admin.register(CareArea)
class CareAreaAdmin(admin.ModelAdmin):
    list_display = ["health_centre", "municipality"]
    list_filter = ["municipality__region"]
    autocomplete_fields = ["health_centre", "municipality"]


@admin.register(AgreementSettings)
class AgreementSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "agreement",
        "reminder_lead_days",
        "responsible_role",
        "followup_month",
        "followup_day",
    ]
