"""The portal as an OpenID Connect provider for partner sites (CAT-5, docs/partners.md):
the rules of the protocol that do not write — the issuer, pairwise subjects, checking
an authorization request, authenticating a client at the token endpoint, discovery.

Authorization code flow only, PKCE S256, state and nonce required, redirect URIs
matched exactly against the registration (a sandbox partner: its path on a host this
portal answers to). Clients authenticate with a client secret (stored hashed) or a
private_key_jwt assertion signed with a key from their registered JWKS.
"""

import datetime
import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.http.request import validate_host
from django.utils import timezone
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from gosportal.accounts.models import User
from gosportal.core.crypto import blind_index, spend_a_password_check
from gosportal.core.oidc import OAuthProblem, basic_credentials, valid_challenge
from gosportal.partners.models import SCOPES, Partner
from gosportal.partners.selectors import partner_by_client_id

ISSUER_PATH = "/sso"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_ALGORITHMS = ["RS256", "PS256", "ES256"]
ASSERTION_MAX_LIFETIME = 300  # seconds: a private_key_jwt assertion is short-lived
CLOCK_LEEWAY = 30
PROMPTS = {"none", "consent", "login"}


def issuer(request) -> str:
    """The issuer: this portal's origin plus /sso (one host in production)."""
    return f"{request.scheme}://{request.get_host()}{ISSUER_PATH}"


def subject(partner: Partner, user: User) -> str:
    """The pairwise subject: stable per person and partner, different across partners,
    and not derivable to the portal's own user id without the portal's key."""
    return blind_index(f"{partner.subject_salt}:{user.public_id}", purpose="partner-sub")[:40]


def redirect_uri_registered(partner: Partner, uri: str, *, host: str | None = None) -> bool:
    """Exact match with a registered URI; a sandbox partner registers paths on this host
    (``host``: the request's own host and port, when known)."""
    if not uri or len(uri) > 500:
        return False
    if not partner.is_sandbox:
        return uri in partner.redirect_uri_list
    parts = urlsplit(uri)
    return (
        parts.scheme in {"http", "https"}
        and bool(parts.hostname)
        and validate_host(parts.hostname, settings.ALLOWED_HOSTS)
        and (host is None or parts.netloc == host)
        and not parts.query
        and not parts.fragment
        and parts.path in partner.redirect_uri_list
    )


@dataclass(frozen=True)
class AuthorizationRequest:
    client_id: str
    redirect_uri: str
    scope: str
    state: str
    nonce: str
    code_challenge: str
    prompt: str = ""

    @property
    def scopes(self) -> set[str]:
        return set(self.scope.split())

    @property
    def prompts(self) -> set[str]:
        return set(self.prompt.split())


@dataclass(frozen=True)
class Checked:
    """The outcome of checking /authorize parameters.

    ``partner`` None: unknown client or unregistered redirect URI — show an error page,
    never redirect. ``error`` set with a partner: send the error back to the partner.
    """

    partner: Partner | None
    request: AuthorizationRequest | None
    error: str = ""
    description: str = ""


def check_authorization_request(params, *, host: str | None = None) -> Checked:
    partner = partner_by_client_id(params.get("client_id", ""))
    if partner is None:
        return Checked(None, None, "invalid_client", "unknown client_id")
    redirect_uri = params.get("redirect_uri", "")
    if not redirect_uri_registered(partner, redirect_uri, host=host):
        return Checked(None, None, "invalid_redirect_uri", "redirect_uri is not registered")
    request = AuthorizationRequest(
        client_id=partner.client_id,
        redirect_uri=redirect_uri,
        scope=" ".join(sorted(set(params.get("scope", "").split())))[:200],
        state=params.get("state", "")[:300],
        nonce=params.get("nonce", "")[:300],
        code_challenge=params.get("code_challenge", ""),
        prompt=params.get("prompt", "")[:50],
    )

    def refused(error: str, description: str) -> Checked:
        return Checked(partner, request, error, description)

    if params.get("response_type") != "code":
        return refused("unsupported_response_type", "only response_type=code")
    if not request.state:
        return refused("invalid_request", "state is required")
    scopes = request.scopes
    if "openid" not in scopes:
        return refused("invalid_scope", "openid is required")
    if not scopes <= set(SCOPES):
        return refused("invalid_scope", "unknown scope; known: " + " ".join(SCOPES))
    if not scopes <= partner.scope_set:
        return refused("invalid_scope", "scope not registered for this client")
    if params.get("code_challenge_method") != "S256" or not valid_challenge(request.code_challenge):
        return refused("invalid_request", "PKCE with code_challenge_method=S256 is required")
    if not request.nonce:
        return refused("invalid_request", "nonce is required")
    if not request.prompts <= PROMPTS or ("none" in request.prompts and len(request.prompts) > 1):
        return refused("invalid_request", "unsupported prompt")
    return Checked(partner, request)


