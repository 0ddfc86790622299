"""An OpenID Connect relying party: authorization code with PKCE S256 through authlib,
ID tokens verified with joserfc against the provider's JWKS.

Used by the portal towards partner banks (``integrations.bank.client``) and by the
sandbox partner sites towards the portal (``partners.sandbox``). Client
authentication: client_secret_basic or private_key_jwt. Every call goes over HTTP; a
provider mounted in this very portal is reached in-process (``core.http``). Callers
must not hold a database transaction open while calling.
"""

import secrets
import time
import warnings

import httpx
from authlib.deprecate import AuthlibDeprecationWarning
from authlib.integrations.base_client.errors import OAuthError
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from gosportal.core import http, oidc

with warnings.catch_warnings():
    # Authlib 1.9 prefers the httpx2 fork and warns when it falls back to httpx.
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import OAuth2Client

CLOCK_LEEWAY_SECONDS = 30
ASSERTION_TTL_SECONDS = 60
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


class OIDCError(Exception):
    """The provider refused or could not be used; ``code`` says which."""

    def __init__(self, code: str, description: str = ""):
        self.code = code
        self.description = description
        super().__init__(f"{code}: {description}" if description else code)


class ProviderUnavailable(OIDCError):
    """The provider did not answer, or answered with a server error."""


class ProviderRefused(OIDCError):
    """The provider answered with an OAuth error (invalid_grant, access_denied …)."""


class BadIDToken(OIDCError):
    """The ID token does not verify: signature, issuer, audience, expiry or nonce."""


class OIDCClient:
    """One registered client at one provider. Subclasses may name their own error
    classes (``unavailable_error``, ``refused_error``, ``bad_token_error``)."""

    unavailable_error: type[OIDCError] = ProviderUnavailable
    refused_error: type[OIDCError] = ProviderRefused
    bad_token_error: type[OIDCError] = BadIDToken

    def __init__(
        self,
        *,
        issuer: str,
        client_id: str,
        scope: str,
        local: bool,
        timeout: float = 10,
        client_secret: str = "",
        signing_key: tuple[str, str] | None = None,
    ):
        """``signing_key`` (kid, private PEM) means private_key_jwt, else the secret."""
        self.issuer = issuer
        self.client_id = client_id
        self.client_secret = client_secret
        self.scope = scope
        self.local = local
        self.timeout = timeout
        self.signing_key = signing_key
        self._metadata: dict | None = None

    # --- HTTP -----------------------------------------------------------------------------

    def _http(self, **kwargs) -> httpx.Client:
        return http.client(local=self.local, timeout=self.timeout, **kwargs)

    def _oauth(self, *, redirect_uri: str) -> OAuth2Client:
        method = "none" if self.signing_key else "client_secret_basic"
        return OAuth2Client(
            client_id=self.client_id,
            client_secret=None if self.signing_key else self.client_secret,
            token_endpoint_auth_method=method,
            code_challenge_method="S256",
            scope=self.scope,
            redirect_uri=redirect_uri,
            transport=http.transport(local=self.local),
            timeout=self.timeout,
        )

    def _answer(self, response: httpx.Response) -> dict:
        if response.status_code >= 500:
            raise self.unavailable_error("server_error", f"HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError as error:
            raise self.unavailable_error("bad_response", "not JSON") from error
        if not isinstance(body, dict):
            raise self.unavailable_error("bad_response", "not a JSON object")
        if response.status_code >= 400:
            raise self.refused_error(
                str(body.get("error", "error")), str(body.get("error_description", ""))
            )
        return body

    def _get_json(self, url: str, **kwargs) -> dict:
        try:
            with self._http() as client:
                response = client.get(url, **kwargs)
        except httpx.HTTPError as error:
            raise self.unavailable_error("network", str(error)) from error
        return self._answer(response)

    # --- the protocol -------------------------------------------------------------------

    def metadata(self) -> dict:
        """The provider's discovery document; its issuer must be the one configured."""
        if self._metadata is None:
            base = self.issuer.rstrip("/")
            document = self._get_json(f"{base}/.well-known/openid-configuration")
            if document.get("issuer") != self.issuer:
                raise self.unavailable_error("bad_metadata", "issuer differs")
            self._metadata = document
        return self._metadata

    def authorization_url(
        self, *, redirect_uri: str, state: str, nonce: str, code_verifier: str, **params
    ) -> str:
        """Where to send the browser: the provider's sign-in with state, nonce and PKCE."""
        with self._oauth(redirect_uri=redirect_uri) as oauth:
            url, _state = oauth.create_authorization_url(
                self.metadata()["authorization_endpoint"],
                state=state,
                nonce=nonce,
                code_verifier=code_verifier,
                **params,
            )
        return url

    def client_assertion(self, audience: str) -> str:
        """A private_key_jwt assertion (RFC 7523) for one request to ``audience``."""
        kid, private_pem = self.signing_key
        now = int(time.time())
        claims = {
            "iss": self.client_id,
            "sub": self.client_id,
            "aud": audience,
            "iat": now,
            "exp": now + ASSERTION_TTL_SECONDS,
            "jti": secrets.token_urlsafe(24),
        }
        return oidc.sign(claims, private_pem=private_pem, kid=kid)

    def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> dict:
        """The token response for an authorization code."""
        endpoint = self.metadata()["token_endpoint"]
        extra = {}
        if self.signing_key:
            extra = {
                "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": self.client_assertion(endpoint),
            }
        try:
            with self._oauth(redirect_uri=redirect_uri) as oauth:
                token = oauth.fetch_token(
                    endpoint,
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=code_verifier,
                    **extra,
                )
        except OAuthError as error:
            raise self.refused_error(str(error.error), str(error.description or "")) from error
        except (httpx.HTTPError, ValueError) as error:
            raise self.unavailable_error("token_endpoint", str(error)) from error
        if not token.get("id_token"):
            raise self.refused_error("no_id_token")
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
                aud={"essential": True, "value": self.client_id},
                sub={"essential": True},
                exp={"essential": True},
                iat={"essential": True},
                nonce={"essential": True, "value": nonce},
            ).validate(token.claims)
        except (JoseError, ValueError, TypeError, KeyError) as error:
            raise self.bad_token_error(type(error).__name__, str(error)) from error
        return dict(token.claims)

    def userinfo(self, access_token: str) -> dict:
        return self._get_json(
            self.metadata()["userinfo_endpoint"],
            headers={"Authorization": f"Bearer {access_token}"},
        )
