"""Reads of accounts shared by pages, API and services."""

from collections.abc import Callable

from django.core.exceptions import ValidationError

from gosportal.accounts.models import User, email_index, phone_index
from gosportal.core.validators import normalize_phone

# Apps above accounts (profiles: SNILS) add ways to find an account by a login.
_resolvers: list[Callable[[str], User | None]] = []


def register_login_resolver(resolver: Callable[[str], User | None]) -> None:
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def user_by_login(login: str) -> User | None:
    """The account whose phone, e-mail or (through profiles) SNILS is ``login``, or None."""
    login = (login or "").strip()
    if not login:
        return None
    if "@" in login:
        return User.objects.filter(email_index=email_index(login)).first()
    try:
        e164 = normalize_phone(login)
    except ValidationError:
        e164 = None
    if e164 is not None:
        user = User.objects.filter(phone_index=phone_index(e164)).first()
        if user is not None:
            return user
    for resolver in _resolvers:
        user = resolver(login)
        if user is not None:
            return user
    return None
