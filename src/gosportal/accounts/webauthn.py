"""Security keys and platform biometrics (WebAuthn, passkeys): AUTH-3 and AUTH-6.

Two ceremonies, each in two halves around the browser's ``navigator.credentials``
call: registration adds a key as a second factor from «Настройки безопасности»;
authentication checks a key at the second step of sign-in or, for a passkey (a
discoverable credential), signs in without a password. The challenge of the first
half waits in the session for at most five minutes and is used once. A key's public
key and signature counter live encrypted in ``Authenticator.data``; its credential id
sits in the indexed ``credential_id`` column, so the owner of a passkey is found by it.
"""

import json
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.http.request import split_domain_port
from django.utils import timezone
from django.utils.translation import gettext as _
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    parse_authentication_credential_json,
)
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from gosportal.accounts import mfa, signin
from gosportal.accounts.models import Authenticator, LoginEvent, User
from gosportal.accounts.notices import send_security_notice
from gosportal.core import audit
from gosportal.core.errors import Conflict, DomainError, InvalidInput

Kind = Authenticator.Kind

CHALLENGE_KEY = "webauthn_challenge"
CHALLENGE_SECONDS = 300
TIMEOUT_MS = 120_000
RP_NAME = "Госпортал"
MAX_NAME_LENGTH = 100
MAX_CREDENTIAL_CHARS = 64_000  # a real response is a few kilobytes

# What the first half was for; the second half must match it.
REGISTER = "register"
SECOND_FACTOR = "second_factor"
PASSKEY = "passkey"

METHOD = "webauthn"  # history: "password+webauthn"
PASSKEY_METHOD = "passkey"  # history: sign-in by a passkey alone (AUTH-6)
KNOWN_TRANSPORTS = {t.value for t in AuthenticatorTransport}


@dataclass(frozen=True)
class RelyingParty:
    """Who the browser is asked to prove itself to: RP id (a host name) and origin."""

    rp_id: str
    origin: str


def relying_party(request) -> RelyingParty:
    """The request's own host on a laptop and in tests, the site's address in production."""
    if settings.DEBUG or settings.TESTING:
        host = request.get_host()  # already checked against ALLOWED_HOSTS
        domain, _port = split_domain_port(host)
        return RelyingParty(rp_id=domain, origin=f"{request.scheme}://{host}")
    site = urlsplit(settings.SITE_URL)
    return RelyingParty(rp_id=site.hostname or "", origin=f"{site.scheme}://{site.netloc}")


class ClonedKey(InvalidInput):
    """The key's signature counter went back: a copy of the key may be in use."""


# --- reads -------------------------------------------------------------------------


def keys_for(user: User):
    return user.authenticators.filter(kind=Kind.WEBAUTHN).order_by("created_at", "pk")


def has_keys(user: User) -> bool:
    return keys_for(user).exists()


def _key_data(row: Authenticator) -> dict:
    return mfa.authenticator_data(row)


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    descriptors = []
    for row in keys_for(user):
        transports = [
            AuthenticatorTransport(t)
            for t in _key_data(row).get("transports", [])
            if t in KNOWN_TRANSPORTS
        ]
        descriptors.append(
            PublicKeyCredentialDescriptor(
                id=base64url_to_bytes(row.credential_id), transports=transports or None
            )
        )
    return descriptors


# --- the challenge in the session --------------------------------------------------


def _keep_challenge(session, *, purpose: str, challenge: bytes, user: User | None) -> None:
    session[CHALLENGE_KEY] = {
        "purpose": purpose,
        "challenge": bytes_to_base64url(challenge),
        "user_id": user.pk if user else None,
        "at": int(time.time()),
    }


def _take_challenge(session, *, purpose: str, user: User | None) -> bytes:
    """The waiting challenge of this purpose (and user), removed: a challenge works once."""
    state = session.pop(CHALLENGE_KEY, None)
    expired = InvalidInput(_("Время на подтверждение истекло. Попробуйте ещё раз."))
    if not isinstance(state, dict) or state.get("purpose") != purpose:
        raise expired
    if int(time.time()) - int(state.get("at", 0)) > CHALLENGE_SECONDS:
        raise expired
    if state.get("user_id") != (user.pk if user else None):
        raise expired
    try:
        return base64url_to_bytes(str(state["challenge"]))
    except (KeyError, ValueError) as error:
        raise expired from error


def _credential_dict(credential) -> dict:
    """The browser's credential as a dict, or a readable refusal (never a server error)."""
    if isinstance(credential, str):
        if len(credential) > MAX_CREDENTIAL_CHARS:
            raise InvalidInput(_("Ответ ключа не распознан."), field="credential")
        try:
            credential = json.loads(credential)
        except ValueError as error:
            raise InvalidInput(_("Ответ ключа не распознан."), field="credential") from error
    if not isinstance(credential, dict):
        raise InvalidInput(_("Ответ ключа не распознан."), field="credential")
    return credential


# --- registration (AUTH-3) ---------------------------------------------------------


