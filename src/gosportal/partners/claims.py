"""What a partner site learns about a person (CAT-5): claims by scope and account level.

Only the scopes the partner is registered for and the person allowed are used, and
only data the portal vouches for: names, birth date and SNILS once the registries
checked them (standard or confirmed account), the phone the person signs in with, an
e-mail address once confirmed. The consent page lists exactly these items with their
values, and what is held back and why.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from gosportal.accounts.levels import has_level
from gosportal.accounts.models import User
from gosportal.profiles.models import Profile
from gosportal.profiles.selectors import profile_of

# Data the registries vouch for only from this level on (REG-2).
VERIFIED_DATA_LEVEL = User.Level.STANDARD
ACR_PREFIX = "urn:gosportal:loa:"


@dataclass(frozen=True)
class Item:
    """One line of the consent page: what is shared and its value as the person sees it."""

    label: str
    value: object = ""
    is_date: bool = False


def _names(profile: Profile) -> str:
    return " ".join(p for p in (profile.last_name, profile.first_name, profile.middle_name) if p)


def _snils_display(digits: str) -> str:
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:9]} {digits[9:]}" if len(digits) == 11 else ""


def _verified(user: User) -> bool:
    return has_level(user, VERIFIED_DATA_LEVEL)


def claims_for(user: User, scopes: set[str], *, profile: Profile | None = None) -> dict:
    """The claims for ``scopes`` (already limited to the registration and the consent)."""
    claims: dict = {}
    if "openid" in scopes:
        claims["acr"] = ACR_PREFIX + user.level
    needs_profile = bool({"profile", "snils"} & scopes) and _verified(user)
    if needs_profile and profile is None:
        profile = profile_of(user)
    if "profile" in scopes and needs_profile and profile.last_name and profile.first_name:
        claims.update(family_name=profile.last_name, given_name=profile.first_name)
        if profile.middle_name:
            claims["middle_name"] = profile.middle_name
        if isinstance(profile.birth_date, datetime.date):
            claims["birthdate"] = profile.birth_date.isoformat()
    if "snils" in scopes and needs_profile and profile.snils:
        claims["snils"] = re.sub(r"\D", "", profile.snils)
    if "phone" in scopes and user.phone:
        claims.update(phone_number=user.phone, phone_number_verified=True)
    if "email" in scopes and user.email and user.email_confirmed:
        claims.update(email=user.email, email_verified=True)
    return claims


def consent_items(user: User, scopes: set[str]) -> tuple[list[Item], list[str]]:
    """(what will be shared, what is held back) for the consent page, in scope order."""
    profile = profile_of(user) if {"profile", "snils"} & scopes else None
    claims = claims_for(user, scopes, profile=profile)
    shared = [
        Item(
            _("Обезличенный идентификатор"),
            _("свой для каждого сайта; номер вашей учётной записи сайт не узнает"),
        )
    ]
    if "acr" in claims:
        shared.append(Item(_("Уровень учётной записи"), user.get_level_display()))
    held: list[str] = []
    if "profile" in scopes:
        if "family_name" in claims:
            shared.append(Item(_("Фамилия, имя, отчество"), _names(profile)))
            if "birthdate" in claims:
                shared.append(Item(_("Дата рождения"), profile.birth_date, is_date=True))
        else:
            held.append(_("ФИО и дата рождения"))
    if "phone" in scopes:
        if "phone_number" in claims:
            shared.append(Item(_("Мобильный телефон"), claims["phone_number"]))
        else:
            held.append(_("мобильный телефон"))
    if "email" in scopes:
        if "email" in claims:
            shared.append(Item(_("Электронная почта"), claims["email"]))
        else:
            held.append(_("электронная почта"))
    if "snils" in scopes:
        if "snils" in claims:
            shared.append(Item(_("СНИЛС"), _snils_display(claims["snils"])))
        else:
            held.append(_("СНИЛС"))
    return shared, held
