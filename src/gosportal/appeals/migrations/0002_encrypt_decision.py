"""SEC-2: the agency's decision on an appeal encrypted, like the appeal's reason."""

from django.db import migrations, models

from gosportal.core.migration_ops import encrypt_text_field


class Migration(migrations.Migration):
    atomic = False  # see gosportal.core.migration_ops
    dependencies = [("appeals", "0001_initial")]

    operations = [
        migrations.RemoveConstraint("appeal", "appeal_decided_has_decision"),
        *encrypt_text_field(
            "appeals", "appeal", "decision", verbose_name="решение по жалобе", blank=True, default=""
        ),
        migrations.AddConstraint(
            "appeal",
            models.CheckConstraint(
                condition=models.Q(status__in=["registered", "in_review"])
                | models.Q(decided_at__isnull=False),
                name="appeal_decided_has_date",
            ),
        ),
    ]
