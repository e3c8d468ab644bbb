"""Django admin (technical administrators): invoicing details per organisation; the rest is
shown read-only. Prices are edited on the price-list page (versions, audit), not here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from samverkan.purchases.models import BillingProfile, Invoice, InvoiceRun, PriceList


@admin.register(BillingProfile)
class BillingProfileAdmin(admin.ModelAdmin):
    list_display = ("organisation", "bankgiro", "contact_name", "payment_days")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PriceList)
class PriceListAdmin(ReadOnlyAdmin):
    list_display = ("agreement", "name", "is_demo")


@admin.register(InvoiceRun)
class InvoiceRunAdmin(ReadOnlyAdmin):
    list_display = ("month", "seller", "buyer", "kind", "sequence", "status", "locked", "late")
    list_filter = ("status", "kind", "late")


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "seller", "buyer", "period_start", "issue_date", "status")
    list_filter = ("kind", "status")
    search_fields = ("number",)
