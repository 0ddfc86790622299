"""Partner sites and the portal's single sign-on for them (CAT-5, docs/partners.md).

A ``Partner`` is a site registered as an OpenID Connect client of the portal: its
redirect URIs, how it authenticates at the token endpoint, the scopes it may ask for.
``PartnerService`` says which catalogue service the partner provides (the catalogue
card then sends the person there). ``PartnerConsent`` remembers, per person and
partner, what the person allowed to share; codes and access tokens are stored as
hashes only; ``SigningKey`` is the portal's ID-token key, stored encrypted.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gosportal.catalog.models import Service
from gosportal.core.fields import EncryptedTextField

# What a partner may be registered for; «openid» is always there.
SCOPES = ("openid", "profile", "phone", "email", "snils")
SCOPE_LABELS = {
    "openid": _("Обезличенный идентификатор и уровень учётной записи"),
    "profile": _("ФИО и дата рождения"),
    "phone": _("Мобильный телефон"),
    "email": _("Электронная почта"),
    "snils": _("СНИЛС"),
}


def new_client_id() -> str:
    return "gp-" + secrets.token_hex(12)


def new_subject_salt() -> str:
    return secrets.token_hex(32)


class Partner(models.Model):
    """A partner site («сайт-партнёр») signing people in through the portal (CAT-5)."""

    class AuthMethod(models.TextChoices):
        CLIENT_SECRET_BASIC = "client_secret_basic", _("Секрет клиента (HTTP Basic)")
        CLIENT_SECRET_POST = "client_secret_post", _("Секрет клиента в теле запроса")
        PRIVATE_KEY_JWT = "private_key_jwt", _("Подписанный ключом партнёра JWT")

    name = models.CharField(_("название сайта"), max_length=200)
    organization = models.CharField(_("организация"), max_length=300)
    slug = models.SlugField(_("краткое имя"), max_length=60, unique=True)
    client_id = models.CharField(
        _("идентификатор клиента"), max_length=64, unique=True, default=new_client_id
    )
    client_secret_hash = models.CharField(max_length=200, blank=True, editable=False)
    secret_issued_at = models.DateTimeField(
        _("секрет выпущен"), null=True, blank=True, editable=False
    )
    auth_method = models.CharField(
        _("аутентификация клиента"),
        max_length=30,
        choices=AuthMethod.choices,
        default=AuthMethod.CLIENT_SECRET_BASIC,
    )
    # Public keys of the partner (JWK Set) for private_key_jwt.
    jwks = models.JSONField(_("открытые ключи партнёра (JWKS)"), default=dict, blank=True)
    # One absolute URI per line, matched exactly (sandbox partners: a path on this host).
    redirect_uris = models.TextField(_("адреса возврата (redirect URI)"))
    # OpenID Connect «Initiating Login from a Third Party»: where the catalogue sends the
    # person with ?iss=…&target_link_uri=…
    initiate_login_uri = models.CharField(_("адрес начала входа"), max_length=500)
    scopes = models.CharField(_("области доступа"), max_length=200, default="openid")
    # Salt of the pairwise subject: the partner never learns the portal's user id.
    subject_salt = models.CharField(max_length=64, default=new_subject_salt, editable=False)
    is_sandbox = models.BooleanField(_("сайт песочницы"), default=False, editable=False)
    is_active = models.BooleanField(_("действует"), default=True)
    created_at = models.DateTimeField(_("зарегистрирован"), default=timezone.now)

    class Meta:
        verbose_name = _("сайт-партнёр")
        verbose_name_plural = _("сайты-партнёры")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_set(self) -> set[str]:
        return set(self.scopes.split())

    @property
    def redirect_uri_list(self) -> list[str]:
        return [line.strip() for line in self.redirect_uris.splitlines() if line.strip()]

    @property
    def uses_secret(self) -> bool:
        return self.auth_method != self.AuthMethod.PRIVATE_KEY_JWT


class PartnerService(models.Model):
    """A catalogue service provided on a partner's site (CAT-5)."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="services", verbose_name=_("партнёр")
    )
    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, related_name="partner_link", verbose_name=_("услуга")
    )
    # The partner's page of the service (sandbox partners: a path on this host).
    target_url = models.CharField(_("страница услуги на сайте партнёра"), max_length=500)

    class Meta:
        verbose_name = _("услуга сайта-партнёра")
        verbose_name_plural = _("услуги сайтов-партнёров")

    def __str__(self) -> str:
        return f"{self.partner} → {self.service_id}"


class PartnerConsent(models.Model):
    """What a person allowed a partner to receive; asked once, revocable (CAT-5)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_consents"
    )
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="consents")
    scopes = models.CharField(_("области доступа"), max_length=200)
    granted_at = models.DateTimeField(_("разрешено"), default=timezone.now)
    last_used_at = models.DateTimeField(_("последний вход"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("отозвано"), null=True, blank=True)

    class Meta:
        verbose_name = _("разрешение сайту-партнёру")
        verbose_name_plural = _("разрешения сайтам-партнёрам")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "partner"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_active_partner_consent",
            )
        ]
        indexes = [models.Index(fields=["user", "-granted_at"], name="partner_consent_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.partner_id}"

    @property
    def scope_set(self) -> set[str]:
        return set(self.scopes.split())


class AuthorizationCode(models.Model):
    """An authorization code given to a partner: single use, 60 seconds; hash only."""

    code_hash = models.CharField(max_length=64, unique=True)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    redirect_uri = models.CharField(max_length=500)
    scope = models.CharField(max_length=200)
    nonce = models.CharField(max_length=300, blank=True)
    code_challenge = models.CharField(max_length=128)
    auth_time = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # Presented again after use: the tokens issued for it are revoked (RFC 6749 §4.1.2).
    replayed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="partner_code_expiry_idx")]

    def __str__(self) -> str:
        return f"{self.partner_id}: {self.pk}"


class AccessToken(models.Model):
    """A bearer token for the userinfo endpoint (10 minutes); hash only."""

    token_hash = models.CharField(max_length=64, unique=True)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The code it was issued for (expired codes are cleaned up; the token outlives them).
    code = models.ForeignKey(
        AuthorizationCode, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    scope = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["user", "partner"], name="partner_token_user_idx"),
            models.Index(fields=["expires_at"], name="partner_token_expiry_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id}: {self.pk}"


class ClientAssertion(models.Model):
    """A private_key_jwt assertion already used (its jti), so it cannot be replayed."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    jti = models.CharField(max_length=200)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "jti"], name="client_assertion_once")
        ]

    def __str__(self) -> str:
        return f"{self.partner_id}: {self.jti}"


class SigningKey(models.Model):
    """The portal's ID-token signing key: generated once, private part encrypted."""

    kid = models.CharField(max_length=64, unique=True)
    private_pem = EncryptedTextField()
    public_jwk = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ключ подписи единого входа")
        verbose_name_plural = _("ключи подписи единого входа")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.kid


class SandboxPartnerKey(models.Model):
    """The private_key_jwt key of a sandbox partner site (docs/sandbox.md)."""

    partner_slug = models.CharField(max_length=60, unique=True)
    kid = models.CharField(max_length=64)
    private_pem = EncryptedTextField()
    public_jwk = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.partner_slug
