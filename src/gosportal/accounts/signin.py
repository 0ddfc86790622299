"""The sign-in pipeline shared by every way in (password, second factor, later bank and
e-signature): a first step proves the login, an optional second factor follows, and
``finish_signin`` opens the session. Between the steps only the pending user's id
and the first step's method sit in the session, for at most five minutes.

The password step (``password_step``) applies the brute-force defence (AUTH-5,
accounts.lockout) and the account's IP allow-list (AUTH-10); ``finish_signin``
records the device and warns the owner about a new device or network with a
«это был не я» link (AUTH-9), which ``report_not_me`` acts on.
"""

import ipaddress
import time
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth import login as auth_login
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gosportal.accounts import devices, lockout, selectors
from gosportal.accounts.models import Authenticator, LoginEvent, User, UserSession
from gosportal.accounts.notices import send_security_notice
from gosportal.accounts.reauth import mark_reauthenticated
from gosportal.accounts.sessions import end_sessions, remember_activity
from gosportal.core import audit, metrics
from gosportal.core.errors import InvalidInput
from gosportal.core.models import AuditEvent

PENDING_KEY = "signin_pending"
PENDING_SECONDS = 300
SESSION_GRACE_SECONDS = 3600

# AUTH-1: one message for a wrong password, an unknown login, a locked login and a
# disabled account, so the page never tells whether a login exists.
INVALID_LOGIN = gettext_lazy("Неверный логин или пароль.")
IP_REFUSED = gettext_lazy("Вход с этого адреса запрещён настройками безопасности учётной записи.")
NO_SECOND_FACTOR = gettext_lazy(
    "Для служебной учётной записи нужен второй фактор, а он не подключён. Обратитесь к "
    "администратору ведомства: он пришлёт новое приглашение."
)

NOT_ME_SALT = "accounts.not-me"
NOT_ME_MAX_AGE = 7 * 24 * 3600
NOT_ME_ACTION = "accounts.not_me"
MAX_ALLOWLIST_ENTRIES = 20

METHOD_LABELS = {
    "password": gettext_lazy("пароль"),
    "sms": gettext_lazy("код из SMS"),
    "email": gettext_lazy("код из письма"),
    "totp": gettext_lazy("приложение-аутентификатор"),
    "webauthn": gettext_lazy("ключ безопасности или биометрия"),
    "recovery": gettext_lazy("резервный код"),
    "recovery_code": gettext_lazy("резервный код"),
    "recovery_codes": gettext_lazy("резервный код"),
    "passkey": gettext_lazy("ключ доступа (passkey)"),
}


class SigninRefused(InvalidInput):
    """The password step refused; ``message`` is what the person may be told."""

    def __init__(self, message, *, reason: str):
        self.reason = reason
        super().__init__(message, code=reason)


def method_label(method: str) -> str:
    """«пароль + код из SMS» for "password+sms"; unknown parts are shown as they are."""
    return " + ".join(str(METHOD_LABELS.get(part, part)) for part in (method or "").split("+"))


def _absolute(url_name: str, *args) -> str | None:
    try:
        return settings.SITE_URL + reverse(url_name, args=args)
    except NoReverseMatch:  # the page is not there yet
        return None


def _local(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%d.%m.%Y %H:%M} ({local.tzname()})"


# --- the password step (AUTH-1, AUTH-5, AUTH-10) ------------------------------------


def record_login_event(request, user: User, *, method: str, result: str) -> LoginEvent:
    """One entry of «История входов» with the device read from the User-Agent."""
    user_agent = request.headers.get("User-Agent", "")[:300]
    device = devices.describe(user_agent)
    metrics.count_signin(result)
    return LoginEvent.objects.create(
        user=user,
        ip=getattr(request, "client_ip", None),
        user_agent=user_agent,
        device_type=device.device_type,
        browser=device.browser,
        os=device.os,
        method=method,
        result=result,
    )


def record_failed_signin(request, user: User | None, *, result: str, method="password") -> None:
    """A refused sign-in: history entry (known users) and audit row, kept on rollback."""
    with transaction.atomic():
        if user is not None:
            record_login_event(request, user, method=method, result=result)
        else:
            metrics.count_signin(result)
        audit.record(
            "accounts.login_failed",
            actor=user,
            details={"method": method, "step": "password", "reason": result},
        )


def _notify_locked(user: User, until: datetime) -> None:
    forgot = _absolute("accounts:password_forgot")
    text = _(
        "Вход в вашу учётную запись временно заблокирован после неудачных попыток входа. "
        "Войти снова можно после %(until)s."
    ) % {"until": _local(until)}
    if forgot:
        hint = _("Если это были не вы или вы забыли пароль, восстановите его: %(url)s")
        text += " " + hint % {"url": forgot}
    else:
        text += " " + _(
            "Если это были не вы или вы забыли пароль, восстановите его по ссылке "
            "«Забыли пароль?» на странице входа."
        )
    send_security_notice(user, subject=_("Вход временно заблокирован"), text=text)


