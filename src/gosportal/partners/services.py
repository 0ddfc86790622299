"""Writers of the partners app (CAT-5): registrations and secrets, the person's
permissions, authorization codes and tokens, the portal's signing key.

Codes are single use and valid 60 seconds; any attempt to redeem a code burns it
(RFC 6749 §10.5). Access tokens live 10 minutes and die with the permission. Only
hashes of secrets, codes and tokens are stored.
"""

import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from gosportal.accounts.models import User
from gosportal.catalog.models import Service
from gosportal.core import audit, oidc
from gosportal.core.errors import InvalidInput, NotFound
from gosportal.core.oidc import OAuthProblem
from gosportal.partners import claims, provider
from gosportal.partners.models import (
    SCOPES,
    AccessToken,
    AuthorizationCode,
    ClientAssertion,
    Partner,
    PartnerConsent,
    PartnerService,
    SigningKey,
)
from gosportal.partners.selectors import active_consent, consent_of

CODE_TTL = timedelta(seconds=60)
TOKEN_TTL = timedelta(minutes=10)
SECRET_BYTES = 32


# --- registration (the admin) ---------------------------------------------------------


def check_scopes(value: str) -> str:
    scopes = value.split()
    if "openid" not in scopes:
        raise InvalidInput(_("Область «openid» обязательна."), field="scopes")
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise InvalidInput(
            _("Неизвестные области доступа: %(scopes)s.") % {"scopes": ", ".join(unknown)},
            field="scopes",
        )
    return " ".join(s for s in SCOPES if s in scopes)


def _check_absolute_uri(uri: str, *, field: str) -> None:
    parts = urlsplit(uri)
    local = parts.hostname in {"localhost", "127.0.0.1"}
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise InvalidInput(
            _("Адрес %(uri)s должен начинаться с https:// (http:// — только для localhost).")
            % {"uri": uri},
            field=field,
        )
    if not parts.hostname or parts.fragment:
        raise InvalidInput(
            _("Адрес %(uri)s должен быть полным адресом без #фрагмента.") % {"uri": uri},
            field=field,
        )


def check_redirect_uris(value: str) -> str:
    uris = [line.strip() for line in value.splitlines() if line.strip()]
    if not uris:
        raise InvalidInput(_("Укажите хотя бы один адрес возврата."), field="redirect_uris")
    for uri in uris:
        _check_absolute_uri(uri, field="redirect_uris")
    return "\n".join(uris)


def check_initiate_login_uri(value: str) -> str:
    value = value.strip()
    if not value:
        raise InvalidInput(_("Укажите адрес начала входа."), field="initiate_login_uri")
    _check_absolute_uri(value, field="initiate_login_uri")
    return value


def check_jwks(value, *, auth_method: str) -> dict:
    """A JWK Set of public keys; required for private_key_jwt."""
    value = value or {}
    if auth_method != Partner.AuthMethod.PRIVATE_KEY_JWT:
        return value
    message = _("Для входа по подписанному JWT укажите открытые ключи партнёра (JWKS).")
    if not isinstance(value, dict) or not value.get("keys"):
        raise InvalidInput(message, field="jwks")
    try:
        keys = KeySet.import_key_set(value)
    except (JoseError, ValueError, TypeError, KeyError):
        raise InvalidInput(message, field="jwks") from None
    if any(key.is_private for key in keys):
        raise InvalidInput(
            _("В JWKS должны быть только открытые ключи: закрытый ключ остаётся у партнёра."),
            field="jwks",
        )
    return value


def _new_secret(partner: Partner) -> str:
    secret = secrets.token_urlsafe(SECRET_BYTES)
    partner.client_secret_hash = make_password(secret)
    partner.secret_issued_at = timezone.now()
    return secret


@transaction.atomic
def register_partner(*, partner: Partner, actor: User | None = None) -> str | None:
    """Save a new partner; returns its client secret (shown once) for secret methods."""
    secret = _new_secret(partner) if partner.uses_secret else None
    partner.save()
    audit.record(
        "partners.registered",
        actor=actor,
        obj=partner,
        details={"client_id": partner.client_id, "auth_method": partner.auth_method},
    )
    return secret


@transaction.atomic
def update_partner(*, partner: Partner, changed: list[str], actor: User | None = None) -> None:
    """Save an edited registration; switching off stops its tokens at once."""
    partner.save()
    if "is_active" in changed and not partner.is_active:
        AccessToken.objects.filter(partner=partner, revoked_at=None).update(
            revoked_at=timezone.now()
        )
    audit.record("partners.updated", actor=actor, obj=partner, details={"changed": changed})


