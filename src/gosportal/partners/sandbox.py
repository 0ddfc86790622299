"""Sandbox partner sites (docs/sandbox.md, «Сайты-партнёры»), mounted under
/sandbox/partner/<site>/ when ``PARTNER_SANDBOX`` is on.

Each site is a real OpenID Connect client of the portal: it knows only its client id,
its credentials (a secret derived from SECRET_KEY, or its own RSA key for
private_key_jwt, generated once and stored encrypted) and the portal's issuer on the
same host. It talks to the portal over HTTP — in-process (``core.http``) — never
through the partners app's Python code. ``load_sandbox_partners`` registers the sites
at the portal as an administrator would, and links them to their catalogue services.
"""

import datetime
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction

from gosportal.catalog.models import Service
from gosportal.core import oidc
from gosportal.core.oidc_client import OIDCClient
from gosportal.partners import services
from gosportal.partners.models import Partner, SandboxPartnerKey

PREFIX = "/sandbox/partner/"
PORTAL_ISSUER_PATH = "/sso"  # where the portal's provider lives on this host
SESSION_PREFIX = "sandbox_partner"


@dataclass(frozen=True)
class SandboxSite:
    slug: str
    name: str
    organization: str
    auth_method: str
    scope: str
    service_slug: str  # the catalogue service it provides
    service_title: str


SITES = {
    site.slug: site
    for site in (
        SandboxSite(
            slug="zdorovie71",
            name="Здоровье71 — портал здравоохранения Тульской области",
            organization="ГУЗ «Медицинский информационно-аналитический центр Тульской области»",
            auth_method=Partner.AuthMethod.CLIENT_SECRET_BASIC,
            scope="openid profile phone snils",
            service_slug="zapis-k-vrachu",
            service_title="Запись на приём к врачу",
        ),
        SandboxSite(
            slug="nadezhny-polis",
            name="Страховая компания «Надёжный полис»",
            organization="АО «Страховая компания «Надёжный полис»",
            auth_method=Partner.AuthMethod.PRIVATE_KEY_JWT,
            scope="openid profile email",
            service_slug="proverka-polisa-osago",
            service_title="ОСАГО",
        ),
    )
}


def site_or_none(slug: str) -> SandboxSite | None:
    return SITES.get(slug)


def client_id(site: SandboxSite) -> str:
    return f"sandbox-{site.slug}"


def client_secret(site: SandboxSite) -> str:
    """The site's secret: derived from SECRET_KEY, so it needs no storage."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"sandbox-partner:{site.slug}".encode(), hashlib.sha256).hexdigest()


def site_key(site: SandboxSite) -> SandboxPartnerKey:
    """The site's private_key_jwt key; generated and stored (encrypted) on first use."""
    row = SandboxPartnerKey.objects.filter(partner_slug=site.slug).first()
    if row is None:
        new = oidc.new_signing_key()
        try:
            with transaction.atomic():
                row = SandboxPartnerKey.objects.create(
                    partner_slug=site.slug,
                    kid=new.kid,
                    private_pem=new.private_pem,
                    public_jwk=new.public_jwk,
                )
        except IntegrityError:  # made by a parallel request
            row = SandboxPartnerKey.objects.get(partner_slug=site.slug)
    return row


def path(site: SandboxSite, page: str = "") -> str:
    return f"{PREFIX}{site.slug}/{page}"


def portal_client(site: SandboxSite, *, origin: str) -> OIDCClient:
    """The site's OpenID Connect client towards the portal at ``origin`` (this host)."""
    signing_key = None
    secret = ""
    if site.auth_method == Partner.AuthMethod.PRIVATE_KEY_JWT:
        row = site_key(site)
        signing_key = (row.kid, row.private_pem)
    else:
        secret = client_secret(site)
    return OIDCClient(
        issuer=f"{origin}{PORTAL_ISSUER_PATH}",
        client_id=client_id(site),
        client_secret=secret,
        signing_key=signing_key,
        scope=site.scope,
        local=True,
    )


# --- registration at the portal -------------------------------------------------------------


def load_sandbox_partners() -> list[Partner]:
    """Register (or refresh) the sandbox sites at the portal and link their services."""
    partners = []
    for site in SITES.values():
        fields = {
            "name": site.name,
            "organization": site.organization,
            "client_id": client_id(site),
            "auth_method": site.auth_method,
            "scopes": site.scope,
            "redirect_uris": path(site, "callback/"),
            "initiate_login_uri": path(site, "login/"),
            "is_sandbox": True,
            "is_active": True,
            "jwks": {},
        }
        if site.auth_method == Partner.AuthMethod.PRIVATE_KEY_JWT:
            fields["jwks"] = {"keys": [site_key(site).public_jwk]}
        partner = Partner.objects.filter(slug=site.slug).first()
        with transaction.atomic():
            if partner is None:
                partner = Partner(slug=site.slug, **fields)
                services.register_partner(partner=partner)
            else:
                for name, value in fields.items():
                    setattr(partner, name, value)
                services.update_partner(partner=partner, changed=sorted(fields))
            if site.auth_method != Partner.AuthMethod.PRIVATE_KEY_JWT:
                # The site derives its secret from SECRET_KEY; the portal keeps its hash.
                partner.client_secret_hash = make_password(client_secret(site))
                partner.save(update_fields=["client_secret_hash"])
            service = Service.objects.filter(slug=site.service_slug).first()
            if service is not None:
                services.link_service(
                    partner=partner, service=service, target_url=path(site, "service/")
                )
        partners.append(partner)
    return partners


# --- the sites' own services (deterministic, docs/sandbox.md) --------------------------------

CLINICS = [
    ("gp-1", "ГУЗ «Городская поликлиника № 1», г. Тула"),
    ("gp-3", "ГУЗ «Городская поликлиника № 3», г. Тула"),
    ("nm", "ГУЗ «Новомосковская городская клиническая больница»"),
]
SPECIALISTS = [
    ("therapist", "Терапевт"),
    ("pediatrician", "Педиатр"),
    ("surgeon", "Хирург"),
    ("ophthalmologist", "Офтальмолог"),
]
BOOKING_DAYS_AHEAD = 14
POLICY_SERIES = [("XXX", "ХХХ"), ("TTT", "ТТТ"), ("AAS", "ААС")]


def ticket_number(*, sub: str, clinic: str, day: datetime.date) -> str:
    digest = hashlib.sha256(f"{sub}:{clinic}:{day.isoformat()}".encode()).hexdigest()
    return f"{int(digest[:8], 16) % 1_000_000:06d}"


def policy_status(number: str) -> bool:
    """Sandbox rule: a policy number ending in 0 is not found, any other one is valid."""
    return not number.endswith("0")
