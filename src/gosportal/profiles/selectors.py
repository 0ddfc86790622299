"""Reads of profiles shared by pages, API and the sign-in."""

import re

from django.core.exceptions import ValidationError

from gosportal.accounts.models import User
from gosportal.core.validators import check_snils
from gosportal.profiles.models import snils_index

_SNILS_SHAPE = re.compile(r"^\d{3}-?\d{3}-?\d{3}[\s-]?\d{2}$")


def user_by_snils(login: str) -> User | None:
    """The account whose profile holds the SNILS ``login`` (any usual spelling), or None."""
    if not _SNILS_SHAPE.match(login.strip()):
        return None
    try:
        digits = check_snils(login)
    except ValidationError:
        return None
    return User.objects.filter(profile__snils_index=snils_index(digits)).first()