@transaction.atomic
def issue_client_secret(*, partner: Partner, actor: User | None = None) -> str:
    """A new client secret replacing the old one at once; returned to show once."""
    if not partner.uses_secret:
        raise InvalidInput(_("Этот партнёр входит по подписанному JWT, секрет ему не нужен."))
    secret = _new_secret(partner)
    partner.save(update_fields=["client_secret_hash", "secret_issued_at"])
    audit.record("partners.secret_issued", actor=actor, obj=partner)
    return secret


def link_service(*, partner: Partner, service: Service, target_url: str) -> PartnerService:
    """The service is provided on the partner's site (CAT-5)."""
    link, _created = PartnerService.objects.update_or_create(
        service=service, defaults={"partner": partner, "target_url": target_url}
    )
    return link


# --- the person's permissions -----------------------------------------------------------


@transaction.atomic
def grant_consent(*, user: User, partner: Partner, scopes: set[str]) -> PartnerConsent:
    """Remember that the person allows ``partner`` to receive ``scopes``."""
    scope = " ".join(s for s in SCOPES if s in scopes)
    current = (
        PartnerConsent.objects.select_for_update()
        .filter(user=user, partner=partner, revoked_at=None)
        .first()
    )
    now = timezone.now()
    if current is not None:
        if current.scope_set >= set(scopes):
            return current
        # Asked for more: the old permission ends, the new one lists everything.
        current.revoked_at = now
        current.save(update_fields=["revoked_at"])
        scope = " ".join(s for s in SCOPES if s in scopes | current.scope_set)
    try:
        with transaction.atomic():
            consent = PartnerConsent.objects.create(user=user, partner=partner, scopes=scope)
    except IntegrityError:  # a parallel «Разрешить» granted it first
        return PartnerConsent.objects.get(user=user, partner=partner, revoked_at=None)
    audit.record(
        "partners.consent_granted",
        actor=user,
        obj=consent,
        details={"partner": partner.slug, "scopes": scope},
    )
    return consent


@transaction.atomic
def revoke_consent(*, user: User, consent_id) -> PartnerConsent:
    """«Отозвать доступ»: the partner's tokens stop working and it must ask again."""
    consent = consent_of(user, consent_id)
    if consent is None:
        raise NotFound(_("Такого разрешения нет или оно уже отозвано."))
    now = timezone.now()
    consent.revoked_at = now
    consent.save(update_fields=["revoked_at"])
    AccessToken.objects.filter(user=user, partner=consent.partner, revoked_at=None).update(
        revoked_at=now
    )
    AuthorizationCode.objects.filter(user=user, partner=consent.partner, used_at=None).update(
        used_at=now
    )
    audit.record(
        "partners.consent_revoked",
        actor=user,
        obj=consent,
        details={"partner": consent.partner.slug},
    )
    return consent


# --- codes and tokens ---------------------------------------------------------------------


@transaction.atomic
def issue_code(
    *, user: User, partner: Partner, request: provider.AuthorizationRequest, consent
) -> str:
    """A single-use authorization code for the partner; the sign-in is audited."""
    code = oidc.new_code()
    now = timezone.now()
    AuthorizationCode.objects.create(
        code_hash=oidc.code_hash(code),
        partner=partner,
        user=user,
        redirect_uri=request.redirect_uri,
        scope=request.scope,
        nonce=request.nonce,
        code_challenge=request.code_challenge,
        auth_time=user.last_login,
        created_at=now,
        expires_at=now + CODE_TTL,
    )
    consent.last_used_at = now
    consent.save(update_fields=["last_used_at"])
    audit.record(
        "partners.signed_in",
        actor=user,
        obj=partner,
        details={"partner": partner.slug, "scope": request.scope},
    )
    return code


def redeem_code(*, partner: Partner, form) -> AuthorizationCode:
    """The code's grant after every check; OAuth errors as ``OAuthProblem``."""
    if form.get("grant_type") != "authorization_code":
        raise OAuthProblem("unsupported_grant_type", "only authorization_code")
    code = form.get("code", "")
    if not code or len(code) > 200:
        raise OAuthProblem("invalid_grant", "unknown authorization code")
    with transaction.atomic():
        grant = (
            AuthorizationCode.objects.select_for_update()
            .filter(code_hash=oidc.code_hash(code))
            .first()
        )
        if grant is None or grant.partner_id != partner.pk:
            raise OAuthProblem("invalid_grant", "unknown authorization code")
        now = timezone.now()
        replayed = grant.used_at is not None
        if replayed:
            # RFC 6749 §4.1.2: a code presented twice may have been stolen; the tokens
            # issued for it no longer answer (committed before the refusal below).
            grant.replayed_at = now
            grant.save(update_fields=["replayed_at"])
            AccessToken.objects.filter(code=grant, revoked_at=None).update(revoked_at=now)
            audit.record(
                "partners.code_replayed",
                actor=None,
                obj=partner,
                details={"partner": partner.slug, "user": grant.user_id},
            )
        else:
            grant.used_at = now
            grant.save(update_fields=["used_at"])
    if replayed:
        raise OAuthProblem("invalid_grant", "authorization code already used")
    # Burnt (committed) before any of the checks below can refuse it.
    if grant.expires_at <= now:
        raise OAuthProblem("invalid_grant", "authorization code expired")
    if form.get("redirect_uri", "") != grant.redirect_uri:
        raise OAuthProblem("invalid_grant", "redirect_uri differs from the authorization request")
    if not oidc.pkce_verifies(form.get("code_verifier", ""), grant.code_challenge):
        raise OAuthProblem("invalid_grant", "PKCE verification failed")
    return grant


