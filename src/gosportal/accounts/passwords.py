"""Password policy (AUTH-2): Django password validators with Russian messages, the
strength estimate behind the meter, the writers that set a password, and the
middleware that reminds of (or enforces) a change after ``PASSWORD_MAX_AGE_DAYS``.

The validators are listed in ``AUTH_PASSWORD_VALIDATORS``; every form that accepts a
new password runs ``django.contrib.auth.password_validation.validate_password`` with
the (possibly unsaved) user, so the user's own data is refused too.
"""

import re
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.password_validation import (
    CommonPasswordValidator,
    get_default_password_validators,
)
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from gosportal.accounts import lockout
from gosportal.accounts.models import User, UserSession
from gosportal.accounts.notices import send_security_notice
from gosportal.accounts.sessions import end_sessions
from gosportal.core import audit

MIN_LENGTH = 8
RECOMMENDED_LENGTH = 12
MAX_LENGTH = 256  # longer input is refused by the forms before any hashing
SEQUENCE_LENGTH = 4
REPEAT_LENGTH = 4

# Keyboard rows (Latin and Russian layouts), the shifted digit row and the alphabets;
# a run of four neighbours in either direction counts as a sequence.
_SEQUENCES = (
    "1234567890",
    "!@#$%^&*()",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "йцукенгшщзхъ",
    "фывапролджэ",
    "ячсмитьбю",
    "abcdefghijklmnopqrstuvwxyz",
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
)


@cache
def _sequence_grams() -> frozenset[str]:
    grams = set()
    for row in _SEQUENCES:
        for text in (row, row[::-1]):
            for start in range(len(text) - SEQUENCE_LENGTH + 1):
                grams.add(text[start : start + SEQUENCE_LENGTH])
    return frozenset(grams)


def _is_special(char: str) -> bool:
    return not char.isalnum() and not char.isspace()


# --- validators ----------------------------------------------------------------------


class MinimumLengthValidator:
    def __init__(self, min_length: int = MIN_LENGTH):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                _("Пароль слишком короткий: нужно не меньше %(min)s символов.")
                % {"min": self.min_length},
                code="password_too_short",
            )

    def get_help_text(self):
        return _("Не меньше %(min)s символов.") % {"min": self.min_length}


class CharacterClassesValidator:
    """Upper- and lower-case letters (Latin or Cyrillic), a digit and a special character."""

    def validate(self, password, user=None):
        missing = []
        if not any(char.isupper() for char in password):
            missing.append(gettext("заглавную букву"))
        if not any(char.islower() for char in password):
            missing.append(gettext("строчную букву"))
        if not any(char.isdigit() for char in password):
            missing.append(gettext("цифру"))
        if not any(_is_special(char) for char in password):
            missing.append(gettext("специальный символ (например, ! ? % -)"))
        if missing:
            raise ValidationError(
                _("Пароль должен содержать %(missing)s.") % {"missing": ", ".join(missing)},
                code="password_character_classes",
            )

    def get_help_text(self):
        return _("Заглавные и строчные буквы, цифра и специальный символ.")


class CommonPasswordsValidator(CommonPasswordValidator):
    """Django's list of 20 000 common and breached passwords, also with digits or
    symbols added around a listed word (``Dragon2024!``)."""

    def validate(self, password, user=None):
        lowered = password.lower().strip()
        core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", lowered)
        if lowered in self.passwords or (len(core) >= 4 and core in self.passwords):
            raise ValidationError(
                _("Этот пароль слишком распространён или уже встречался в утечках."),
                code="password_too_common",
            )

    def get_help_text(self):
        return _("Не распространённый и не встречавшийся в утечках пароль.")


class KeyboardSequenceValidator:
    def validate(self, password, user=None):
        lowered = password.lower()
        grams = _sequence_grams()
        for start in range(len(lowered) - SEQUENCE_LENGTH + 1):
            run = lowered[start : start + SEQUENCE_LENGTH]
            if run in grams:
                raise ValidationError(
                    _("Пароль не должен содержать последовательности вроде «%(run)s».")
                    % {"run": run},
                    code="password_sequence",
                )

    def get_help_text(self):
        return _("Без последовательностей клавиш или цифр (qwerty, йцукен, 1234).")


