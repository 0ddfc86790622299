"""The sandbox partner banks are real OpenID Connect providers (REG-3, docs/sandbox.md):
discovery, JWKS, the bank's sign-in and consent pages, the token endpoint with PKCE S256
and single-use codes, userinfo."""

import base64
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.conf import settings
from django.db import connection
from joserfc import jwt
from joserfc.jwk import KeySet

from gosportal.integrations.bank.sandbox import load_test_customers
from gosportal.integrations.models import SandboxBankAuthorization, SandboxBankKey
from tests.integrations.bank_helpers import (
    CALLBACK,
    HOST,
    decide_consent,
    query_of,
    sign_in_at_bank,
)

pytestmark = [pytest.mark.django_db]

BANK = "severny"
ISSUER = f"{HOST}/sandbox/bank/{BANK}/"
VERIFIER = "v" * 20 + "erifier-of-the-portal-43-chars-long-at-least"
START = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


def client_credentials(bank=BANK) -> tuple[str, str]:
    config = settings.BANK_OIDC_PROVIDERS[bank]
    return config["client_id"], config["client_secret"]


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def authorize_url(bank=BANK, **overrides) -> str:
    params = {
        "response_type": "code",
        "client_id": client_credentials(bank)[0],
        "redirect_uri": CALLBACK,
        "scope": "openid profile passport snils",
        "state": "state-1",
        "nonce": "nonce-1",
        "code_challenge": create_s256_code_challenge(VERIFIER),
        "code_challenge_method": "S256",
        **overrides,
    }
    params = {k: v for k, v in params.items() if v is not None}
    return f"/sandbox/bank/{bank}/authorize?{urlencode(params)}"


@pytest.fixture(autouse=True)
def customers():
    load_test_customers()


def get_code(client, *, login="petrov", bank=BANK, **overrides) -> str:
    consent = sign_in_at_bank(client, authorize_url(bank, **overrides), login=login)
    redirect = decide_consent(client, consent, bank)
    assert redirect.status_code == 302
    return query_of(redirect["Location"])["code"]


def token_request(client, code, *, bank=BANK, verifier=VERIFIER, redirect_uri=CALLBACK, auth=None):
    client_id, secret = client_credentials(bank)
    return client.post(
        f"/sandbox/bank/{bank}/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
        HTTP_AUTHORIZATION=auth or basic(client_id, secret),
    )


# --- discovery and keys ---------------------------------------------------------------


def test_discovery_document_names_the_issuer_and_endpoints(client):
    document = client.get(f"/sandbox/bank/{BANK}/.well-known/openid-configuration").json()
    assert document["issuer"] == ISSUER
    assert document["authorization_endpoint"] == f"{ISSUER}authorize"
    assert document["token_endpoint"] == f"{ISSUER}token"
    assert document["jwks_uri"] == f"{ISSUER}jwks.json"
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert {"passport_series", "passport_number", "snils"} <= set(document["claims_supported"])


def test_each_bank_is_its_own_issuer_and_an_unknown_bank_is_not_found(client):
    volga = client.get("/sandbox/bank/volga/.well-known/openid-configuration").json()
    assert volga["issuer"] == f"{HOST}/sandbox/bank/volga/"
    assert client.get("/sandbox/bank/nobank/.well-known/openid-configuration").status_code == 404


def test_jwks_publishes_the_public_key_and_the_private_key_is_stored_encrypted(client):
    keys = client.get(f"/sandbox/bank/{BANK}/jwks.json").json()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256"
    assert "d" not in keys[0]
    row = SandboxBankKey.objects.get(bank=BANK)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT private_pem FROM integrations_sandboxbankkey WHERE id = %s", [row.pk]
        )
        stored = cursor.fetchone()[0]
    assert "PRIVATE KEY" not in stored and "PRIVATE KEY" in row.private_pem
    # Generated once: the same key is published again.
    assert client.get(f"/sandbox/bank/{BANK}/jwks.json").json()["keys"] == keys


# --- authorize: sign-in and consent ---------------------------------------------------


