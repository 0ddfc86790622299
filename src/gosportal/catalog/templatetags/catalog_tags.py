"""Template helpers of the catalogue: money in roubles and region names."""

from django import template
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from gosportal.catalog.regions import region_name

register = template.Library()

NBSP = "\u00a0"


@register.filter
def rubles(kopecks) -> str:
    """``30000|rubles`` → «300 ₽»; ``285050|rubles`` → «2 850,50 ₽»; 0 → «Бесплатно»."""
    if kopecks in (None, ""):
        return ""
    kopecks = int(kopecks)
    if kopecks == 0:
        return _("Бесплатно")
    whole, rest = divmod(kopecks, 100)
    text = f"{whole:,}".replace(",", NBSP)
    if rest:
        text += f",{rest:02d}"
    return f"{text}{NBSP}₽"


@register.filter
def region(code: str) -> str:
    return region_name(code)


def russian_plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian form for ``n``: 1 день, 2 дня, 5 дней (21 день, 11 дней)."""
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def _counted(n: int, forms: tuple[str, str, str], translated: str) -> str:
    # The portal's source language is Russian with no Russian catalogue, so ngettext
    # knows only two forms; Russian needs three.
    if (get_language() or "ru").startswith("ru"):
        return f"{n}{NBSP}{russian_plural(n, *forms)}"
    return translated


@register.filter
def working_days(n) -> str:
    """``10|working_days`` → «10 рабочих дней»; «3 рабочих дня» in Russian."""
    n = int(n)
    return _counted(
        n,
        ("рабочий день", "рабочих дня", "рабочих дней"),
        ngettext("%(count)s рабочий день", "%(count)s рабочих дней", n) % {"count": n},
    )


@register.filter
def services_count(n) -> str:
    """``4|services_count`` → «4 услуги»."""
    n = int(n)
    return _counted(
        n,
        ("услуга", "услуги", "услуг"),
        ngettext("%(count)s услуга", "%(count)s услуг", n) % {"count": n},
    )
