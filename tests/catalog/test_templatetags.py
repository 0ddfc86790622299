"""Money and counts on the catalogue pages: roubles from kopecks, Russian plural forms."""

import pytest
from django.utils import translation

from gosportal.catalog.templatetags.catalog_tags import rubles, services_count, working_days


@pytest.mark.parametrize(
    ("kopecks", "shown"),
    [(0, "Бесплатно"), (30000, "300\u00a0₽"), (285050, "2\u00a0850,50\u00a0₽"), (5, "0,05\u00a0₽")],
)
def test_fees_are_shown_in_roubles(kopecks, shown):
    assert rubles(kopecks) == shown


@pytest.mark.parametrize(
    ("days", "shown"),
    [
        (1, "1 рабочий день"),
        (3, "3 рабочих дня"),
        (5, "5 рабочих дней"),
        (11, "11 рабочих дней"),
        (21, "21 рабочий день"),
        (22, "22 рабочих дня"),
        (112, "112 рабочих дней"),
    ],
)
def test_working_days_take_the_russian_form(days, shown):
    with translation.override("ru"):
        assert working_days(days) == shown.replace(" ", "\u00a0", 1)


def test_service_counts_take_the_russian_form():
    with translation.override("ru"):
        assert [services_count(n) for n in (1, 4, 5)] == [
            "1\u00a0услуга",
            "4\u00a0услуги",
            "5\u00a0услуг",
        ]
