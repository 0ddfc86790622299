"""Identity confirmation through a partner bank (REG-3): sign-in at the online bank by
OpenID Connect, or a check of a bank card registered to the person's name.

Online bank: a standard account picks a bank and is sent to its sign-in with state,
nonce and PKCE (kept in the session, single use, 10 minutes). The callback exchanges
the code, verifies the ID token (signature against the bank's JWKS, iss, aud, exp,
nonce) and compares the bank's data with «Мои данные»: last, first and middle name
(case and ё/е ignored), birth date, and the documents both the bank and the profile
hold (passport series and number, SNILS) — at least one is compared and every compared
one must match. Card: the bank's card page and 3-D Secure step; the portal never sees the card
number and compares the account holder's name (and birth date, when the bank gives it).

Every outcome is a ``Confirmation`` (method BANK or CARD) with ``details`` holding the
bank id and which fields matched or differed, never the values. Back-channel calls are
made outside database transactions (the sandbox bank runs in-process).
"""

import datetime
import re
import secrets
import time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gosportal.accounts.models import User
from gosportal.accounts.notices import send_security_notice
from gosportal.accounts.services import raise_level
from gosportal.core import audit
from gosportal.core.errors import Conflict, InvalidInput, NotFound, ServiceUnavailable
from gosportal.core.ratelimit import check as check_rate
from gosportal.identity.models import Confirmation
from gosportal.identity.pending import cancel_pending, open_pending
from gosportal.identity.service_centre import check_can_request
from gosportal.integrations.bank.base import (
    BadToken,
    BankError,
    BankProvider,
    BankRefused,
    BankUnavailable,
    provider,
    providers,
)
from gosportal.integrations.bank.client import BankClient
from gosportal.profiles.models import Profile
from gosportal.profiles.selectors import profile_of

FLOW_SESSION_KEY = "identity_bank_flow"
FLOW_TTL_SECONDS = 600
START_RATE = "10/10m"  # per account: each start is a round trip to the bank
CARD_CHECK_VALIDITY = datetime.timedelta(minutes=30)

# Field names as the person sees them in «Мои данные» (reason texts, result page).
FIELD_LABELS = {
    "last_name": gettext_lazy("фамилия"),
    "first_name": gettext_lazy("имя"),
    "middle_name": gettext_lazy("отчество"),
    "birth_date": gettext_lazy("дата рождения"),
    "passport": gettext_lazy("серия и номер паспорта"),
    "snils": gettext_lazy("СНИЛС"),
}


class BankNotAvailable(ServiceUnavailable):
    default_message = gettext_lazy(
        "Банк сейчас не отвечает. Повторите попытку позже или выберите другой способ."
    )


class BankDeclined(InvalidInput):
    default_message = gettext_lazy("Банк не подтвердил данные. Начните заново.")


class FlowNotValid(InvalidInput):
    """No flow in the session, a replayed or a forged callback: start again."""

    default_message = gettext_lazy(
        "Ответ банка устарел или уже был использован. Начните подтверждение заново."
    )


def banks() -> list[BankProvider]:
    return providers()


def _bank(bank_id: str) -> BankProvider:
    found = provider(bank_id)
    if found is None:
        raise NotFound(_("Такого банка нет среди партнёров портала."))
    return found


# --- comparison -----------------------------------------------------------------------


def normalize_name(value: str) -> str:
    value = (value or "").casefold().replace("ё", "е")
    return " ".join(re.sub(r"[\s\u2010-\u2014-]+", " ", value).split())


def _digits(value) -> str:
    return re.sub(r"\D", "", str(value or ""))


def _locked_profile(user: User) -> Profile:
    """The profile locked until the transaction ends, so the data compared are the data
    the level is raised for (a concurrent «Мои данные» save waits)."""
    return Profile.objects.select_for_update().filter(user=user).first() or Profile(user=user)


