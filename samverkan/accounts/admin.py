from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from samverkan.accounts.models import ApiToken, Organisation, StaffProfile, Unit


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "scb_code", "region"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "scb_code"]
    inlines = [UnitInline]


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
