"""Signing certificates the portal holds for issuers of documents, and the tables of
the sandbox certification centre.

``SigningCertificate`` is the portal's: an issuer's (agency's) certificate with its
private key, encrypted at rest (SEC-2), used to sign the documents it issues (OFF-3).
``SandboxAuthority`` and ``SandboxCertificate`` belong to the sandbox certification
centre (``integrations.ca.sandbox``): its root and issuing CA with their keys and its
register of issued and revoked certificates. They live here because the sandbox needs
tables and the integrations app's migrations are not ours to change; nothing but the
sandbox adapter reads or writes them, and a real centre keeps this state itself.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gosportal.core.fields import EncryptedTextField


class SigningCertificate(models.Model):
    issuer_code = models.SlugField(_("код организации"), max_length=40)
    issuer_name = models.CharField(_("организация"), max_length=300)
    inn = models.CharField(_("ИНН"), max_length=10)
    ogrn = models.CharField(_("ОГРН"), max_length=13)
    serial = models.CharField(_("серийный номер"), max_length=64, unique=True)
    certificate_pem = models.TextField(_("сертификат (PEM)"))
    chain_pem = models.TextField(_("цепочка сертификатов (PEM)"))
    private_key = EncryptedTextField(_("закрытый ключ (PEM)"))
    valid_from = models.DateTimeField(_("действует с"))
    valid_to = models.DateTimeField(_("действует до"))
    revoked_at = models.DateTimeField(_("отозван"), null=True, blank=True)
    revocation_reason = models.CharField(_("причина отзыва"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Who had it issued or revoked (an agency's administrator; empty for commands, demo).
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("выпустил"),
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("отозвал"),
    )
    # SIG-3: when the issuer's administrators were told it expires soon (once).
    expiry_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("сертификат подписи организации")
        verbose_name_plural = _("сертификаты подписи организаций")
        indexes = [models.Index(fields=["issuer_code", "valid_to"])]

    def __str__(self) -> str:
        return f"{self.issuer_name} ({self.serial})"


class SandboxAuthority(models.Model):
    """A CA of the sandbox certification centre (root or issuing), created once."""

    class Role(models.TextChoices):
        ROOT = "root", _("корневой")
        ISSUING = "issuing", _("выдающий")

    role = models.CharField(max_length=10, choices=Role.choices, unique=True)
    certificate_pem = models.TextField()
    private_key = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("УЦ песочницы")
        verbose_name_plural = _("УЦ песочницы")

    def __str__(self) -> str:
        return self.get_role_display()


class SandboxCertificate(models.Model):
    """The sandbox centre's register of the certificates it issued."""

    serial = models.CharField(max_length=64, unique=True)
    subject = models.TextField()
    not_after = models.DateTimeField()
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("сертификат УЦ песочницы")
        verbose_name_plural = _("сертификаты УЦ песочницы")
        indexes = [models.Index(fields=["revoked_at"])]

    def __str__(self) -> str:
        return self.serial
