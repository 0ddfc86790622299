"""The group of remote-check operators (REG-3) with the permission to review."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Операторы удалённой проверки"


def add_group(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs its now.
    config = apps.get_app_config("identity")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="identity", codename="review_remote_check")
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0003_remote_check"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(add_group, remove_group)]
