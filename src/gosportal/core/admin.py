"""Admin of the shared kernel: the editable production calendar, read-only outbox and audit.

One-time codes are not registered: their hashes and counters are secrets.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gosportal.core import audit
from gosportal.core.calendar import calendar_changed
from gosportal.core.models import AuditEvent, CalendarDay, OutboxEvent


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Each year's Government decree on transfers of days off is entered here."""

    list_display = ["date", "is_working", "name"]
    list_filter = ["is_working"]
    date_hierarchy = "date"
    search_fields = ["name"]

    @staticmethod
    def _audit(action: str, day: CalendarDay) -> None:
        audit.record(
            action,
            object_type="core.calendarday",
            object_id=day.date.isoformat(),
            details={"date": day.date.isoformat(), "is_working": day.is_working, "name": day.name},
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._audit("core.calendar_day_saved", obj)
        calendar_changed()

    def delete_model(self, request, obj):
        self._audit("core.calendar_day_deleted", obj)
        super().delete_model(request, obj)
        calendar_changed()

    def delete_queryset(self, request, queryset):
        for day in queryset:
            self._audit("core.calendar_day_deleted", day)
        super().delete_queryset(request, queryset)
        calendar_changed()


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the application: staff may look, never add, edit or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ProcessedFilter(admin.SimpleListFilter):
    title = _("доставлено")
    parameter_name = "processed"

    def lookups(self, request, model_admin):
        return [("yes", _("да")), ("no", _("нет"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(processed_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(processed_at__isnull=True)
        return queryset


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    list_display = ["name", "occurred_at", "processed_at", "attempts"]
    list_filter = [ProcessedFilter, "name"]
    ordering = ["-occurred_at"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = [
        "occurred_at",
        "action",
        "actor_id",
        "acting_for_id",
        "ip",
        "object_type",
        "object_id",
    ]
    search_fields = ["action", "=object_id", "=request_id"]
    date_hierarchy = "occurred_at"
    ordering = ["-id"]
    # The journal only grows: skip the second COUNT(*) over the whole table.
    show_full_result_count = False
