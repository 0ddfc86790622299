"""Driving single sign-on for partner sites like a browser and a partner server do."""

import base64
import datetime
import re
from html import unescape
from urllib.parse import parse_qs, urlencode, urlsplit

from authlib.oauth2.rfc7636 import create_s256_code_challenge

from gosportal.accounts.models import User
from gosportal.partners import sandbox
from gosportal.profiles.models import Profile
from tests.factories import ServiceFactory, UserFactory

HOST = "http://127.0.0.1"
ISSUER = f"{HOST}/sso"
VERIFIER = "v" * 20 + "erifier-of-the-partner-43-chars-long-at-least"
HEALTH = sandbox.SITES["zdorovie71"]
INSURER = sandbox.SITES["nadezhny-polis"]
PETROV = {
    "last_name": "Петров",
    "first_name": "Иван",
    "middle_name": "Сергеевич",
    "birth_date": datetime.date(1985, 3, 14),
    "passport_series": "4510",
    "passport_number": "123456",
    "snils": "11223344595",
}


def make_services():
    """The two catalogue services the sandbox partners provide, then the partners."""
    doctor = ServiceFactory(
        slug="zapis-k-vrachu", title="Запись на приём к врачу", min_level=User.Level.STANDARD
    )
    osago = ServiceFactory(
        slug="proverka-polisa-osago",
        title="Проверка полиса ОСАГО",
        min_level=User.Level.SIMPLIFIED,
    )
    partners = {p.slug: p for p in sandbox.load_sandbox_partners()}
    return doctor, osago, partners


def make_person(*, level=User.Level.STANDARD, **changes) -> User:
    user = UserFactory(level=level, email_confirmed=True)
    Profile.objects.create(user=user, **{**PETROV, **changes})
    return user


def hidden(response, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', response.content.decode())
    assert match, f"no hidden field {name}"
    return unescape(match.group(1))


def query_of(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def redirect_uri(site=HEALTH) -> str:
    return f"{HOST}{sandbox.path(site, 'callback/')}"


def authorize_url(site=HEALTH, **overrides) -> str:
    params = {
        "response_type": "code",
        "client_id": sandbox.client_id(site),
        "redirect_uri": redirect_uri(site),
        "scope": site.scope,
        "state": "state-1",
        "nonce": "nonce-1",
        "code_challenge": create_s256_code_challenge(VERIFIER),
        "code_challenge_method": "S256",
        **overrides,
    }
    params = {k: v for k, v in params.items() if v is not None}
    return f"/sso/authorize?{urlencode(params)}"


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def health_auth() -> str:
    return basic(sandbox.client_id(HEALTH), sandbox.client_secret(HEALTH))


def decide(client, consent_page, *, decision="allow"):
    data = {"ticket": hidden(consent_page, "ticket")}
    if decision is not None:
        data["decision"] = decision
    return client.post("/sso/authorize", data)


def get_code(client, site=HEALTH, **overrides) -> str:
    """Authorize (allowing on the consent page when asked); returns the code."""
    response = client.get(authorize_url(site, **overrides))
    if response.status_code == 200:
        response = decide(client, response)
    assert response.status_code == 302, response.content[:500]
    answer = query_of(response["Location"])
    assert "code" in answer, answer
    return answer["code"]


def token_request(client, code: str, *, auth: str | None = None, **overrides):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri(),
        "code_verifier": VERIFIER,
        **overrides,
    }
    data = {k: v for k, v in data.items() if v is not None}
    headers = {"HTTP_AUTHORIZATION": auth or health_auth()}
    return client.post("/sso/token", data, **headers)


def through_partner(client, service_slug="zapis-k-vrachu", *, decision="allow"):
    """From the catalogue card's button to the partner's page, as a browser follows it.

    Returns (the last response, the consent page or None)."""
    response = client.get(f"/sso/go/{service_slug}/")
    assert response.status_code == 302, response.content[:300]
    response = client.get(response["Location"])  # the partner's login start
    assert response.status_code == 302, response.content[:300]
    assert response["Location"].startswith(f"{ISSUER}/authorize?")
    response = client.get(response["Location"])  # the portal's authorize
    consent = None
    if response.status_code == 200:
        consent = response
        response = decide(client, consent, decision=decision)
    assert response.status_code == 302, response.content[:300]
    response = client.get(response["Location"])  # the partner's callback
    if response.status_code == 302:
        response = client.get(response["Location"])  # the partner's page
    return response, consent