def compare_with_profile(
    user: User, claims: dict, *, documents: bool, profile: Profile | None = None
) -> tuple[list, list]:
    """(matched, differing) field keys of ``FIELD_LABELS`` between bank data and profile."""
    profile = profile if profile is not None else profile_of(user)
    matched, differing = [], []

    def record(field: str, same: bool) -> None:
        (matched if same else differing).append(field)

    for field, claim in (
        ("last_name", "family_name"),
        ("first_name", "given_name"),
        ("middle_name", "middle_name"),
    ):
        mine = normalize_name(getattr(profile, field))
        theirs = normalize_name(claims.get(claim, ""))
        if field == "middle_name" and not mine and not theirs:
            continue
        record(field, bool(mine) and mine == theirs)
    if claims.get("birthdate") or documents:
        theirs = str(claims.get("birthdate", ""))
        mine = profile.birth_date.isoformat() if profile.birth_date else ""
        record("birth_date", bool(mine) and mine == theirs)
    if documents:
        # Documents count where both sides have them; at least one must be compared.
        compared = 0
        if claims.get("passport_number") and profile.passport_number:
            compared += 1
            mine = _digits(profile.passport_series) + _digits(profile.passport_number)
            theirs = _digits(claims.get("passport_series")) + _digits(claims["passport_number"])
            record("passport", len(mine) == 10 and mine == theirs)
        if claims.get("snils") and profile.snils:
            compared += 1
            record("snils", _digits(profile.snils) == _digits(claims["snils"]))
        if not compared:
            differing.append("passport")
    return matched, differing


def differing_text(fields: list[str]) -> str:
    return ", ".join(str(FIELD_LABELS[f]) for f in fields)


def _decide(
    *,
    user: User,
    method: str,
    bank: BankProvider,
    matched: list,
    differing: list,
    confirmation: Confirmation | None = None,
) -> Confirmation:
    """Record the outcome; all fields matching confirms the account (inside a transaction)."""
    now = timezone.now()
    details = {"bank": bank.id, "matched": matched, "differing": differing}
    status = Confirmation.Status.REJECTED if differing else Confirmation.Status.CONFIRMED
    reason = (
        _("Данные банка не совпадают с вашими: %(fields)s.") % {"fields": differing_text(differing)}
        if differing
        else ""
    )
    if confirmation is None:
        confirmation = Confirmation.objects.create(
            user=user,
            method=method,
            status=status,
            created_at=now,
            expires_at=now,
            decided_at=now,
            reason=reason[:300],
            details=details,
        )
    else:
        confirmation.status = status
        confirmation.decided_at = now
        confirmation.reason = reason[:300]
        confirmation.details = {**confirmation.details, **details}
        confirmation.save(update_fields=["status", "decided_at", "reason", "details"])
    kind = "bank" if method == Confirmation.Method.BANK else "card"
    if differing:
        audit.record(
            f"identity.{kind}_mismatch",
            actor=user,
            obj=confirmation,
            details={"bank": bank.id, "differing": differing},
        )
        send_security_notice(
            user,
            subject=_("Личность не подтверждена"),
            text=_(
                "Госпортал: данные банка (%(bank)s) не совпали с вашими: %(fields)s. "
                "Личность не подтверждена. Если это были не вы, позвоните на горячую линию."
            )
            % {"bank": bank.name, "fields": differing_text(differing)},
        )
        return confirmation
    raise_level(user, level=User.Level.CONFIRMED, reason=method)
    audit.record(
        f"identity.{kind}_confirmed",
        actor=user,
        obj=confirmation,
        details={"bank": bank.id, "matched": matched},
    )
    send_security_notice(
        user,
        subject=_("Личность подтверждена"),
        text=_(
            "Госпортал: личность подтверждена через банк (%(bank)s). Учётная запись стала "
            "подтверждённой. Если это были не вы, позвоните на горячую линию."
        )
        % {"bank": bank.name},
    )
    return confirmation


def _refusal(user: User, *, kind: str, bank: str, error: BankError, obj=None) -> None:
    audit.record(
        f"identity.{kind}_failed",
        actor=user,
        obj=obj,
        details={"bank": bank, "error": error.code[:60]},
    )


# --- online bank (OpenID Connect) -----------------------------------------------------


