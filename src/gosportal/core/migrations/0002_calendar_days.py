"""Seed the production calendar with the transfers of days off for 2025 and 2026.

Weekdays that are statutory holidays (Labour Code art. 112) need no row. Each new
year's decree, published in the autumn before, is entered in the admin
(«Производственный календарь»), not in a migration.
"""

from datetime import date

from django.db import migrations

DECREE_2025 = "Постановление Правительства РФ от 04.10.2024 № 1335"
DECREE_2026 = "Постановление Правительства РФ от 24.09.2025"
LABOUR_CODE = "ч. 2 ст. 112 ТК РФ"

DAYS = [
    # 2025
    (date(2025, 5, 2), False, f"Перенос выходного дня с 4 января ({DECREE_2025})"),
    (date(2025, 5, 8), False, f"Перенос выходного дня с 23 февраля ({DECREE_2025})"),
    (date(2025, 6, 13), False, f"Перенос выходного дня с 8 марта ({DECREE_2025})"),
    (date(2025, 11, 1), True, f"Рабочая суббота: выходной перенесён на 3 ноября ({DECREE_2025})"),
    (date(2025, 11, 3), False, f"Перенос выходного дня с 1 ноября ({DECREE_2025})"),
    (date(2025, 12, 31), False, f"Перенос выходного дня с 5 января ({DECREE_2025})"),
    # 2026
    (date(2026, 1, 9), False, f"Перенос выходного дня с 3 января ({DECREE_2026})"),
    (date(2026, 3, 9), False, f"Перенос выходного дня с 8 марта, воскресенья ({LABOUR_CODE})"),
    (date(2026, 5, 11), False, f"Перенос выходного дня с 9 мая, субботы ({LABOUR_CODE})"),
    (date(2026, 12, 31), False, f"Перенос выходного дня с 4 января ({DECREE_2026})"),
]


def seed(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    for day, is_working, name in DAYS:
        CalendarDay.objects.update_or_create(
            date=day, defaults={"is_working": is_working, "name": name}
        )


def unseed(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    CalendarDay.objects.filter(date__in=[day for day, _, _ in DAYS]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
