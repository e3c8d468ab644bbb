"""Configuration through the admin: who receives deviations. Cases (deviations, disputes) are
not here: they hold personal data and are reached only through the audited pages and API.
The agreements' settings and care areas: `samverkan.agreements.admin`."""

from django.contrib import admin

from samverkan.deviations.models import DeviationReceiver, MedicalLeadContact


@admin.register(DeviationReceiver)
class DeviationReceiverAdmin(admin.ModelAdmin):
    list_display = ["organisation", "unit", "role"]
    list_filter = ["organisation__region"]
    autocomplete_fields = ["organisation", "unit"]


@admin.register(MedicalLeadContact)
class MedicalLeadContactAdmin(admin.ModelAdmin):
    """Name and phone of each organisation's chefsläkare and MAS, shown to the other side of a
    serious deviation (jh-hemsjukvard §8.1)."""

    list_display = ["organisation", "role", "name", "phone", "unit"]
    list_filter = ["organisation__region", "role"]
    autocomplete_fields = ["organisation", "unit"]