# --- client authentication at the token endpoint -----------------------------------------


@dataclass(frozen=True)
class Assertion:
    """A verified private_key_jwt assertion: its jti must then be spent once."""

    jti: str
    expires_at: datetime.datetime


def _assertion_issuer(assertion: str) -> str:
    try:
        payload = json.loads(jws.extract_compact(assertion.encode()).payload)
    except (JoseError, ValueError, TypeError, UnicodeDecodeError):
        raise OAuthProblem("invalid_client", "malformed client assertion", 401) from None
    if not isinstance(payload, dict):
        raise OAuthProblem("invalid_client", "malformed client assertion", 401)
    return str(payload.get("iss", ""))


def _verify_assertion(partner: Partner, assertion: str, *, audiences: list[str]) -> Assertion:
    try:
        keys = KeySet.import_key_set(partner.jwks)
        token = jwt.decode(assertion, keys, algorithms=ASSERTION_ALGORITHMS)
        jwt.JWTClaimsRegistry(
            leeway=CLOCK_LEEWAY,
            iss={"essential": True, "value": partner.client_id},
            sub={"essential": True, "value": partner.client_id},
            aud={"essential": True, "values": audiences},
            exp={"essential": True},
            jti={"essential": True},
        ).validate(token.claims)
    except (JoseError, ValueError, TypeError, KeyError):
        raise OAuthProblem("invalid_client", "the client assertion does not verify", 401) from None
    now = int(timezone.now().timestamp())
    exp = token.claims["exp"]
    if not isinstance(exp, int) or exp - now > ASSERTION_MAX_LIFETIME:
        raise OAuthProblem("invalid_client", "the client assertion lives too long", 401)
    jti = str(token.claims["jti"])
    if not 8 <= len(jti) <= 200:
        raise OAuthProblem("invalid_client", "jti must be 8 to 200 characters", 401)
    return Assertion(jti=jti, expires_at=datetime.datetime.fromtimestamp(exp, tz=datetime.UTC))


def authenticate_client(
    *, authorization: str, form, audiences: list[str]
) -> tuple[Partner, Assertion | None]:
    """The partner a token request comes from, by the method it is registered for.

    client_secret_basic, client_secret_post or private_key_jwt (``audiences``: the token
    endpoint URL and the issuer). An assertion returned must be spent by the caller.
    """
    credentials = basic_credentials(authorization)
    assertion = form.get("client_assertion", "")
    if credentials is not None:
        method = Partner.AuthMethod.CLIENT_SECRET_BASIC
        client_id, secret = credentials
    elif form.get("client_secret"):
        method = Partner.AuthMethod.CLIENT_SECRET_POST
        client_id, secret = form.get("client_id", ""), form["client_secret"]
    elif assertion:
        if form.get("client_assertion_type") != ASSERTION_TYPE:
            raise OAuthProblem("invalid_client", "unsupported client_assertion_type", 401)
        method = Partner.AuthMethod.PRIVATE_KEY_JWT
        client_id, secret = _assertion_issuer(assertion), ""
        if form.get("client_id") and form["client_id"] != client_id:
            raise OAuthProblem("invalid_client", "client_id differs from the assertion", 401)
    else:
        raise OAuthProblem("invalid_client", "client authentication is required", 401)
    partner = partner_by_client_id(client_id)
    if partner is None or partner.auth_method != method:
        if method != Partner.AuthMethod.PRIVATE_KEY_JWT:
            spend_a_password_check(secret)  # the same time for unknown clients
        raise OAuthProblem("invalid_client", "client authentication failed", 401)
    if method == Partner.AuthMethod.PRIVATE_KEY_JWT:
        return partner, _verify_assertion(partner, assertion, audiences=audiences)
    if not partner.client_secret_hash or not check_password(secret, partner.client_secret_hash):
        raise OAuthProblem("invalid_client", "client authentication failed", 401)
    return partner, None


def discovery(iss: str) -> dict:
    return {
        "issuer": iss,
        "authorization_endpoint": f"{iss}/authorize",
        "token_endpoint": f"{iss}/token",
        "userinfo_endpoint": f"{iss}/userinfo",
        "jwks_uri": f"{iss}/jwks.json",
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": [m.value for m in Partner.AuthMethod],
        "token_endpoint_auth_signing_alg_values_supported": ASSERTION_ALGORITHMS,
        "code_challenge_methods_supported": ["S256"],
        "prompt_values_supported": sorted(PROMPTS),
        "scopes_supported": list(SCOPES),
        "claims_supported": [
            "sub",
            "iss",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "acr",
            "family_name",
            "given_name",
            "middle_name",
            "birthdate",
            "phone_number",
            "phone_number_verified",
            "email",
            "email_verified",
            "snils",
        ],
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
    }
