"""SEC-2: status changes' comments (officers' requests, applicants' answers) encrypted."""

from django.db import migrations

from gosportal.core.migration_ops import encrypt_text_field


class Migration(migrations.Migration):
    atomic = False  # see gosportal.core.migration_ops
    dependencies = [("applications", "0004_queue_free_index")]

    operations = encrypt_text_field("applications", "statuschange", "comment", blank=True, default="")
