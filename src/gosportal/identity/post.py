"""Confirmation of identity by a code in a registered letter of Russian Post (REG-3).

A standard account orders a letter to the registration address from «Мои данные»;
the code in it (10 characters, valid 30 days) raises the account to confirmed.
Limits (REFERENCE): at most 3 letters per 30 days, 5 code entries per 10 minutes.
Only the code's keyed hash is stored.
"""

import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from gosportal.accounts import services as account_services
from gosportal.accounts.levels import check_level
from gosportal.accounts.models import User
from gosportal.accounts.notices import send_security_notice
from gosportal.core import audit, ratelimit
from gosportal.core.crypto import blind_index
from gosportal.core.errors import Conflict, InvalidInput, RateLimited
from gosportal.identity.models import Confirmation
from gosportal.identity.pending import cancel_pending, open_pending
from gosportal.integrations.post.base import PostError, TrackingEvent, get_post_office
from gosportal.profiles.selectors import profile_of

CODE_LENGTH = 10
# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: the code is read from paper and typed by hand.
CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
CODE_TTL = timedelta(days=30)
LETTERS_PER_PERIOD = 3
LETTER_PERIOD = timedelta(days=30)
CODE_ENTRY_RATE = ratelimit.Rate(limit=5, period=600)  # 5 tries per 10 minutes
_HASH_PURPOSE = "identity.post_letter.code"
_SEPARATORS = str.maketrans("", "", " -\t\u2010\u2011\u2012\u2013\u2014")


def normalize_code(code: str) -> str:
    """Codes are case-insensitive and ignore spaces and hyphens."""
    return (code or "").translate(_SEPARATORS).upper()


def _hash(code: str) -> str:
    return blind_index(normalize_code(code), purpose=_HASH_PURPOSE)


def generate_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def pending_letter(user: User) -> Confirmation | None:
    """The user's letter awaiting its code (expired ones included; the service marks them)."""
    return (
        Confirmation.objects.filter(
            user=user,
            method=Confirmation.Method.POST_LETTER,
            status=Confirmation.Status.PENDING,
        )
        .order_by("-created_at", "-id")
        .first()
    )


def letters_of(user: User):
    """All post letters ordered by ``user``, newest first."""
    return Confirmation.objects.filter(user=user, method=Confirmation.Method.POST_LETTER).order_by(
        "-created_at", "-id"
    )


def tracking_of(letter: Confirmation) -> list[TrackingEvent]:
    if not letter.tracking_number:
        return []
    return get_post_office().track(letter.tracking_number)


def next_letter_allowed_at(user: User):
    """None when a letter may be ordered now, else when the next one may."""
    since = timezone.now() - LETTER_PERIOD
    recent = list(
        Confirmation.objects.filter(
            user=user, method=Confirmation.Method.POST_LETTER, created_at__gt=since
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:LETTERS_PER_PERIOD]
    )
    if len(recent) < LETTERS_PER_PERIOD:
        return None
    return recent[-1] + LETTER_PERIOD


def _letter_text(*, code: str, expires_at) -> str:
    shown = f"{code[:5]}-{code[5:]}"
    until = formats.date_format(timezone.localtime(expires_at), "d.m.Y")
    return _(
        "Госпортал. Код подтверждения личности: %(code)s\n\n"
        "Войдите в личный кабинет, откройте «Мои данные» → «Подтверждение личности» → "
        "«Код из письма» и введите этот код. Код действует до %(until)s.\n"
        "Никому не сообщайте код, даже сотрудникам портала. Если вы не заказывали "
        "письмо, позвоните на горячую линию."
    ) % {"code": shown, "until": until}


def check_can_order(user: User) -> str:
    """Raise when ``user`` may not order a letter now; return the address it goes to."""
    if user.level == User.Level.CONFIRMED:
        raise Conflict(_("Личность уже подтверждена."), code="already_confirmed")
    check_level(user, User.Level.STANDARD)
    address = profile_of(user).registration_address.strip()
    if not address:
        raise InvalidInput(
            _("Укажите адрес регистрации в разделе «Мои данные» — письмо придёт по нему."),
            code="no_address",
        )
    allowed_at = next_letter_allowed_at(user)
    if allowed_at is not None:
        raise RateLimited(
            _(
                "За 30 дней можно заказать не больше трёх писем. "
                "Следующее письмо можно заказать %(date)s."
            )
            % {"date": formats.date_format(timezone.localtime(allowed_at), "d.m.Y H:i")},
            retry_after=max(1, int((allowed_at - timezone.now()).total_seconds())),
        )
    return address


