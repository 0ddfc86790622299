"""Read-only admin of organisations: changes go through ``organizations.services``."""

from django.contrib import admin

from gosportal.organizations.models import Membership, Organization


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["user", "role", "created_at", "ended_at"]
    raw_id_fields = ["user"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "ogrn", "status", "region_code", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["ogrn"]  # name and INN are encrypted
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["id", "user", "organization", "role", "created_at", "ended_at"]
    list_filter = ["role"]
    raw_id_fields = ["user", "organization"]
