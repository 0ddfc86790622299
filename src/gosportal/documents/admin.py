from django.contrib import admin

from gosportal.documents.models import IssuedDocument


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    """The register, read-only: documents are issued and revoked through services."""

    list_display = ("number", "title", "issuer_name", "issued_at", "revoked_at")
    search_fields = ("number",)
    list_filter = ("issuer_name",)
    fields = (
        "number",
        "title",
        "issuer_name",
        "certificate",
        "issued_at",
        "sha256",
        "size",
        "revoked_at",
        "revocation_reason",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