def test_an_unknown_client_is_refused_at_the_bank_without_a_redirect(client):
    response = client.get(authorize_url(client_id="somebody-else"))
    assert response.status_code == 400
    assert "не зарегистрирован как партнёр банка" in response.content.decode()


@pytest.mark.parametrize(
    "redirect_uri",
    ["https://evil.example/identity/bank/callback/", f"{HOST}/identity/other/", "javascript:x"],
)
def test_an_unregistered_redirect_uri_is_refused_without_a_redirect(client, redirect_uri):
    response = client.get(authorize_url(redirect_uri=redirect_uri))
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"code_challenge_method": None}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": "short"}, "invalid_request"),
        ({"scope": "profile"}, "invalid_scope"),
        ({"scope": "openid money"}, "invalid_scope"),
        ({"response_type": "token"}, "unsupported_response_type"),
    ],
)
def test_a_bad_authorization_request_goes_back_with_an_oauth_error(client, overrides, error):
    response = client.get(authorize_url(**overrides))
    assert response.status_code == 302
    answer = query_of(response["Location"])
    assert response["Location"].startswith(CALLBACK)
    assert answer["error"] == error and answer["state"] == "state-1"


def test_the_bank_sign_in_page_refuses_a_wrong_password_and_keeps_the_login(client):
    response = sign_in_at_bank(client, authorize_url(), login="petrov", password="wrong")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Неверный логин или пароль." in html
    assert 'value="petrov"' in html


def test_the_bank_sign_in_form_names_missing_fields(client):
    response = sign_in_at_bank(client, authorize_url(), login="", password="")
    html = response.content.decode()
    assert "Введите логин." in html and "Введите пароль." in html


def test_a_forged_sign_in_ticket_is_refused(client):
    response = client.post(
        f"/sandbox/bank/{BANK}/authorize",
        {"step": "consent", "ticket": "forged", "decision": "allow"},
    )
    assert response.status_code == 400
    assert SandboxBankAuthorization.objects.count() == 0


def test_the_consent_page_lists_the_data_to_be_shared(client):
    consent = sign_in_at_bank(client, authorize_url(), login="petrov")
    html = consent.content.decode()
    for item in ["Фамилия, имя, отчество", "Дата рождения", "Серия и номер паспорта", "СНИЛС"]:
        assert item in html
    assert "Разрешить" in html and "Отказаться" in html


def test_consent_gives_a_code_and_the_state_back(client):
    consent = sign_in_at_bank(client, authorize_url(), login="petrov")
    response = decide_consent(client, consent, BANK)
    answer = query_of(response["Location"])
    assert response["Location"].startswith(CALLBACK)
    assert answer["state"] == "state-1" and len(answer["code"]) > 30
    assert answer["iss"] == ISSUER
    grant = SandboxBankAuthorization.objects.get()
    assert grant.code_hash != answer["code"]  # only a hash is stored


def test_refusing_consent_answers_access_denied(client):
    consent = sign_in_at_bank(client, authorize_url(), login="petrov")
    response = decide_consent(client, consent, BANK, allow=False)
    answer = query_of(response["Location"])
    assert answer["error"] == "access_denied" and answer["state"] == "state-1"
    assert SandboxBankAuthorization.objects.count() == 0


# --- token and userinfo ----------------------------------------------------------------


def test_the_code_gives_an_id_token_signed_by_the_bank_with_the_customer_data(client):
    response = token_request(client, get_code(client))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    keys = KeySet.import_key_set(client.get(f"/sandbox/bank/{BANK}/jwks.json").json())
    token = jwt.decode(body["id_token"], keys, algorithms=["RS256"])
    claims = token.claims
    assert token.header["alg"] == "RS256"
    assert claims["iss"] == ISSUER and claims["aud"] == client_credentials()[0]
    assert claims["nonce"] == "nonce-1" and claims["exp"] > claims["iat"]
    assert (claims["family_name"], claims["given_name"], claims["middle_name"]) == (
        "Петров",
        "Иван",
        "Сергеевич",
    )
    assert claims["birthdate"] == "1985-03-14"
    assert (claims["passport_series"], claims["passport_number"]) == ("4510", "123456")
    assert claims["snils"] == "11223344595"

    userinfo = client.get(
        f"/sandbox/bank/{BANK}/userinfo", HTTP_AUTHORIZATION=f"Bearer {body['access_token']}"
    ).json()
    assert userinfo["sub"] == claims["sub"] and userinfo["snils"] == "11223344595"


