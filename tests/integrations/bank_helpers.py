"""Driving a sandbox bank's pages like a browser does (shared by bank and identity tests)."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from gosportal.integrations.bank.sandbox import TEST_PASSWORD

HOST = "http://127.0.0.1"
CALLBACK = f"{HOST}/identity/bank/callback/"


def hidden(response, name: str) -> str:
    html = response.content.decode()
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden field {name}"
    return unescape(match.group(1))


def query_of(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def sign_in_at_bank(client, authorize_url: str, *, login: str, password: str = TEST_PASSWORD):
    """GET the bank's authorize URL and sign in; returns the consent page response."""
    page = client.get(authorize_url)
    assert page.status_code == 200, page.content[:500]
    return client.post(
        urlsplit(authorize_url).path,
        {"step": "login", "ticket": hidden(page, "ticket"), "login": login, "password": password},
    )


def decide_consent(client, consent_page, bank: str, *, allow: bool = True):
    """Press «Разрешить» or «Отказаться»; returns the bank's redirect response."""
    return client.post(
        f"/sandbox/bank/{bank}/authorize",
        {
            "step": "consent",
            "ticket": hidden(consent_page, "ticket"),
            "decision": "allow" if allow else "deny",
        },
    )