def begin_registration(*, user: User, session, rp: RelyingParty) -> str:
    """Options for ``navigator.credentials.create()`` as JSON; the challenge waits in the
    session. A resident key is preferred, so the key can also serve as a passkey."""
    options = generate_registration_options(
        rp_id=rp.rp_id,
        rp_name=RP_NAME,
        user_id=user.public_id.bytes,
        user_name=user.email or user.phone or str(user.public_id),
        user_display_name=str(user),
        timeout=TIMEOUT_MS,
        exclude_credentials=_descriptors(user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    _keep_challenge(session, purpose=REGISTER, challenge=options.challenge, user=user)
    return options_to_json(options)


def finish_registration(
    *, user: User, session, rp: RelyingParty, credential, name: str, session_key: str | None
) -> Authenticator:
    """Verify the browser's answer and store the key; the first real factor becomes the
    default. Audited, the owner told, other sessions ended (as for every factor)."""
    challenge = _take_challenge(session, purpose=REGISTER, user=user)
    data = _credential_dict(credential)
    try:
        verified = verify_registration_response(
            credential=data,
            expected_challenge=challenge,
            expected_rp_id=rp.rp_id,
            expected_origin=rp.origin,
        )
    except Exception as error:  # the library raises assorted errors on malformed input
        raise InvalidInput(
            _("Ключ не удалось подключить: ответ ключа не прошёл проверку. Попробуйте ещё раз."),
            field="credential",
        ) from error
    credential_id = bytes_to_base64url(verified.credential_id)
    response = data.get("response") if isinstance(data.get("response"), dict) else {}
    transports = response.get("transports") if isinstance(response, dict) else None
    transports = [t for t in (transports or []) if isinstance(t, str) and t in KNOWN_TRANSPORTS]
    name = (name or "").strip()[:MAX_NAME_LENGTH] or _("Ключ безопасности")
    with transaction.atomic():
        mfa.lock_user(user)
        if Authenticator.objects.filter(kind=Kind.WEBAUTHN, credential_id=credential_id).exists():
            raise Conflict(_("Этот ключ уже подключён."), field="credential")
        row = Authenticator.objects.create(
            user=user,
            kind=Kind.WEBAUTHN,
            name=name,
            credential_id=credential_id,
            data=json.dumps(
                {
                    "public_key": bytes_to_base64url(verified.credential_public_key),
                    "sign_count": verified.sign_count,
                    "transports": transports,
                }
            ),
            is_default=not user.authenticators.filter(is_default=True).exists(),
        )
        mfa.record_change(user, "accounts.mfa_added", row, session_key=session_key, added=True)
    return row


# --- authentication (AUTH-3 second factor, AUTH-6 passkey) -------------------------


def begin_authentication(*, session, rp: RelyingParty, user: User | None = None) -> str:
    """Options for ``navigator.credentials.get()`` as JSON. With ``user`` (the second
    step of sign-in) only their keys are allowed; without, any passkey may answer."""
    if user is not None:
        options = generate_authentication_options(
            rp_id=rp.rp_id,
            timeout=TIMEOUT_MS,
            allow_credentials=_descriptors(user),
            user_verification=UserVerificationRequirement.PREFERRED,
        )
        purpose = SECOND_FACTOR
    else:
        options = generate_authentication_options(
            rp_id=rp.rp_id,
            timeout=TIMEOUT_MS,
            allow_credentials=[],
            user_verification=UserVerificationRequirement.REQUIRED,
        )
        purpose = PASSKEY
    _keep_challenge(session, purpose=purpose, challenge=options.challenge, user=user)
    return options_to_json(options)


def credential_owner(credential) -> User | None:
    """Whose key answered (by its credential id), before anything is verified."""
    try:
        raw_id = str(_credential_dict(credential).get("rawId") or "")
        credential_id = bytes_to_base64url(base64url_to_bytes(raw_id)) if raw_id else ""
    except (DomainError, ValueError):
        return None
    if not credential_id:
        return None
    row = (
        Authenticator.objects.filter(kind=Kind.WEBAUTHN, credential_id=credential_id)
        .select_related("user")
        .first()
    )
    return row.user if row else None


def finish_authentication(
    *, session, rp: RelyingParty, credential, user: User | None = None
) -> Authenticator:
    """Verify a signed challenge against the stored key and move its counter on.

    ``user`` set: the key must be one of theirs (second factor). Unset: a passkey, whose
    user handle must be its owner's ``public_id`` and whose user must have been verified.
    A counter that does not grow (when the key keeps one) means a cloned key: refused.
    """
    purpose = SECOND_FACTOR if user is not None else PASSKEY
    challenge = _take_challenge(session, purpose=purpose, user=user)
    data = _credential_dict(credential)
    refused = InvalidInput(_("Ключ не подошёл. Попробуйте ещё раз или выберите другой способ."))
    try:
        parsed = parse_authentication_credential_json(data)
    except Exception as error:  # the library raises assorted errors on malformed input
        raise refused from error
    credential_id = bytes_to_base64url(parsed.raw_id)
    rows = Authenticator.objects.filter(kind=Kind.WEBAUTHN, credential_id=credential_id)
    row = rows.filter(user=user).first() if user is not None else rows.first()
    if row is None:
        raise InvalidInput(_("Этот ключ не подключён к учётной записи."))
    owner = row.user
    handle = parsed.response.user_handle
    if user is None and handle != owner.public_id.bytes:
        raise refused
    if handle is not None and handle != owner.public_id.bytes:
        raise refused
    stored = _key_data(row)
    try:
        verified = verify_authentication_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=rp.rp_id,
            expected_origin=rp.origin,
            credential_public_key=base64url_to_bytes(str(stored.get("public_key", ""))),
            # The counter is compared below, once the signature is known to be genuine.
            credential_current_sign_count=0,
            require_user_verification=user is None,
        )
    except Exception as error:  # the library raises assorted errors on malformed input
        raise refused from error
    cloned = False
    with transaction.atomic():
        row = Authenticator.objects.select_for_update().get(pk=row.pk)
        stored = _key_data(row)
        old_count = int(stored.get("sign_count") or 0)
        new_count = verified.new_sign_count
        if (new_count or old_count) and new_count <= old_count:
            cloned = True
        else:
            stored["sign_count"] = new_count
            row.data = json.dumps(stored)
            row.last_used_at = timezone.now()
            row.save(update_fields=["data", "last_used_at"])
    if cloned:
        _report_cloned_key(row, old_count=old_count, new_count=new_count)
        raise ClonedKey(
            _(
                "Ключ отклонён: его счётчик подписей не увеличился, возможно, ключ скопирован. "
                "Войдите другим способом и удалите этот ключ в настройках безопасности."
            )
        )
    return row


@transaction.atomic  # the audit row and the owner's notice together (NOT-5)
def _report_cloned_key(row: Authenticator, *, old_count: int, new_count: int) -> None:
    audit.record(
        "accounts.webauthn_clone_suspected",
        actor=row.user,
        obj=row,
        details={"stored_sign_count": old_count, "sign_count": new_count},
    )
    send_security_notice(
        row.user,
        subject=_("Подозрение на копию ключа безопасности"),
        text=_(
            "При входе ключ «%(name)s» вернул неверный счётчик подписей — возможно, ключ "
            "скопирован. Вход отклонён. Удалите этот ключ в настройках безопасности и, если "
            "это были не вы, смените пароль."
        )
        % {"name": row.name or row.get_kind_display()},
    )


# --- the sign-in steps ---------------------------------------------------------------


def signin_second_factor(request, *, user: User, credential) -> Authenticator:
    """The key as the second step of sign-in, counted with the codes' counter (AUTH-4)."""
    try:
        mfa.check_not_locked(user=user)
    except DomainError:
        mfa.record_failed_signin(request, user, method=METHOD, locked=True)
        raise
    try:
        row = finish_authentication(
            session=request.session, rp=relying_party(request), credential=credential, user=user
        )
    except DomainError as wrong:
        mfa.record_failed_signin(request, user, method=METHOD, locked=False)
        mfa.record_wrong_code(user=user)  # raises the lock when this failure starts one
        raise wrong from None
    mfa.record_right_code(user=user)
    return row


def signin_with_passkey(request, *, credential) -> User:
    """AUTH-6: the user whose passkey signed the challenge, after the checks the password
    step makes that apply here (the step's lock, the IP allow-list of AUTH-10)."""
    owner = credential_owner(credential)
    if owner is None:
        request.session.pop(CHALLENGE_KEY, None)
        audit.record(
            "accounts.login_failed",
            details={"method": PASSKEY_METHOD, "step": "passkey", "reason": "unknown_key"},
        )
        raise InvalidInput(
            _("Этот ключ доступа не подключён ни к одной учётной записи. Войдите по паролю.")
        )
    if not owner.is_active:
        request.session.pop(CHALLENGE_KEY, None)
        _record_refused(request, owner, result=LoginEvent.Result.INACTIVE)
        raise InvalidInput(_("Вход по ключу доступа невозможен."))
    try:
        mfa.check_not_locked(user=owner)
    except DomainError:
        request.session.pop(CHALLENGE_KEY, None)
        mfa.record_failed_signin(request, owner, method=PASSKEY_METHOD, locked=True)
        raise
    try:
        finish_authentication(
            session=request.session, rp=relying_party(request), credential=credential
        )
    except DomainError as wrong:
        mfa.record_failed_signin(request, owner, method=PASSKEY_METHOD, locked=False)
        mfa.record_wrong_code(user=owner)
        raise wrong from None
    signin.check_ip_allowed(request, owner, record=_record_refused)
    mfa.record_right_code(user=owner)
    return owner


def _record_refused(request, user: User, *, result: str) -> None:
    """A refused passkey sign-in: history entry and audit row, kept on rollback."""
    with transaction.atomic():
        signin.record_login_event(request, user, method=PASSKEY_METHOD, result=result)
        audit.record(
            "accounts.login_failed",
            actor=user,
            details={"method": PASSKEY_METHOD, "step": "passkey", "reason": result},
        )
