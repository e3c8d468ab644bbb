from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from samverkan.accounts.models import (
    ApiToken,
    ExternalIdentity,
    Organisation,
    SsoRoleMapping,
    StaffProfile,
    Unit,
)


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "scb_code", "org_number", "contracted_by", "region"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "scb_code", "org_number"]
    inlines = [UnitInline]
    # The buyer's reference ("Er referens") is entered on Tjänsteköp -> Fakturamottagare,
    # where it is checked against the buyer's published rule; here it would take any text.
    readonly_fields = ["invoice_reference"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organisation"]
    list_filter = ["kind", "organisation__region"]
    search_fields = ["name", "hsa_id"]


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]
    list_display = ["username", "first_name", "last_name", "is_active", "is_superuser"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created through the API (POST /api/tokens), which shows the plain text once."""

    list_display = ["name", "user", "prefix", "created", "last_used"]
    readonly_fields = ["user", "name", "prefix", "created", "last_used"]
    exclude = ["token_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(SsoRoleMapping)
class SsoRoleMappingAdmin(admin.ModelAdmin):
    """The administrator's table: who logs in without a care commission, and as what.
    Every change is in the audit log (samverkan.audit.signals)."""

    list_display = ["subject", "idp", "organisation", "unit", "role", "active"]
    list_filter = ["role", "active", "organisation__region"]
    search_fields = ["subject", "organisation__name"]
    autocomplete_fields = ["organisation", "unit"]


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    """Accounts provisioned by SAML logins (read only: the IdP and HSA are the source)."""

    list_display = ["hsa_id", "subject", "idp", "user", "commission_purpose", "last_login"]
    search_fields = ["hsa_id", "subject"]
    readonly_fields = [
        "user",
        "idp",
        "subject",
        "hsa_id",
        "commission_hsa_id",
        "commission_purpose",
        "last_login",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