class RepeatedCharactersValidator:
    _REPEAT = re.compile(r"(.)\1{" + str(REPEAT_LENGTH - 1) + ",}", re.DOTALL)

    def validate(self, password, user=None):
        if self._REPEAT.search(password.lower()):
            raise ValidationError(
                _("Пароль не должен содержать один символ %(count)s раза подряд и больше.")
                % {"count": REPEAT_LENGTH},
                code="password_repeated",
            )

    def get_help_text(self):
        return _("Без символа, повторённого 4 раза подряд.")


class PersonalDataValidator:
    """The user's phone (6+ digits in a row), e-mail name and parts of their display name."""

    def validate(self, password, user=None):
        if user is None:
            return
        lowered = password.lower()
        phone_digits = re.sub(r"\D", "", getattr(user, "phone", None) or "")
        if phone_digits:
            variants = {phone_digits, phone_digits[1:], "8" + phone_digits[1:]}
            for digits in variants:
                for start in range(len(digits) - 5):
                    if digits[start : start + 6] in lowered:
                        raise ValidationError(
                            _("Пароль не должен содержать ваш номер телефона."),
                            code="password_phone",
                        )
        email = (getattr(user, "email", None) or "").lower()
        local = email.partition("@")[0]
        if local:
            parts = {local, *re.split(r"[^\w]+|_", local)}
            if any(len(part) >= 3 and part in lowered for part in parts):
                raise ValidationError(
                    _("Пароль не должен содержать имя вашего адреса электронной почты."),
                    code="password_email",
                )
        name = (getattr(user, "display_name", "") or "").lower()
        for part in re.findall(r"[^\W\d_]+", name):
            if len(part) >= 3 and part in lowered:
                raise ValidationError(
                    _("Пароль не должен содержать ваше имя."), code="password_name"
                )

    def get_help_text(self):
        return _("Без вашего телефона, адреса почты и имени.")


# --- strength meter ----------------------------------------------------------------

STRENGTH_LABELS = (
    _("очень слабый"),
    _("слабый"),
    _("средний"),
    _("хороший"),
    _("надёжный"),
)


def policy_problems(password: str, *, user=None) -> list[str]:
    """Every rule of the configured policy that ``password`` breaks, as messages."""
    problems = []
    for validator in get_default_password_validators():
        try:
            validator.validate(password, user)
        except ValidationError as error:
            problems.extend(str(message) for message in error.messages)
    return problems


def password_strength(password: str, *, user=None) -> tuple[int, list[str]]:
    """A score from 0 (very weak) to 4 (strong) and hints on how to improve it.

    A password that breaks the policy never scores above 1; 4 needs the recommended
    12+ characters of all four kinds (or 16+ characters).
    """
    password = password or ""
    if not password:
        return 0, [gettext("Введите пароль.")]
    if len(password) > MAX_LENGTH:
        return 0, [gettext("Пароль не длиннее %(max)s символов.") % {"max": MAX_LENGTH}]
    kinds = sum(
        (
            any(char.isupper() for char in password),
            any(char.islower() for char in password),
            any(char.isdigit() for char in password),
            any(_is_special(char) for char in password),
        )
    )
    length = len(password)
    score = 0
    if length >= MIN_LENGTH:
        score += 1
    if kinds == 4:
        score += 1
    if length >= RECOMMENDED_LENGTH:
        score += 1
    if length >= 16 or (length >= RECOMMENDED_LENGTH and kinds == 4 and len(set(password)) >= 10):
        score += 1
    hints = policy_problems(password, user=user)
    if hints:
        score = min(score, 1)
    if length < RECOMMENDED_LENGTH:
        hints.append(
            ngettext(
                "Рекомендуем пароль от %(count)s символа.",
                "Рекомендуем пароль от %(count)s символов.",
                RECOMMENDED_LENGTH,
            )
            % {"count": RECOMMENDED_LENGTH}
        )
    return min(score, 4), hints


