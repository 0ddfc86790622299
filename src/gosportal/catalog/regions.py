"""Names of the regions used by the catalogue's region filter (CAT-1)."""

from django.utils.translation import gettext_lazy as _

ALL_RUSSIA = "00"

REGIONS = {
    "02": _("Республика Башкортостан"),
    "16": _("Республика Татарстан"),
    "23": _("Краснодарский край"),
    "47": _("Ленинградская область"),
    "50": _("Московская область"),
    "52": _("Нижегородская область"),
    "54": _("Новосибирская область"),
    "63": _("Самарская область"),
    "66": _("Свердловская область"),
    "71": _("Тульская область"),
    "77": _("Москва"),
    "78": _("Санкт-Петербург"),
}


def region_name(code: str) -> str:
    if code == ALL_RUSSIA:
        return str(_("Вся Россия"))
    return str(REGIONS.get(code) or _("Регион %(code)s") % {"code": code})
