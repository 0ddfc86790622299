"""Reads of accounts shared by pages, API and services."""

from django.core.exceptions import ValidationError

from gosportal.accounts.models import User, email_index, phone_index
from gosportal.core.validators import normalize_phone


def user_by_login(login: str) -> User | None:
    """The account whose phone or e-mail is ``login``, or None."""
    login = (login or "").strip()
    if not login:
        return None
    if "@" in login:
        return User.objects.filter(email_index=email_index(login)).first()
    try:
        e164 = normalize_phone(login)
    except ValidationError:
        return None
    return User.objects.filter(phone_index=phone_index(e164)).first()
