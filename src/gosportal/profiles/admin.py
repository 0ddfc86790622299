from django.contrib import admin

from gosportal.profiles.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "updated_at"]
    raw_id_fields = ["user"]
    readonly_fields = ["updated_at"]