def order_letter(*, user: User) -> Confirmation:
    """Send a letter with a new code to the registration address; an older pending one ends."""
    with transaction.atomic():
        # Serialises orders of one user, so the limit of 3 letters holds under races.
        User.objects.select_for_update().only("pk").get(pk=user.pk)
        address = check_can_order(user)
        profile = profile_of(user)
        recipient = " ".join(
            part for part in (profile.last_name, profile.first_name, profile.middle_name) if part
        )
        cancel_pending(
            user=user, method=Confirmation.Method.POST_LETTER, reason=_("Заказано новое письмо")
        )
        code = generate_code()
        expires_at = timezone.now() + CODE_TTL
        try:
            tracking_number = get_post_office().send_letter(
                address=address,
                recipient=recipient,
                text=_letter_text(code=code, expires_at=expires_at),
            )
        except PostError as error:
            raise InvalidInput(
                _("Почта России не приняла письмо. Проверьте адрес регистрации в «Мои данные»."),
                code="post_refused",
            ) from error
        letter = open_pending(
            user=user,
            method=Confirmation.Method.POST_LETTER,
            code_hash=_hash(code),
            validity=CODE_TTL,
            tracking_number=tracking_number,
            address=address,
        )
        audit.record(
            "identity.post_letter_ordered",
            actor=user,
            obj=letter,
            details={"tracking_number": tracking_number},
        )
    return letter


def enter_letter_code(*, user: User, code: str) -> Confirmation:
    """Check the code from the letter; the right one confirms the identity."""
    usage = ratelimit.hit(f"identity.post_letter.code:user:{user.pk}", CODE_ENTRY_RATE)
    if usage.exceeded:
        raise RateLimited(
            _("Слишком много попыток ввода кода. Повторите через %(minutes)s мин.")
            % {"minutes": max(1, (usage.retry_after + 59) // 60)},
            field="code",
            retry_after=usage.retry_after,
        )
    normalized = normalize_code(code)
    if not normalized:
        raise InvalidInput(_("Введите код из письма."), field="code")
    letter = pending_letter(user)
    if letter is None:
        raise Conflict(_("Нет заказанного письма. Закажите письмо с кодом."), field="code")
    now = timezone.now()
    if letter.expires_at <= now:
        Confirmation.objects.filter(pk=letter.pk, status=Confirmation.Status.PENDING).update(
            status=Confirmation.Status.EXPIRED, decided_at=now
        )
        raise InvalidInput(_("Срок действия кода истёк, закажите новое письмо."), field="code")
    if not hmac.compare_digest(letter.code_hash, _hash(normalized)):
        Confirmation.objects.filter(pk=letter.pk).update(attempts=F("attempts") + 1)
        raise InvalidInput(_("Неверный код из письма."), field="code")
    with transaction.atomic():
        locked = Confirmation.objects.select_for_update().get(pk=letter.pk)
        if locked.status != Confirmation.Status.PENDING:
            raise Conflict(_("Письмо уже недействительно. Обновите страницу."), field="code")
        locked.status = Confirmation.Status.CONFIRMED
        locked.decided_at = now
        locked.attempts = F("attempts") + 1
        locked.save(update_fields=["status", "decided_at", "attempts"])
        locked.refresh_from_db(fields=["attempts"])
        account_services.raise_level(user, level=User.Level.CONFIRMED, reason="post_letter")
        audit.record("identity.post_letter_confirmed", actor=user, obj=locked)
        send_security_notice(
            user,
            subject=_("Личность подтверждена"),
            text=_(
                "Госпортал: личность подтверждена кодом из письма Почты России. "
                "Если это были не вы, позвоните на горячую линию."
            ),
        )
    return locked
