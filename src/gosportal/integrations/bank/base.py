"""Partner banks as the portal sees them: an OpenID Connect provider each, plus a card
check API (REG-3). The portal is a registered client of every bank
(``settings.BANK_OIDC_PROVIDERS``); a bank without an issuer is the local sandbox bank.
"""

from dataclasses import dataclass

from django.conf import settings

from gosportal.core.oidc_client import OIDCError

SANDBOX_PREFIX = "/sandbox/bank/"
# What the portal asks the bank to share: names and birth date (profile), the passport
# and the SNILS (custom scopes of the partner banks, docs/sandbox.md).
SCOPE = "openid profile passport snils"


class BankError(OIDCError):
    """The bank answered with a refusal or could not be used; ``code`` says which."""


class BankUnavailable(BankError):
    """The bank did not answer, or answered with a server error."""


class BankRefused(BankError):
    """The bank answered with an OAuth error (invalid_grant, access_denied …)."""


class BadToken(BankError):
    """The ID token does not verify: signature, issuer, audience, expiry or nonce."""


@dataclass(frozen=True)
class BankProvider:
    id: str
    name: str
    issuer: str  # empty: the local sandbox bank
    client_id: str
    client_secret: str

    @property
    def is_sandbox(self) -> bool:
        return not self.issuer

    def issuer_for(self, portal_base: str) -> str:
        """The issuer URL; a sandbox bank lives on the portal's own host."""
        if self.issuer:
            return self.issuer if self.issuer.endswith("/") else self.issuer + "/"
        return f"{portal_base.rstrip('/')}{SANDBOX_PREFIX}{self.id}/"


def providers() -> list[BankProvider]:
    """The partner banks in the order of the settings."""
    return [
        BankProvider(
            id=bank,
            name=config.get("name", bank),
            issuer=config.get("issuer", ""),
            client_id=config["client_id"],
            client_secret=config["client_secret"],
        )
        for bank, config in settings.BANK_OIDC_PROVIDERS.items()
    ]


def provider(bank_id: str) -> BankProvider | None:
    return next((p for p in providers() if p.id == bank_id), None)