def spend_assertion(*, partner: Partner, assertion: provider.Assertion) -> None:
    """A private_key_jwt assertion is good once (its jti is remembered until it expires)."""
    try:
        with transaction.atomic():
            ClientAssertion.objects.create(
                partner=partner, jti=assertion.jti, expires_at=assertion.expires_at
            )
    except IntegrityError:
        raise OAuthProblem("invalid_client", "client assertion already used", 401) from None


def signing_key() -> SigningKey:
    """The portal's newest ID-token key; generated and stored (encrypted) on first use."""
    key = SigningKey.objects.order_by("-created_at", "-pk").first()
    if key is None:
        new = oidc.new_signing_key()
        key = SigningKey.objects.create(
            kid=new.kid, private_pem=new.private_pem, public_jwk=new.public_jwk
        )
    return key


def jwks() -> dict:
    signing_key()
    return {"keys": [row.public_jwk for row in SigningKey.objects.order_by("-created_at", "-pk")]}


@transaction.atomic
def issue_tokens(*, grant: AuthorizationCode, iss: str) -> dict:
    """The token response: an RS256 ID token with the allowed claims and an access token."""
    # The code's row stays locked until the token is committed: a replay either came
    # first (refused here) or waits and then revokes the token (``redeem_code``).
    if (
        AuthorizationCode.objects.select_for_update()
        .filter(pk=grant.pk, replayed_at__isnull=False)
        .exists()
    ):
        raise OAuthProblem("invalid_grant", "authorization code already used")
    user, partner = grant.user, grant.partner
    consent = active_consent(user, partner)
    scopes = grant.scope.split()
    if not user.is_active or consent is None or not set(scopes) <= consent.scope_set:
        raise OAuthProblem("invalid_grant", "the person withdrew the permission")
    now = timezone.now()
    ttl = int(TOKEN_TTL.total_seconds())
    issued_at = int(now.timestamp())
    id_claims = {
        "iss": iss,
        "sub": provider.subject(partner, user),
        "aud": partner.client_id,
        "iat": issued_at,
        "exp": issued_at + ttl,
        "nonce": grant.nonce,
        **claims.claims_for(user, set(scopes)),
    }
    if grant.auth_time:
        id_claims["auth_time"] = int(grant.auth_time.timestamp())
    key = signing_key()
    id_token = oidc.sign(id_claims, private_pem=key.private_pem, kid=key.kid)
    access_token = secrets.token_urlsafe(32)
    AccessToken.objects.create(
        token_hash=oidc.code_hash(access_token),
        partner=partner,
        user=user,
        code=grant,
        scope=grant.scope,
        created_at=now,
        expires_at=now + TOKEN_TTL,
    )
    audit.record(
        "partners.tokens_issued",
        actor=user,
        obj=partner,
        details={"partner": partner.slug, "scope": grant.scope},
    )
    return {
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": ttl,
        "scope": grant.scope,
        "id_token": id_token,
    }


def userinfo(*, token: AccessToken) -> dict:
    """Current claims for a valid access token, within the person's permission."""
    consent = active_consent(token.user, token.partner)
    scopes = set(token.scope.split())
    if not token.user.is_active or consent is None or not scopes <= consent.scope_set:
        raise OAuthProblem("invalid_token", "the person withdrew the permission", 401)
    return {
        "sub": provider.subject(token.partner, token.user),
        **claims.claims_for(token.user, scopes),
    }


def purge_expired() -> int:
    """Delete expired codes, tokens and assertion ids (a day after they expire)."""
    cutoff = timezone.now() - timedelta(days=1)
    deleted = 0
    for model in (AuthorizationCode, AccessToken, ClientAssertion):
        count, _by_model = model.objects.filter(expires_at__lt=cutoff).delete()
        deleted += count
    return deleted
