"""Create the default Russian templates of every event type and channel (NOT-3).

Rows that already exist are left alone, so admins' edits survive; a type added later
gets its rows from a new migration calling the same function.
"""

from django.db import migrations

from gosportal.notifications.defaults import default_templates


def create(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    for row in default_templates():
        NotificationTemplate.objects.get_or_create(
            event_type=row["event_type"], channel=row["channel"], defaults=row
        )


def remove(apps, schema_editor):
    apps.get_model("notifications", "NotificationTemplate").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
