"""UX-1: Russian by default, with a complete English translation."""

from pathlib import Path

import polib
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
