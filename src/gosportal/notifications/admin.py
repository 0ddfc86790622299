"""Admin of the notification centre: templates editable with validation and a preview
(NOT-3); notifications and deliveries read-only for support."""

from django import forms
from django.contrib import admin
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from gosportal.core.errors import InvalidInput
from gosportal.notifications import unread
from gosportal.notifications.models import Delivery, Notification, NotificationTemplate
from gosportal.notifications.rendering import check_template
from gosportal.notifications.types import EVENT_TYPES


class NotificationTemplateForm(forms.ModelForm):
    """The texts only; ``NotificationTemplate.clean`` checks them as the form validates."""

    class Meta:
        model = NotificationTemplate
        fields = ["subject", "body", "html_body", "link"]


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(admin.ModelAdmin):
    form = NotificationTemplateForm
    list_display = ["event_type", "channel", "version", "updated_at", "preview_link"]
    list_filter = ["channel", "event_type"]
    readonly_fields = ["event_type", "channel", "version", "updated_at"]

    def has_add_permission(self, request):
        return False  # one row per type and channel, created by the migration

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Предпросмотр"))
    def preview_link(self, obj):
        url = reverse("admin:notifications_notificationtemplate_preview", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Предпросмотр"))

    def save_model(self, request, obj, form, change):
        if change and form.changed_data:
            obj.version += 1
            obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="notifications_notificationtemplate_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk):
        template = get_object_or_404(NotificationTemplate, pk=pk)
        if not self.has_view_permission(request, template):
            raise PermissionError
        sample = EVENT_TYPES[template.event_type].sample
        error, rendered = "", None
        try:
            rendered = check_template(template, sample)
        except InvalidInput as exc:
            error = str(exc.message)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Предпросмотр: %(name)s") % {"name": template},
            "template_obj": template,
            "sample": sample,
            "rendered": rendered,
            "error": error,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "notifications/admin_preview.html", context)


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fields = ["channel", "status", "attempts", "next_attempt_at", "failure_reason", "finished_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "event_type", "created_at", "read_at"]
    list_filter = ["event_type"]
    raw_id_fields = ["user"]
    fields = ["user", "event_type", "created_at", "read_at", "in_inbox", "link"]
    readonly_fields = fields
    inlines = [DeliveryInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        with transaction.atomic():
            unread.changed(obj.user_id, None)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for user_id in set(queryset.values_list("user_id", flat=True)):
                unread.changed(user_id, None)
            super().delete_queryset(request, queryset)