def test_only_the_scopes_asked_for_are_shared(client):
    body = token_request(client, get_code(client, scope="openid profile")).json()
    claims = jwt.decode(
        body["id_token"],
        KeySet.import_key_set(client.get(f"/sandbox/bank/{BANK}/jwks.json").json()),
    ).claims
    assert claims["family_name"] == "Петров"
    assert "passport_number" not in claims and "snils" not in claims


def test_client_secret_post_authenticates_too(client):
    code = get_code(client)
    client_id, secret = client_credentials()
    response = client.post(
        f"/sandbox/bank/{BANK}/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "code_verifier": VERIFIER,
            "client_id": client_id,
            "client_secret": secret,
        },
    )
    assert response.status_code == 200 and "id_token" in response.json()


def test_a_code_is_single_use(client):
    code = get_code(client)
    assert token_request(client, code).status_code == 200
    again = token_request(client, code)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    assert "already used" in again.json()["error_description"]


def test_a_wrong_client_secret_is_refused(client):
    client_id, _secret = client_credentials()
    response = token_request(client, get_code(client), auth=basic(client_id, "wrong-secret"))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response["WWW-Authenticate"].startswith("Basic")


def test_no_client_authentication_is_refused(client):
    response = client.post(
        f"/sandbox/bank/{BANK}/token",
        {"grant_type": "authorization_code", "code": get_code(client), "code_verifier": VERIFIER},
    )
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_another_banks_client_secret_is_refused(client):
    client_id, _ = client_credentials()
    _, volga_secret = client_credentials("volga")
    response = token_request(client, get_code(client), auth=basic(client_id, volga_secret))
    assert response.status_code == 401


def test_a_wrong_code_verifier_is_refused_and_burns_the_code(client):
    code = get_code(client)
    wrong = token_request(client, code, verifier="x" * 50)
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    assert "PKCE" in wrong.json()["error_description"]
    assert token_request(client, code).status_code == 400


def test_a_wrong_redirect_uri_is_refused(client):
    response = token_request(client, get_code(client), redirect_uri=f"{HOST}/elsewhere/")
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"
    assert "redirect_uri" in response.json()["error_description"]


def test_an_unknown_code_and_grant_type_are_refused(client):
    assert token_request(client, "no-such-code").json()["error"] == "invalid_grant"
    client_id, secret = client_credentials()
    response = client.post(
        f"/sandbox/bank/{BANK}/token",
        {"grant_type": "password"},
        HTTP_AUTHORIZATION=basic(client_id, secret),
    )
    assert response.json()["error"] == "unsupported_grant_type"


def test_a_code_expires_after_60_seconds(client):
    with time_machine.travel(START, tick=False) as traveller:
        code = get_code(client)
        traveller.shift(timedelta(seconds=61))
        response = token_request(client, code)
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "authorization code expired",
    }


def test_a_code_is_still_good_at_59_seconds(client):
    with time_machine.travel(START, tick=False) as traveller:
        code = get_code(client)
        traveller.shift(timedelta(seconds=59))
        assert token_request(client, code).status_code == 200


def test_the_outage_customer_makes_the_bank_unavailable(client):
    response = token_request(
        client, get_code(client, login="nedostupnov", bank="volga"), bank="volga"
    )
    assert response.status_code == 503
    assert response.json()["error"] == "temporarily_unavailable"


def test_userinfo_refuses_a_missing_or_forged_token(client):
    assert client.get(f"/sandbox/bank/{BANK}/userinfo").status_code == 401
    forged = client.get(f"/sandbox/bank/{BANK}/userinfo", HTTP_AUTHORIZATION="Bearer abc.def.ghi")
    assert forged.status_code == 401 and forged.json()["error"] == "invalid_token"
