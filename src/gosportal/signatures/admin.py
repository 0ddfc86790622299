from django.contrib import admin

from gosportal.signatures.models import SigningCertificate


@admin.register(SigningCertificate)
class SigningCertificateAdmin(admin.ModelAdmin):
    list_display = ("issuer_name", "issuer_code", "serial", "valid_to", "revoked_at")
    search_fields = ("issuer_name", "issuer_code", "serial")
    exclude = ("private_key",)
    readonly_fields = (
        "issuer_code",
        "issuer_name",
        "inn",
        "ogrn",
        "serial",
        "certificate_pem",
        "chain_pem",
        "valid_from",
        "valid_to",
        "revoked_at",
        "revocation_reason",
        "issued_by",
        "revoked_by",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
