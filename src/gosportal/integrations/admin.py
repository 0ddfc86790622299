from django.contrib import admin

from gosportal.integrations.models import SandboxBankCustomer, SandboxMessage


@admin.register(SandboxMessage)
class SandboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient", "subject", "status"]
    list_filter = ["channel", "status"]
    readonly_fields = [f.name for f in SandboxMessage._meta.fields]


@admin.register(SandboxBankCustomer)
class SandboxBankCustomerAdmin(admin.ModelAdmin):
    """Test customers of the sandbox banks (docs/sandbox.md); passwords are hashes."""

    list_display = ["bank", "login", "last_name", "first_name", "card_state"]
    list_filter = ["bank", "card_state"]
    exclude = ["password"]
