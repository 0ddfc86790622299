"""Reads of partner sites and the person's permissions (CAT-5), ownership applied here."""

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from gosportal.accounts.models import User
from gosportal.catalog.external import ExternalSite
from gosportal.catalog.models import Service
from gosportal.core.oidc import code_hash
from gosportal.partners.models import AccessToken, Partner, PartnerConsent, PartnerService


def _usable(prefix: str = "") -> dict:
    """Partners that may sign people in now: active; sandbox ones only with the sandbox."""
    lookups = {f"{prefix}is_active": True}
    if not settings.PARTNER_SANDBOX:
        lookups[f"{prefix}is_sandbox"] = False
    return lookups


def usable_partners() -> QuerySet[Partner]:
    return Partner.objects.filter(**_usable())


def partner_by_client_id(client_id: str) -> Partner | None:
    if not client_id or len(client_id) > 64:
        return None
    return usable_partners().filter(client_id=client_id).first()


def partner_link_for(service: Service) -> PartnerService | None:
    """The partner site providing ``service``, if one is usable."""
    return (
        PartnerService.objects.select_related("partner")
        .filter(service=service)
        .filter(**_usable("partner__"))
        .first()
    )


def active_consent(user: User, partner: Partner) -> PartnerConsent | None:
    return PartnerConsent.objects.filter(user=user, partner=partner, revoked_at=None).first()


def consents_for(user: User) -> list[PartnerConsent]:
    """The partners the person allowed, newest first (the «Сайты-партнёры» page)."""
    return list(
        PartnerConsent.objects.filter(user=user, revoked_at=None)
        .select_related("partner")
        .order_by("-granted_at", "-pk")
    )


def revoked_consents_for(user: User, *, limit: int = 20) -> list[PartnerConsent]:
    return list(
        PartnerConsent.objects.filter(user=user, revoked_at__isnull=False)
        .select_related("partner")
        .order_by("-revoked_at", "-pk")[:limit]
    )


def consent_of(user: User, consent_id) -> PartnerConsent | None:
    """The person's own active permission with this id, else None (another's id: None)."""
    try:
        pk = int(consent_id)
    except (TypeError, ValueError):
        return None
    return (
        PartnerConsent.objects.filter(pk=pk, user=user, revoked_at=None)
        .select_related("partner")
        .first()
    )


def token_for(access_token: str) -> AccessToken | None:
    """A bearer token still valid: not expired, not revoked, its partner usable."""
    if not access_token or len(access_token) > 200:
        return None
    return (
        AccessToken.objects.select_related("user", "partner")
        .filter(
            token_hash=code_hash(access_token),
            revoked_at=None,
            expires_at__gt=timezone.now(),
        )
        .filter(**_usable("partner__"))
        .first()
    )


def external_site_for(service: Service) -> ExternalSite | None:
    """The catalogue's resolver (``catalog.external``): the card's «Перейти на сайт
    партнёра» leads to /sso/go/<service>/."""
    link = partner_link_for(service)
    if link is None:
        return None
    return ExternalSite(name=link.partner.name, url=reverse("partners:go", args=[service.slug]))
