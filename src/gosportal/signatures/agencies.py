"""Signing certificates of agencies (OFF-3, DOC-3, SIG-3).

Each agency signs the result documents it issues with a key of its own. Its
administrator has the certificate issued by the certification centre (the agency's
name, INN and OGRN in it) and revokes it when the key is compromised or the agency
stops; the administrators are told once, 30 days before it expires. An agency's
certificates are the ``SigningCertificate`` rows with the issuer code
``agency-<slug>``; nothing else signs for an agency.
"""

import datetime
import logging

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gosportal.catalog.models import Agency, Officer
from gosportal.catalog.selectors import administered_officer
from gosportal.core import audit, ratelimit
from gosportal.core.errors import Forbidden, InvalidInput, NotFound
from gosportal.core.notify import notify
from gosportal.signatures.models import SigningCertificate
from gosportal.signatures.selectors import current_certificate
from gosportal.signatures.services import create_signing_certificate, revoke_signing_certificate

logger = logging.getLogger(__name__)

ISSUER_PREFIX = "agency-"
EXPIRY_NOTICE_DAYS = 30  # SIG-3: the administrators are told this many days ahead
ISSUE_RATE = "5/d"  # per agency: each issue is a request to the certification centre
HISTORY_LIMIT = 20

# The RFC 5280 reasons an administrator may give: integrations.ca.base.REVOCATION_REASONS.
REASON_LABELS = {
    "key_compromise": gettext_lazy("Закрытый ключ скомпрометирован"),
    "superseded": gettext_lazy("Заменён новым сертификатом"),
    "cessation_of_operation": gettext_lazy("Ведомство прекращает деятельность"),
    "unspecified": gettext_lazy("Другая причина"),
}


def issuer_code(agency: Agency) -> str:
    return f"{ISSUER_PREFIX}{agency.slug}"


def agency_certificate(agency: Agency) -> SigningCertificate | None:
    """The agency's own certificate fit to sign now, or None (no fallback to anyone's)."""
    return current_certificate(issuer_code(agency))


def certificates_of(agency: Agency) -> list[SigningCertificate]:
    """The agency's certificates, newest first, with who issued and revoked them."""
    return list(
        SigningCertificate.objects.filter(issuer_code=issuer_code(agency))
        .select_related("issued_by", "revoked_by")
        .order_by("-created_at", "-pk")[:HISTORY_LIMIT]
    )


def _administered_agency(admin) -> Agency:
    me = administered_officer(admin)
    if me is None:
        raise Forbidden(
            _("Сертификатом ведомства управляет только его администратор."), code="role"
        )
    return me.agency


def issue_agency_certificate(*, admin) -> SigningCertificate:
    """The administrator's agency gets a new certificate from the certification centre.

    A certificate still in force stays valid (documents it signed stay verifiable); the
    new one, living longer, signs from now on.
    """
    agency = _administered_agency(admin)
    ratelimit.check(f"agency-certificate:{agency.pk}", ISSUE_RATE)
    return create_signing_certificate(
        issuer_code=issuer_code(agency),
        issuer_name=agency.full_name,
        inn=agency.inn,
        ogrn=agency.ogrn,
        actor=admin,
    )


def revoke_agency_certificate(*, admin, certificate_id, reason: str) -> SigningCertificate:
    """Revoke one of the administrator's agency's certificates (another's: NotFound)."""
    agency = _administered_agency(admin)
    if reason not in REASON_LABELS:
        raise InvalidInput(_("Причина отзыва: выберите причину из списка."), field="reason")
    try:
        pk = int(certificate_id)
    except (TypeError, ValueError):
        pk = None
    certificate = (
        SigningCertificate.objects.filter(pk=pk, issuer_code=issuer_code(agency)).first()
        if pk
        else None
    )
    if certificate is None:
        raise NotFound(_("Сертификат не найден."))
    return revoke_signing_certificate(certificate=certificate, reason=reason, actor=admin)


def ensure_agency_certificate(agency: Agency) -> SigningCertificate:
    """The agency's current certificate, issued now when it has none (demo data, tests)."""
    return agency_certificate(agency) or create_signing_certificate(
        issuer_code=issuer_code(agency),
        issuer_name=agency.full_name,
        inn=agency.inn,
        ogrn=agency.ogrn,
    )


def notify_expiring_certificates(now: datetime.datetime | None = None) -> int:
    """SIG-3: tell the administrators of each agency whose certificate expires within
    30 days and has no longer-lived successor. Each certificate is announced once
    (``expiry_notified_at``), so running it again, or twice a day, sends nothing new.
    Returns how many certificates were announced."""
    now = now or timezone.now()
    horizon = now + datetime.timedelta(days=EXPIRY_NOTICE_DAYS)
    due = SigningCertificate.objects.filter(
        issuer_code__startswith=ISSUER_PREFIX,
        revoked_at__isnull=True,
        expiry_notified_at__isnull=True,
        valid_to__gt=now,
        valid_to__lte=horizon,
    ).values_list("pk", flat=True)
    announced = 0
    for pk in list(due):
        with transaction.atomic():
            certificate = (
                SigningCertificate.objects.select_for_update()
                .filter(pk=pk, expiry_notified_at__isnull=True)
                .first()
            )
            if certificate is None:  # a parallel run took it
                continue
            if _announce(certificate, now=now, horizon=horizon):
                announced += 1
            certificate.expiry_notified_at = now
            certificate.save(update_fields=["expiry_notified_at"])
    return announced


def _announce(certificate: SigningCertificate, *, now, horizon) -> bool:
    slug = certificate.issuer_code.removeprefix(ISSUER_PREFIX)
    agency = Agency.objects.filter(slug=slug, is_active=True).first()
    if agency is None:
        return False
    replaced = (
        SigningCertificate.objects.filter(
            issuer_code=certificate.issuer_code,
            revoked_at__isnull=True,
            valid_from__lte=now,
            valid_to__gt=horizon,
        )
        .exclude(pk=certificate.pk)
        .exists()
    )
    if replaced:
        return False
    admins = list(
        Officer.objects.filter(
            agency=agency,
            role=Officer.Role.ADMINISTRATOR,
            is_active=True,
            user__is_active=True,
        ).values_list("user_id", flat=True)
    )
    for user_id in admins:
        notify(
            user_id,
            "certificate_expiring",
            document=_("Сертификат подписи: %(agency)s") % {"agency": agency.short_name},
            date=timezone.localtime(certificate.valid_to).strftime("%d.%m.%Y"),
            url=reverse("backoffice:certificate"),
        )
    audit.record(
        "signatures.certificate_expiry_notified",
        obj=certificate,
        details={"agency_id": agency.pk, "recipients": len(admins)},
    )
    return bool(admins)
