from django.contrib import admin

from gosportal.integrations.models import SandboxMessage


@admin.register(SandboxMessage)
class SandboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient", "subject", "status"]
    list_filter = ["channel", "status"]
    readonly_fields = [f.name for f in SandboxMessage._meta.fields]
