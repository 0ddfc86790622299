"""The portal as a client of a partner bank: OpenID Connect (authorization code with
PKCE S256, client_secret_basic; ``core.oidc_client``) and the bank's card check API.

Every call goes over HTTP; a sandbox bank of this portal is reached in-process
(``core.http``). Callers must not hold a database transaction open while calling.
"""

import re

import httpx
from django.conf import settings

from gosportal.core.oidc_client import OIDCClient
from gosportal.integrations.bank.base import (
    SCOPE,
    BadToken,
    BankProvider,
    BankRefused,
    BankUnavailable,
)

_CHECK_ID = re.compile(r"^[0-9a-f-]{36}$")


class BankClient(OIDCClient):
    """One partner bank, as seen from a portal whose public base URL is ``portal_base``."""

    unavailable_error = BankUnavailable
    refused_error = BankRefused
    bad_token_error = BadToken

    def __init__(self, provider: BankProvider, *, portal_base: str):
        self.provider = provider
        super().__init__(
            issuer=provider.issuer_for(portal_base),
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            scope=SCOPE,
            local=provider.is_sandbox,
            timeout=settings.BANK_HTTP_TIMEOUT,
        )

    # --- card checks (the bank's back-channel API, client-authenticated) ---------------

    def _auth(self) -> httpx.BasicAuth:
        return httpx.BasicAuth(self.provider.client_id, self.provider.client_secret)

    def start_card_check(self, *, return_url: str) -> dict:
        """A new card check: {"id", "card_page"} — the page where the person types the card."""
        endpoint = self.metadata()["card_checks_endpoint"]
        try:
            with self._http() as client:
                response = client.post(endpoint, data={"return_url": return_url}, auth=self._auth())
        except httpx.HTTPError as error:
            raise BankUnavailable("network", str(error)) from error
        if response.status_code >= 500:
            raise BankUnavailable("server_error", f"HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError as error:
            raise BankUnavailable("bad_response", "not JSON") from error
        if response.status_code != 201:
            raise BankRefused(
                str(body.get("error", "error")), str(body.get("error_description", ""))
            )
        if not _CHECK_ID.match(str(body.get("id", ""))) or not body.get("card_page"):
            raise BankUnavailable("bad_response", "no check id")
        return body

    def card_check_result(self, check_id: str) -> dict:
        """{"id", "status", "decline_reason", "holder": {...}} of a check this client made."""
        if not _CHECK_ID.match(check_id or ""):
            raise BankRefused("not_found")
        endpoint = self.metadata()["card_checks_endpoint"]
        return self._get_json(f"{endpoint}/{check_id}", auth=self._auth())
