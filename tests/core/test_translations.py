"""UX-1: Russian by default, with a complete English translation."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

EN_PO = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"


def test_english_catalogue_has_no_untranslated_or_fuzzy_entries():
    catalogue = polib.pofile(str(EN_PO))
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert missing == [], f"untranslated: {missing[:10]}"
    assert fuzzy == [], f"fuzzy: {fuzzy[:10]}"


def test_english_catalogue_is_compiled_and_used():
    with translation.override("en"):
        assert translation.gettext("Главная") == "Home"
        assert str(settings.PORTAL_NAME) == "Gosportal"
    with translation.override("ru"):
        assert translation.gettext("Главная") == "Главная"


RU_PO = Path(settings.LOCALE_PATHS[0]) / "ru" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def test_every_plural_has_its_three_russian_forms():
    """Russian counts one / few / many («1 день», «2 дня», «5 дней»): a plural written in
    the source has only two forms, so its Russian forms live in the ru catalogue."""
    english = polib.pofile(str(EN_PO))
    russian = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(RU_PO))}
    for entry in english:
        if not entry.msgid_plural:
            continue
        forms = russian[(entry.msgctxt, entry.msgid)].msgstr_plural
        assert sorted(forms) == [0, 1, 2], entry.msgid
        for form in forms.values():
            assert form, entry.msgid
            assert set(PLACEHOLDER.findall(form)) == set(PLACEHOLDER.findall(entry.msgid_plural))


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "остался 1 рабочий день"),
        (2, "осталось 2 рабочих дня"),
        (4, "осталось 4 рабочих дня"),
        (5, "осталось 5 рабочих дней"),
        (11, "осталось 11 рабочих дней"),
        (12, "осталось 12 рабочих дней"),
        (21, "остался 21 рабочий день"),
        (22, "осталось 22 рабочих дня"),
    ],
)
def test_russian_plurals_follow_russian_rules(count, expected):
    with translation.override("ru"):
        text = translation.ngettext(
            "остался %(days)s рабочий день", "осталось %(days)s рабочих дней", count
        )
    assert text % {"days": count} == expected
