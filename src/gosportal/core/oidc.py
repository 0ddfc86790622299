"""Building blocks shared by the OpenID Connect providers of this project: the portal's
single sign-on for partner sites (``partners``) and the sandbox banks
(``integrations.bank.sandbox``).

RSA signing keys (made here, stored encrypted by the caller), RS256 JWTs, PKCE S256
checks, HTTP Basic client credentials, single-use code hashes and OAuth error responses
(RFC 6749 §5.2) — written once so both providers refuse the same way.
"""

import hashlib
import hmac
import secrets
from base64 import b64decode
from dataclasses import dataclass
from urllib.parse import unquote, urlencode

from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.http import JsonResponse
from joserfc import jwt
from joserfc.jwk import RSAKey

ALGORITHM = "RS256"
# RFC 7636 §4.1: a verifier is 43 to 128 characters; an S256 challenge is 43.
VERIFIER_LENGTHS = range(43, 129)


class OAuthProblem(Exception):
    """An OAuth error response: ``error`` code, description and HTTP status."""

    def __init__(self, error: str, description: str = "", status: int = 400):
        self.error = error
        self.description = description
        self.status = status
        super().__init__(f"{error}: {description}")


def error_response(problem: OAuthProblem, *, realm: str) -> JsonResponse:
    """The JSON error body of a token or userinfo endpoint, never cached."""
    response = JsonResponse(
        {"error": problem.error, "error_description": problem.description}, status=problem.status
    )
    response["Cache-Control"] = "no-store"
    if problem.status == 401:
        scheme = "Bearer" if problem.error == "invalid_token" else "Basic"
        response["WWW-Authenticate"] = f'{scheme} realm="{realm}"'
    return response


@dataclass(frozen=True)
class NewKey:
    kid: str
    private_pem: str
    public_jwk: dict


def new_signing_key() -> NewKey:
    """A fresh RSA-2048 key: its thumbprint as kid, the private PEM and the public JWK."""
    key = RSAKey.generate_key(2048, private=True)
    kid = key.thumbprint()
    return NewKey(
        kid=kid,
        private_pem=key.as_pem(private=True).decode(),
        public_jwk={**key.as_dict(private=False), "kid": kid, "use": "sig", "alg": ALGORITHM},
    )


def sign(claims: dict, *, private_pem: str, kid: str, typ: str = "JWT") -> str:
    """A compact RS256 JWS of ``claims``."""
    key = RSAKey.import_key(private_pem)
    return jwt.encode({"alg": ALGORITHM, "kid": kid, "typ": typ}, claims, key)


def pkce_verifies(verifier: str, challenge: str) -> bool:
    """Whether ``verifier`` is a well-formed PKCE verifier whose S256 is ``challenge``."""
    if len(verifier or "") not in VERIFIER_LENGTHS:
        return False
    return hmac.compare_digest(create_s256_code_challenge(verifier), challenge or "")


def valid_challenge(challenge: str) -> bool:
    return len(challenge or "") in VERIFIER_LENGTHS


def basic_credentials(authorization: str) -> tuple[str, str] | None:
    """(client_id, secret) of an HTTP Basic header (RFC 6749 §2.3.1), None without one."""
    if not authorization.startswith("Basic "):
        return None
    try:
        decoded = b64decode(authorization[6:], validate=True).decode()
        client_id, secret = decoded.split(":", 1)
    except (ValueError, UnicodeDecodeError):
        raise OAuthProblem("invalid_client", "malformed basic credentials", 401) from None
    return unquote(client_id), unquote(secret)


def new_code() -> str:
    return secrets.token_urlsafe(32)


def code_hash(code: str) -> str:
    """What is stored of a code or token: only its SHA-256."""
    return hashlib.sha256(code.encode()).hexdigest()


def with_query(url: str, **params) -> str:
    """``url`` with ``params`` added to its query (a registered URI may carry one)."""
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{url}{'&' if '?' in url else '?'}{query}"