def password_step(
    request,
    *,
    login: str,
    password: str,
    throttle: lockout.ThrottleState | None = None,
    reset_counters: bool = True,
) -> User:
    """The user whose login and password these are, or ``SigninRefused``.

    A locked login is refused like a wrong password even when the password is right;
    unknown logins cost the same hashing work and are counted the same way.
    ``throttle`` is the login's ``lockout.state`` when the caller has just read it; a
    caller passing ``reset_counters=False`` clears them itself (``clear_counters`` or
    ``finish_signin(clear_counters_of=...)``) when ``throttle.counted``.
    """
    ip = getattr(request, "client_ip", None)
    if throttle is None:
        throttle = lockout.state(login, ip)
    user = selectors.user_by_login(login)
    if user is None or not user.has_usable_password():
        User().set_password(password)  # the same work, so timing tells nothing (AUTH-1)
        password_ok = False
    else:
        password_ok = user.check_password(password)

    if throttle.locked:
        record_failed_signin(request, user, result=LoginEvent.Result.LOCKED)
        raise SigninRefused(INVALID_LOGIN, reason=LoginEvent.Result.LOCKED)
    if not password_ok or not user.is_active:
        result = LoginEvent.Result.WRONG_PASSWORD if not password_ok else LoginEvent.Result.INACTIVE
        new_lock = lockout.record_failure(login, ip)
        with transaction.atomic():  # the refusal's record and the lock notice together
            record_failed_signin(request, user, result=result)
            if new_lock and user is not None:
                _notify_locked(user, new_lock)
        raise SigninRefused(INVALID_LOGIN, reason=result)
    check_ip_allowed(request, user)
    if reset_counters and throttle.counted:  # nothing to reset otherwise: no statement
        lockout.reset(login, ip)
    if second_factor_mandatory(user) and not needs_second_factor(user):
        audit.record(
            "accounts.login_failed",
            actor=user,
            details={"method": "password", "step": "password", "reason": "no_second_factor"},
        )
        raise SigninRefused(NO_SECOND_FACTOR, reason="no_second_factor")
    return user


def clear_counters(request, login: str) -> None:
    """A correct password: the login's failure counters start again (AUTH-5)."""
    lockout.reset(login, getattr(request, "client_ip", None))


def check_ip_allowed(request, user: User, *, record=None) -> None:
    """AUTH-10: refuse (recorded, owner told) a sign-in from outside the user's networks.

    ``record(request, user, result=...)`` writes the history entry; the password step's
    by default, the passkey sign-in passes its own.
    """
    ip = getattr(request, "client_ip", None)
    if ip_allowed(user, ip):
        return
    with transaction.atomic():  # NOT-5: the refusal's record and its notice together
        (record or record_failed_signin)(request, user, result=LoginEvent.Result.IP_REFUSED)
        send_security_notice(
            user,
            subject=_("Вход с неразрешённого адреса"),
            text=_(
                "Попытка входа в вашу учётную запись с адреса %(ip)s отклонена: адрес не "
                "входит в список разрешённых. Если это были не вы, смените пароль."
            )
            % {"ip": ip or "?"},
        )
    raise SigninRefused(IP_REFUSED, reason=LoginEvent.Result.IP_REFUSED)


def record_captcha_failure(request, *, login: str) -> None:
    """The CAPTCHA was not solved: the password was not even checked."""
    record_failed_signin(request, selectors.user_by_login(login), result=LoginEvent.Result.CAPTCHA)


# --- IP allow-list (AUTH-10) --------------------------------------------------------


