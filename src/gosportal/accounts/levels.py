"""Account levels (REG-4): one helper for views and services.

A service or page declares the minimum level it needs; a person below it is told
what is missing and where the next step is, instead of a bare refusal.
"""

import functools

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from gosportal.accounts.models import User
from gosportal.core.errors import Forbidden

ORDER = {User.Level.SIMPLIFIED: 0, User.Level.STANDARD: 1, User.Level.CONFIRMED: 2}


class LevelTooLow(Forbidden):
    """The account's level is below what the action needs; ``needed`` says which."""

    def __init__(self, *, needed: str, current: str):
        self.needed = needed
        self.current = current
        super().__init__(
            _("Нужна учётная запись уровня «%(needed)s», у вас — «%(current)s».")
            % {"needed": User.Level(needed).label, "current": User.Level(current).label},
            code="level_too_low",
        )


def has_level(user: User, level: str) -> bool:
    return ORDER[User.Level(user.level)] >= ORDER[User.Level(level)]


def check_level(user: User, level: str) -> None:
    """For services: raise ``LevelTooLow`` when ``user`` is below ``level``."""
    if not has_level(user, level):
        raise LevelTooLow(needed=level, current=user.level)


def next_step(user: User) -> dict:
    """What raises this account one level, in words and a link."""
    if user.level == User.Level.SIMPLIFIED:
        return {
            "text": _(
                "Заполните персональные данные: ФИО, дату рождения, паспорт и СНИЛС. "
                "Мы проверим их в МВД и СФР, и учётная запись станет стандартной."
            ),
            "url": reverse("profiles:edit"),
            "label": _("Заполнить данные"),
        }
    return {
        "text": _(
            "Подтвердите личность: через онлайн-банк или банковскую карту, в центре "
            "обслуживания (МФЦ), кодом из письма Почты России, удалённой проверкой паспорта "
            "или с телефона, где выполнен вход в подтверждённую учётную запись."
        ),
        "url": reverse("identity:index"),
        "label": _("Подтвердить личность"),
    }


def requires_level(level: str):
    """View decorator: signed in and at ``level`` or above, else an explanation (403)."""

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not has_level(request.user, level):
                return render(
                    request,
                    "accounts/level_required.html",
                    {
                        "needed": User.Level(level).label,
                        "current": User.Level(request.user.level).label,
                        "step": next_step(request.user),
                    },
                    status=403,
                )
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