def start_bank_sign_in(
    *, user: User, bank_id: str, portal_base: str, redirect_uri: str
) -> tuple[str, dict]:
    """The bank's authorization URL and the flow to keep in the session."""
    check_can_request(user)
    bank = _bank(bank_id)
    check_rate(f"identity:bank:start:user:{user.pk}", START_RATE)
    flow = {
        "bank": bank.id,
        "state": secrets.token_urlsafe(32),
        "nonce": secrets.token_urlsafe(32),
        "verifier": secrets.token_urlsafe(64),
        "redirect_uri": redirect_uri,
        "user": user.pk,
        "started": int(time.time()),
    }
    client = BankClient(bank, portal_base=portal_base)
    try:
        url = client.authorization_url(
            redirect_uri=redirect_uri,
            state=flow["state"],
            nonce=flow["nonce"],
            code_verifier=flow["verifier"],
        )
    except BankError as error:
        _refusal(user, kind="bank", bank=bank.id, error=error)
        raise BankNotAvailable() from error
    audit.record("identity.bank_started", actor=user, details={"bank": bank.id})
    return url, flow


def finish_bank_sign_in(*, user: User, flow: dict | None, params, portal_base: str) -> Confirmation:
    """Handle the bank's redirect: verify state, exchange the code, verify the ID token,
    compare the data. ``flow`` is the session's (already removed from it: single use)."""
    state = params.get("state", "")
    if (
        not flow
        or flow.get("user") != user.pk
        or not state
        or not secrets.compare_digest(str(flow.get("state", "")), state)
        or int(time.time()) - int(flow.get("started", 0)) > FLOW_TTL_SECONDS
    ):
        audit.record("identity.bank_bad_state", actor=user)
        raise FlowNotValid()
    check_can_request(user)
    bank = _bank(flow["bank"])
    error = params.get("error", "")
    if error:
        _refusal(user, kind="bank", bank=bank.id, error=BankRefused(error))
        if error == "access_denied":
            raise BankDeclined(
                _("%(bank)s: вы отказались передавать данные. Личность не подтверждена.")
                % {"bank": bank.name},
                code="access_denied",
            )
        if error == "temporarily_unavailable":
            raise BankNotAvailable()
        raise BankDeclined()
    code = params.get("code", "")
    if not code:
        raise FlowNotValid()
    client = BankClient(bank, portal_base=portal_base)
    try:
        token = client.exchange_code(
            code=code, redirect_uri=flow["redirect_uri"], code_verifier=flow["verifier"]
        )
        claims = client.verify_id_token(token["id_token"], nonce=flow["nonce"])
    except BankUnavailable as failure:
        _refusal(user, kind="bank", bank=bank.id, error=failure)
        raise BankNotAvailable() from failure
    except BadToken as failure:
        _refusal(user, kind="bank", bank=bank.id, error=failure)
        raise BankDeclined(
            _("Ответ банка не прошёл проверку подлинности. Начните подтверждение заново."),
            code="bad_token",
        ) from failure
    except BankRefused as failure:
        _refusal(user, kind="bank", bank=bank.id, error=failure)
        if failure.code == "temporarily_unavailable":
            raise BankNotAvailable() from failure
        raise BankDeclined() from failure
    with transaction.atomic():
        profile = _locked_profile(user)  # the profile before the user, as «Мои данные» locks
        User.objects.select_for_update().only("pk").get(pk=user.pk)
        check_can_request(user)
        matched, differing = compare_with_profile(user, claims, documents=True, profile=profile)
        return _decide(
            user=user,
            method=Confirmation.Method.BANK,
            bank=bank,
            matched=matched,
            differing=differing,
        )


# --- bank card --------------------------------------------------------------------------


def start_card_check(*, user: User, bank_id: str, portal_base: str, return_url: str):
    """Open a card check at the bank; returns (pending confirmation, bank's card page)."""
    check_can_request(user)
    bank = _bank(bank_id)
    check_rate(f"identity:bank:start:user:{user.pk}", START_RATE)
    client = BankClient(bank, portal_base=portal_base)
    try:
        answer = client.start_card_check(return_url=return_url)
    except BankError as error:
        _refusal(user, kind="card", bank=bank.id, error=error)
        raise BankNotAvailable() from error
    with transaction.atomic():
        cancel_pending(
            user=user, method=Confirmation.Method.CARD, reason=_("Начата новая проверка")
        )
        confirmation = open_pending(
            user=user,
            method=Confirmation.Method.CARD,
            code_hash="",
            validity=CARD_CHECK_VALIDITY,
            details={"bank": bank.id, "check_id": answer["id"]},
        )
        audit.record(
            "identity.card_started", actor=user, obj=confirmation, details={"bank": bank.id}
        )
    return confirmation, answer["card_page"]


