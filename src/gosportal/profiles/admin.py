from django.contrib import admin

from gosportal.profiles.models import DataChangeRequest, PersonalDocument, Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "updated_at"]
    raw_id_fields = ["user"]
    readonly_fields = ["updated_at"]


@admin.register(PersonalDocument)
class PersonalDocumentAdmin(admin.ModelAdmin):
    """PROF-1: listed by kind and date only; changes go through «Мои данные» (history)."""

    list_display = ["id", "user", "kind", "updated_at"]
    list_filter = ["kind"]
    raw_id_fields = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DataChangeRequest)
class DataChangeRequestAdmin(admin.ModelAdmin):
    """PROF-3: decided on the support desk (/desk/data-requests/), not here."""

    list_display = ["id", "user", "field", "status", "created_at", "decided_at"]
    list_filter = ["status", "field"]
    raw_id_fields = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
