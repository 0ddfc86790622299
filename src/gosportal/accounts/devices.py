"""What a User-Agent says about the device (AUTH-7, AUTH-8): its type in Russian
(«компьютер», «телефон», «планшет»), the browser family and the system family.

Versions are left out on purpose: a browser update is not a new device (AUTH-9).
"""

from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext_lazy as _
from ua_parser import parse

COMPUTER = "computer"
PHONE = "phone"
TABLET = "tablet"

DEVICE_LABELS = {COMPUTER: _("компьютер"), PHONE: _("телефон"), TABLET: _("планшет")}
_TABLET_FAMILIES = {"iPad", "Kindle"}
_TABLET_BRAND_MARKERS = ("Tablet",)
_MOBILE_SYSTEMS = {"Android", "iOS", "Windows Phone", "KaiOS", "HarmonyOS"}


@dataclass(frozen=True)
class Device:
    device_type: str  # COMPUTER, PHONE or TABLET
    browser: str  # e.g. "Chrome", "" when unknown
    os: str  # e.g. "Android", "" when unknown

    @property
    def device_label(self) -> str:
        return str(DEVICE_LABELS.get(self.device_type, self.device_type))


def _device_type(user_agent: str, result) -> str:
    device = result.device
    family, brand = (device.family, device.brand or "") if device is not None else ("", "")
    if family in _TABLET_FAMILIES or any(marker in brand for marker in _TABLET_BRAND_MARKERS):
        return TABLET
    if "Tablet" in user_agent or "iPad" in user_agent:
        return TABLET
    os_family = result.os.family if result.os else ""
    if os_family == "Android" and "Mobile" not in user_agent:
        return TABLET  # Android browsers say "Mobile" on phones only
    if os_family in _MOBILE_SYSTEMS or "Mobile" in user_agent:
        return PHONE
    return COMPUTER


@lru_cache(maxsize=512)
def describe(user_agent: str) -> Device:
    """Device type, browser and system families of a User-Agent string (cached)."""
    user_agent = (user_agent or "")[:300]
    result = parse(user_agent)
    browser = result.user_agent.family if result.user_agent else ""
    system = result.os.family if result.os else ""
    if browser == "Other":
        browser = ""
    if system == "Other":
        system = ""
    return Device(
        device_type=_device_type(user_agent, result), browser=browser[:60], os=system[:60]
    )


def device_label(device_type: str) -> str:
    """«компьютер» for "computer"; stored values that are not known are shown as they are."""
    return str(DEVICE_LABELS.get(device_type, device_type))
