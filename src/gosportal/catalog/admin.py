"""Admin of agencies: the portal's administrators create agencies here (OFF-1).

Officers are not edited here: they are created by their agency's administrator on
the desk (REG-5) or, for the first one, by ``manage.py create_agency_admin``.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from gosportal.catalog import services
from gosportal.catalog.form_render import build_form_class, prefill_initial
from gosportal.catalog.forms_schema import definition_errors
from gosportal.catalog.models import Agency, Category, Officer, Service
from gosportal.core.errors import DomainError, add_to_form


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["short_name", "inn", "ogrn", "region_code", "is_active"]
    list_filter = ["is_active", "region_code"]
    search_fields = ["short_name", "full_name", "inn", "ogrn"]
    prepopulated_fields = {"slug": ["short_name"]}
    readonly_fields = ["created_at"]


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):
    list_display = ["staff_number", "agency", "role", "position", "is_active", "created_at"]
    list_filter = ["agency", "role", "is_active"]
    fields = ["user", "agency", "role", "staff_number", "position", "is_active", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- the catalogue of services (CAT-4): edited here without a deploy ----------------------


class ServiceAdminForm(forms.ModelForm):
    """Runs the service's checks (form definition against the schema and more) on save."""

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        candidate = self.instance
        for name, value in cleaned.items():
            if name in {f.name for f in Service._meta.concrete_fields}:
                setattr(candidate, name, value)
        try:
            services.check_service(candidate)
        except DomainError as error:
            add_to_form(self, error)
        return cleaned


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "order"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    form = ServiceAdminForm
    list_display = [
        "title",
        "agency",
        "category",
        "availability",
        "min_level",
        "is_published",
        "popularity",
    ]
    list_filter = [
        "is_published",
        "availability",
        "category",
        "agency",
        "min_level",
        "cancellation_policy",
    ]
    search_fields = ["title", "slug"]
    readonly_fields = ["popularity", "created_at", "updated_at", "preview_link"]
    list_select_related = ["agency", "category"]

    @admin.display(description=_("Предпросмотр формы"))
    def preview_link(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:catalog_service_preview", args=[obj.pk]),
            _("Открыть предпросмотр формы заявления"),
        )

    def save_model(self, request, obj, form, change):
        services.save_service(service=obj, actor=request.user)

    def get_urls(self):
        return [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="catalog_service_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk: int):
        """The application form as an applicant will see it, read-only (CAT-4)."""
        service = get_object_or_404(Service, pk=pk)
        if not self.has_view_permission(request, service):
            raise PermissionDenied
        errors = definition_errors(
            service.form_definition,
            documents=[d.get("title") for d in service.required_documents or []],
        )
        form = None
        if not errors:
            form_class = build_form_class(
                service.form_definition, documents=service.required_documents
            )
            form = form_class(initial=prefill_initial(service.form_definition, request.user))
            for field in form.fields.values():
                field.disabled = True
        return render(
            request,
            "catalog/preview.html",
            {"service": service, "form": form, "definition_errors": errors},
        )
