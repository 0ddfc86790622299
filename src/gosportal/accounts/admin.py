from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gosportal.accounts.models import User, email_index, phone_index
from gosportal.core.validators import normalize_phone


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["id", "__str__", "level", "kind", "is_active", "is_staff", "date_joined"]
    list_filter = ["level", "kind", "is_active", "is_staff"]
    search_fields = ["public_id"]
    search_help_text = _("Точный телефон, адрес электронной почты или идентификатор.")
    readonly_fields = ["public_id", "date_joined", "last_login", "password"]
    fields = [
        "public_id",
        "phone",
        "email",
        "email_confirmed",
        "display_name",
        "level",
        "kind",
        "is_active",
        "is_staff",
        "is_superuser",
        "groups",
        "user_permissions",
        "date_joined",
        "last_login",
        "password",
    ]
    filter_horizontal = ["groups", "user_permissions"]

    def get_search_results(self, request, queryset, search_term):
        """Contacts are encrypted: search them exactly, through their blind indexes."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if "@" in term:
            return queryset.filter(email_index=email_index(term)), False
        try:
            return queryset.filter(phone_index=phone_index(normalize_phone(term))), False
        except Exception:
            return super().get_search_results(request, queryset, term)
