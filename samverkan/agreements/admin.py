"""Configuration through the admin: which hälsocentral works with which kommun, and the
agreements' reminder settings."""

from django.contrib import admin

from samverkan.agreements.models import AgreementSettings, CareArea


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