def allowlist_networks(text: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The networks of a stored allow-list (lines that do not parse are skipped)."""
    networks = []
    for line in (text or "").splitlines():
        try:
            networks.append(ipaddress.ip_network(line.strip(), strict=False))
        except ValueError:
            continue
    return networks


def ip_allowed(user: User, ip: str | None) -> bool:
    """An empty list allows every address; otherwise the address must be in one network."""
    networks = allowlist_networks(user.ip_allowlist)
    if not networks:
        return True
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return False
    return any(address in network for network in networks)


@transaction.atomic  # NOT-5: the change, its audit row and the owner's notice together
def set_ip_allowlist(*, user: User, networks: list[str]) -> None:
    """Store the allow-list (normalised, one network a line); audited, owner notified."""
    user.ip_allowlist = "\n".join(networks)
    user.save(update_fields=["ip_allowlist"])
    audit.record(
        "accounts.ip_allowlist_changed", actor=user, obj=user, details={"entries": len(networks)}
    )
    if networks:
        text = _("Вход в вашу учётную запись теперь разрешён только с адресов: %(list)s.") % {
            "list": ", ".join(networks)
        }
    else:
        text = _("Ограничение входа по IP-адресам в вашей учётной записи снято.")
    text += " " + _("Если это были не вы, срочно смените пароль.")
    send_security_notice(user, subject=_("Изменены настройки безопасности"), text=text)


# --- second factor and finishing ----------------------------------------------------


def needs_second_factor(user: User) -> bool:
    """Users with any second factor (recovery codes alone do not count) must use one."""
    return user.authenticators.exclude(kind=Authenticator.Kind.RECOVERY_CODES).exists()


# Apps above accounts register who else never signs in on one factor (backoffice: anyone
# holding a desk permission); a predicate takes the user and returns a bool.
_second_factor_rules: dict[str, Callable[[User], bool]] = {}


def register_second_factor_rule(name: str, predicate: Callable[[User], bool]) -> None:
    _second_factor_rules[name] = predicate


def second_factor_mandatory(user: User) -> bool:
    """REG-5, SEC: civil servants, staff, superusers and whoever a registered rule names
    (desk operators) never sign in on one factor: their pages hold others' data."""
    if user.kind == User.Kind.CIVIL_SERVANT or user.is_staff or user.is_superuser:
        return True
    return any(rule(user) for rule in _second_factor_rules.values())


def _is_multi_factor(method: str) -> bool:
    # "password+sms" and the like; a passkey is possession plus biometrics or a PIN.
    return "+" in (method or "") or method == "passkey"


# Where a user lands after signing in without a ``next``: apps above accounts register a
# page per account kind (backoffice: civil servants land on their desk).
_landings: dict[str, str] = {}


def register_landing(kind: str, url_name: str) -> None:
    _landings[kind] = url_name


def landing_url(user: User) -> str:
    """The page ``user`` starts on after signing in, "/" unless their kind has its own."""
    url_name = _landings.get(user.kind)
    if url_name:
        try:
            return reverse(url_name)
        except NoReverseMatch:
            pass
    return "/"


def begin_second_factor(request, user: User, *, method: str) -> None:
    """Remember that ``user`` passed the first step; the second-factor page continues.

    The session gets a new id as with ``cycle_key``, but its row is written once, by
    the session middleware with the response, rather than created here and updated then.
    """
    kept = dict(request.session.items())
    request.session.flush()  # the old row goes; the new id is made when the row is
    request.session.update(kept)
    request.session[PENDING_KEY] = {"user_id": user.pk, "method": method, "at": int(time.time())}


def pending_signin(request) -> tuple[User, str] | None:
    """The user waiting for their second factor, or None when absent or stale."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    if int(time.time()) - int(pending.get("at", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    user = User.objects.filter(pk=pending.get("user_id"), is_active=True).first()
    return (user, str(pending.get("method", ""))) if user else None


def _network(ip: str | None):
    """The network an address belongs to for AUTH-9: /24 for IPv4, /48 for IPv6."""
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return None
    prefix = 24 if address.version == 4 else 48
    return ipaddress.ip_network(f"{address}/{prefix}", strict=False)


def _is_new_device_or_network(user: User, device: devices.Device, ip: str | None) -> bool:
    """True when the user signed in before, but never from this device or network.

    One query: the distinct (device, browser, system, address) of earlier sign-ins.
    """
    seen = list(
        LoginEvent.objects.filter(user=user, result=LoginEvent.Result.SUCCESS)
        .order_by()
        .values_list("device_type", "browser", "os", "ip")
        .distinct()[:1000]
    )
    if not seen:
        return False  # the very first sign-in is not news
    here = (device.device_type, device.browser, device.os)
    known_device = any(row[:3] == here for row in seen)
    network = _network(ip)
    if network is None:
        return not known_device
    known_network = any(row[3] and ipaddress.ip_address(row[3]) in network for row in seen)
    return not (known_device and known_network)


def make_not_me_token(event: LoginEvent) -> str:
    return signing.TimestampSigner(salt=NOT_ME_SALT).sign(str(event.pk))


def event_for_not_me_token(token: str) -> LoginEvent:
    """The sign-in a «это был не я» link names, or ``InvalidInput`` (bad, old or used)."""
    try:
        event_id = signing.TimestampSigner(salt=NOT_ME_SALT).unsign(token, max_age=NOT_ME_MAX_AGE)
    except signing.SignatureExpired as error:
        raise InvalidInput(_("Срок действия ссылки истёк."), code="expired") from error
    except signing.BadSignature as error:
        raise InvalidInput(_("Ссылка недействительна."), code="invalid") from error
    event = LoginEvent.objects.filter(pk=event_id, result=LoginEvent.Result.SUCCESS).first()
    if event is None:
        raise InvalidInput(_("Ссылка недействительна."), code="invalid")
    if _not_me_used(event):
        raise InvalidInput(_("Ссылка уже использована."), code="used")
    return event


def _not_me_used(event: LoginEvent) -> bool:
    return AuditEvent.objects.filter(
        action=NOT_ME_ACTION, object_type="accounts.loginevent", object_id=str(event.pk)
    ).exists()


def _notify_new_device(user: User, event: LoginEvent) -> None:
    link = _absolute("accounts:not_me", make_not_me_token(event))
    text = _(
        "Вход с нового устройства или из новой сети: %(browser)s, %(os)s, %(ip)s, %(time)s. "
        "Если это были не вы, перейдите по ссылке: %(link)s"
    ) % {
        "browser": event.browser or _("неизвестный браузер"),
        "os": event.os or _("неизвестная система"),
        "ip": event.ip or "?",
        "time": _local(event.occurred_at),
        "link": link,
    }
    send_security_notice(user, subject=_("Вход с нового устройства"), text=text)


def _new_session_id(request, user: User) -> None:
    """What ``auth_login`` does to a session that nobody is signed in to (``cycle_key``:
    a new id, the old row deleted, the data kept), except that the new row is written
    once, complete, by the next ``save`` rather than created now and updated then.

    The session is marked as this user's so that ``auth_login`` sees nothing to rotate;
    a session of someone else is left to ``auth_login``, which empties it.
    """
    session = request.session
    if SESSION_KEY in session:
        return
    kept = dict(session.items())
    session.flush()  # the old row goes; the new id is made when the row is written
    session.update(kept)
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()


def finish_signin(
    request, user: User, *, method: str, clear_counters_of: str | None = None
) -> None:
    """Open the session (a new session id), record the sign-in and the device (AUTH-7,
    AUTH-8), and warn the owner of a new device or network (AUTH-9).

    One transaction holds every write: the login's failure counters when
    ``clear_counters_of`` names it, the session row, ``last_login``, the session list
    entry, the history entry, the audit row and the warning (NOT-5), so a sign-in exists
    entirely or not at all and costs one commit.
    """
    if second_factor_mandatory(user) and not _is_multi_factor(method):
        raise PermissionDenied  # every way in must have asked for the second factor
    user_agent = request.headers.get("User-Agent", "")[:300]
    ip = getattr(request, "client_ip", None)
    device = devices.describe(user_agent)
    with transaction.atomic():
        if clear_counters_of is not None:
            clear_counters(request, clear_counters_of)
        is_new = _is_new_device_or_network(user, device, ip)
        request.session.pop(PENDING_KEY, None)
        _new_session_id(request, user)
        auth_login(request, user, backend="gosportal.accounts.backends.LoginBackend")
        mark_reauthenticated(request)  # a fresh sign-in counts as a recent proof
        # The stored session outlives the absolute limit a little, so that the session
        # watch (sessions.SessionActivityMiddleware) ends it and says why, rather than it
        # vanishing.
        request.session.set_expiry(settings.SESSION_ABSOLUTE_SECONDS + SESSION_GRACE_SECONDS)
        request.session.save()  # the new session key exists from here on
        row = UserSession.objects.create(
            user=user,
            session_key=request.session.session_key,
            ip=ip,
            user_agent=user_agent,
            device_type=device.device_type,
            browser=device.browser,
            os=device.os,
            method=method,
        )
        event = record_login_event(request, user, method=method, result=LoginEvent.Result.SUCCESS)
        audit.record("accounts.login_succeeded", actor=user, details={"method": method})
        if is_new:
            _notify_new_device(user, event)
    remember_activity(request.session, opened=row.created_at, noted=row.last_activity)


# --- «Это был не я» (AUTH-9) --------------------------------------------------------


@transaction.atomic
def report_not_me(*, event: LoginEvent) -> int:
    """The owner disowns a sign-in: every session ends and the password stops working
    until it is recovered («Забыли пароль?»). Returns how many sessions ended."""
    user = User.objects.select_for_update().get(pk=event.user_id)
    if _not_me_used(event):
        raise InvalidInput(_("Ссылка уже использована."), code="used")
    ended = end_sessions(user, reason="not_me")
    user.set_unusable_password()
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    audit.record(NOT_ME_ACTION, obj=event, details={"user_id": user.pk, "sessions_ended": ended})
    send_security_notice(
        user,
        subject=_("Доступ к учётной записи приостановлен"),
        text=_(
            "Вы сообщили, что вход %(time)s выполнили не вы. Все сеансы завершены, вход по "
            "паролю отключён. Восстановите доступ через «Забыли пароль?» на странице входа."
        )
        % {"time": _local(event.occurred_at)},
    )
    return ended