def pending_card_check(user: User, check_id: str) -> Confirmation:
    """The user's own pending card check with this bank id, else NotFound."""
    confirmation = (
        Confirmation.objects.filter(
            user=user,
            method=Confirmation.Method.CARD,
            status=Confirmation.Status.PENDING,
            details__check_id=str(check_id or "")[:64],
        )
        .order_by("-created_at")
        .first()
    )
    if confirmation is None:
        raise NotFound(
            _("Проверка карты не найдена или уже завершена. Начните проверку заново."),
            code="card_check_unknown",
        )
    return confirmation


DECLINE_MESSAGES = {
    "card_blocked": gettext_lazy("Банк отклонил проверку: карта заблокирована."),
    "card_expired": gettext_lazy("Банк отклонил проверку: срок действия карты истёк."),
    "card_unknown": gettext_lazy("Банк не нашёл карту с такими номером и сроком действия."),
    "3ds_failed": gettext_lazy("Банк отклонил проверку: трижды введён неверный код из SMS."),
    "cancelled": gettext_lazy("Вы отменили проверку карты на странице банка."),
    "expired": gettext_lazy("Время на проверку карты истекло."),
}


def finish_card_check(*, user: User, check_id: str, portal_base: str) -> Confirmation:
    """The person is back from the bank: fetch the result and compare the holder's name."""
    check_can_request(user)
    confirmation = pending_card_check(user, check_id)
    bank = _bank(confirmation.details.get("bank", ""))
    client = BankClient(bank, portal_base=portal_base)
    try:
        answer = client.card_check_result(confirmation.details["check_id"])
    except BankError as error:
        _refusal(user, kind="card", bank=bank.id, error=error, obj=confirmation)
        raise BankNotAvailable() from error
    status = answer.get("status")
    if status in {"created", "awaiting_code"}:
        raise Conflict(
            _("Проверка карты в банке ещё не завершена. Вернитесь на страницу банка."),
            code="card_check_unfinished",
        )
    with transaction.atomic():
        locked = Confirmation.objects.select_for_update().get(pk=confirmation.pk)
        if locked.status != Confirmation.Status.PENDING:
            raise NotFound(_("Проверка карты уже завершена."), code="card_check_done")
        if status != "succeeded":
            reason_code = str(answer.get("decline_reason") or "declined")
            message = DECLINE_MESSAGES.get(
                reason_code, gettext_lazy("Банк отклонил проверку карты.")
            )
            locked.status = Confirmation.Status.REJECTED
            locked.decided_at = timezone.now()
            locked.reason = str(message)[:300]
            locked.details = {**locked.details, "declined": reason_code[:30]}
            locked.save(update_fields=["status", "decided_at", "reason", "details"])
            audit.record(
                "identity.card_declined",
                actor=user,
                obj=locked,
                details={"bank": bank.id, "reason": reason_code[:30]},
            )
            return locked
        profile = _locked_profile(user)  # the profile before the user, as «Мои данные» locks
        User.objects.select_for_update().only("pk").get(pk=user.pk)
        check_can_request(user)
        matched, differing = compare_with_profile(
            user, answer.get("holder") or {}, documents=False, profile=profile
        )
        return _decide(
            user=user,
            method=Confirmation.Method.CARD,
            bank=bank,
            matched=matched,
            differing=differing,
            confirmation=locked,
        )


def confirmation_of(user: User, confirmation_id) -> Confirmation | None:
    """One of the user's own bank or card confirmations, or None."""
    try:
        pk = int(confirmation_id)
    except (TypeError, ValueError):
        return None
    return Confirmation.objects.filter(
        user=user,
        pk=pk,
        method__in=[Confirmation.Method.BANK, Confirmation.Method.CARD],
    ).first()


def bank_name(bank_id: str) -> str:
    found = provider(bank_id)
    return found.name if found else bank_id