# --- writers -------------------------------------------------------------------------


def set_password(*, user: User, password: str, reason: str) -> None:
    """Store a new password with its date; clears a pending forced change. Audited."""
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.must_change_password = False
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    audit.record("accounts.password_set", actor=user, obj=user, details={"reason": reason})


@transaction.atomic
def change_password(*, user: User, password: str, keep_session_key: str | None) -> int:
    """The owner's own change: new password, every other session ended, owner notified.

    Returns how many other sessions were ended.
    """
    set_password(user=user, password=password, reason="changed")
    ended = end_sessions(user, reason="password_changed", except_key=keep_session_key)
    audit.record("accounts.password_changed", actor=user, obj=user, details={"ended": ended})
    send_security_notice(
        user,
        subject=gettext("Пароль изменён"),
        text=gettext(
            "Пароль от вашей учётной записи Госпортала изменён. Если это были не вы, "
            "восстановите доступ через «Забыли пароль?» и позвоните на горячую линию %(phone)s."
        )
        % {"phone": settings.HOTLINE_PHONE},
    )
    return ended


@transaction.atomic
def reset_password(*, user: User, password: str) -> int:
    """REC-1: new password after a recovery code; ALL sessions ended, every contact told."""
    set_password(user=user, password=password, reason="reset")
    lockout.reset_for_user(user)  # AUTH-5: recovery unlocks the account
    ended = end_sessions(user, reason="password_reset")
    audit.record("accounts.password_reset", actor=user, obj=user, details={"ended": ended})
    send_security_notice(
        user,
        subject=gettext("Пароль восстановлен"),
        text=gettext(
            "Пароль от вашей учётной записи Госпортала восстановлен по коду, все сеансы "
            "завершены. Если это были не вы, позвоните на горячую линию %(phone)s."
        )
        % {"phone": settings.HOTLINE_PHONE},
    )
    return ended


def follow_session_key(*, user: User, old_key: str | None, new_key: str | None) -> None:
    """Keep the session row on this browser after its key was cycled (password change)."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(user=user, session_key=old_key).update(session_key=new_key)


# --- password age ----------------------------------------------------------------------


def password_expired(user: User) -> bool:
    """Older than ``PASSWORD_MAX_AGE_DAYS`` (0 switches the age policy off)."""
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days:
        return False
    changed = user.password_changed_at or user.date_joined
    return changed + timedelta(days=days) <= timezone.now()


def must_change_now(user: User) -> bool:
    return user.must_change_password or (settings.PASSWORD_AGE_ENFORCE and password_expired(user))


_REMINDED_KEY = "password_age_reminded"
# Pages still open while a change is forced: the change page itself and the way out.
_OPEN_URL_NAMES = (
    "accounts:password_change",
    "accounts:password_strength",
    "accounts:logout",
    "set_language",
)


class PasswordAgeMiddleware:
    """After sign-in: remind once of an old password, or hold every page until it is changed.

    Goes after AuthenticationMiddleware and MessageMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if must_change_now(user):
                if not self._is_open(request.path):
                    target = reverse("accounts:password_change")
                    if request.method == "GET":
                        target += "?" + urlencode({"next": request.get_full_path()})
                    return redirect(target)
            elif request.session.get(_REMINDED_KEY) != user.pk and password_expired(user):
                request.session[_REMINDED_KEY] = user.pk
                messages.warning(
                    request,
                    format_html(
                        '{} <a href="{}">{}</a>',
                        gettext(
                            "Вы не меняли пароль больше %(days)s дней. Рекомендуем сменить его."
                        )
                        % {"days": settings.PASSWORD_MAX_AGE_DAYS},
                        reverse("accounts:password_change"),
                        gettext("Сменить пароль"),
                    ),
                )
        return self.get_response(request)

    @staticmethod
    def _is_open(path: str) -> bool:
        if path.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
            return True
        return any(path == reverse(name) for name in _OPEN_URL_NAMES)
