"""The portal as a client of a partner bank: OpenID Connect (authorization code with
PKCE S256, client_secret_basic) through authlib, ID tokens verified with joserfc
against the bank's JWKS, and the bank's card check API.

Every call goes over HTTP; a sandbox bank of this portal is reached in-process
(``core.http``). Callers must not hold a database transaction open while calling.
"""

import re
import warnings

import httpx
from authlib.deprecate import AuthlibDeprecationWarning
from authlib.integrations.base_client.errors import OAuthError
from django.conf import settings
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from gosportal.core import http
from gosportal.integrations.bank.base import (
    SCOPE,
    BadToken,
    BankProvider,
    BankRefused,
    BankUnavailable,
)

with warnings.catch_warnings():
    # Authlib 1.9 prefers the httpx2 fork and warns when it falls back to httpx.
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import OAuth2Client

CLOCK_LEEWAY_SECONDS = 30
_CHECK_ID = re.compile(r"^[0-9a-f-]{36}$")


class BankClient:
    """One partner bank, as seen from a portal whose public base URL is ``portal_base``."""

    def __init__(self, provider: BankProvider, *, portal_base: str):
        self.provider = provider
        self.issuer = provider.issuer_for(portal_base)
        self._metadata: dict | None = None

    def _http(self, **kwargs) -> httpx.Client:
        return http.client(
            local=self.provider.is_sandbox, timeout=settings.BANK_HTTP_TIMEOUT, **kwargs
        )

    def _oauth(self, *, redirect_uri: str) -> OAuth2Client:
        return OAuth2Client(
            client_id=self.provider.client_id,
            client_secret=self.provider.client_secret,
            token_endpoint_auth_method="client_secret_basic",  # noqa: S106 -- a method name
            code_challenge_method="S256",
            scope=SCOPE,
            redirect_uri=redirect_uri,
            transport=http.transport(local=self.provider.is_sandbox),
            timeout=settings.BANK_HTTP_TIMEOUT,
        )

    def _get_json(self, url: str, **kwargs) -> dict:
        try:
            with self._http() as client:
                response = client.get(url, **kwargs)
        except httpx.HTTPError as error:
            raise BankUnavailable("network", str(error)) from error
        if response.status_code >= 500:
            raise BankUnavailable("server_error", f"HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError as error:
            raise BankUnavailable("bad_response", "not JSON") from error
        if not isinstance(body, dict):
            raise BankUnavailable("bad_response", "not a JSON object")
        if response.status_code >= 400:
            raise BankRefused(
                str(body.get("error", "error")), str(body.get("error_description", ""))
            )
        return body

    def metadata(self) -> dict:
        """The bank's discovery document; its issuer must be the one configured."""
        if self._metadata is None:
            document = self._get_json(f"{self.issuer}.well-known/openid-configuration")
            if document.get("issuer") != self.issuer:
                raise BankUnavailable("bad_metadata", "issuer differs")
            self._metadata = document
        return self._metadata

    def authorization_url(self, *, redirect_uri: str, state: str, nonce: str, code_verifier: str):
        """Where to send the browser: the bank's sign-in with state, nonce and PKCE."""
        with self._oauth(redirect_uri=redirect_uri) as oauth:
            url, _state = oauth.create_authorization_url(
                self.metadata()["authorization_endpoint"],
                state=state,
                nonce=nonce,
                code_verifier=code_verifier,
            )
        return url

    def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> dict:
        """The token response for an authorization code (raises BankRefused/Unavailable)."""
        endpoint = self.metadata()["token_endpoint"]
        try:
            with self._oauth(redirect_uri=redirect_uri) as oauth:
                token = oauth.fetch_token(
                    endpoint,
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=code_verifier,
                )
        except OAuthError as error:
            raise BankRefused(str(error.error), str(error.description or "")) from error
        except (httpx.HTTPError, ValueError) as error:
            raise BankUnavailable("token_endpoint", str(error)) from error
        if not token.get("id_token"):
            raise BankRefused("no_id_token")
        return dict(token)

    def verify_id_token(self, id_token: str, *, nonce: str) -> dict:
        """The ID token's claims after checking signature (JWKS), iss, aud, exp and nonce."""
        keys = self._get_json(self.metadata()["jwks_uri"])
        try:
            key_set = KeySet.import_key_set(keys)
            token = jwt.decode(id_token, key_set, algorithms=["RS256"])
            jwt.JWTClaimsRegistry(
                leeway=CLOCK_LEEWAY_SECONDS,
                iss={"essential": True, "value": self.issuer},
                aud={"essential": True, "value": self.provider.client_id},
                sub={"essential": True},
                exp={"essential": True},
                iat={"essential": True},
                nonce={"essential": True, "value": nonce},
            ).validate(token.claims)
        except (JoseError, ValueError, TypeError, KeyError) as error:
            raise BadToken(type(error).__name__, str(error)) from error
        return dict(token.claims)

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
