"""CAT-5, SEC-3, SEC-6: what the portal's single sign-on refuses — unregistered
redirect URIs (an error page, never a redirect), missing or wrong PKCE, reused and
expired codes, wrong client credentials, replayed assertions, scopes the partner is not
registered for, accounts below the service's level, withdrawn permissions."""

import datetime
import secrets
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from gosportal.accounts.models import User
from gosportal.core import oidc
from gosportal.core.models import AuditEvent
from gosportal.partners import sandbox
from gosportal.partners.models import AuthorizationCode, PartnerConsent
from tests.conftest import sign_in_as
from tests.partners.helpers import (
    HEALTH,
    HOST,
    INSURER,
    VERIFIER,
    authorize_url,
    basic,
    decide,
    get_code,
    health_auth,
    make_person,
    make_services,
    query_of,
    redirect_uri,
    through_partner,
    token_request,
)

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def partners():
    return make_services()[2]


@pytest.fixture
def person(client, partners):
    user = make_person()
    sign_in_as(client, user)
    return user


# --- the authorization request --------------------------------------------------------------


@pytest.mark.parametrize(
    "uri",
    [
        "https://evil.example/sandbox/partner/zdorovie71/callback/",
        f"{HOST}/sandbox/partner/zdorovie71/callback/?next=x",
        f"{HOST}/sandbox/partner/nadezhny-polis/callback/",  # another partner's
        f"{HOST}/identity/bank/callback/",
        "",
    ],
)
def test_an_unregistered_redirect_uri_gets_an_error_page_not_a_redirect(client, person, uri):
    response = client.get(authorize_url(redirect_uri=uri))
    assert response.status_code == 400
    assert "не зарегистрирован как партнёр" in response.content.decode()
    assert not AuthorizationCode.objects.exists()


@pytest.mark.parametrize("client_id", ["", "gp-unknown", "x" * 100])
def test_an_unknown_client_gets_an_error_page(client, person, client_id):
    response = client.get(authorize_url(client_id=client_id))
    assert response.status_code == 400
    assert "Location" not in response


def test_a_real_partners_redirect_uri_must_match_exactly(client, person, partners):
    partner = partners["zdorovie71"]
    partner.is_sandbox = False
    partner.redirect_uris = "https://zdrav.example/cb"
    partner.save()
    assert client.get(authorize_url(redirect_uri="https://zdrav.example/cb/")).status_code == 400
    response = client.get(authorize_url(redirect_uri="https://zdrav.example/cb"))
    assert response.status_code == 200  # the consent page
    # Its form posts here and is answered by a redirect to the partner: CSP allows it.
    csp = response["Content-Security-Policy"]
    assert "form-action 'self' https://zdrav.example" in csp


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"code_challenge": None}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge_method": None}, "invalid_request"),
        ({"code_challenge": "too-short"}, "invalid_request"),
        ({"state": None}, "invalid_request"),
        ({"nonce": None}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": "profile phone"}, "invalid_scope"),
        ({"scope": "openid passport"}, "invalid_scope"),
        ({"prompt": "none consent"}, "invalid_request"),
    ],
)
def test_bad_requests_go_back_to_the_partner_with_an_error(client, person, overrides, error):
    response = client.get(authorize_url(**overrides))
    assert response.status_code == 302
    assert response["Location"].startswith(redirect_uri())
    assert query_of(response["Location"])["error"] == error
    assert not AuthorizationCode.objects.exists()


def test_a_scope_the_partner_is_not_registered_for_is_refused(client, person):
    # The insurer is registered for openid profile email: no SNILS.
    response = client.get(authorize_url(INSURER, scope="openid profile snils"))
    answer = query_of(response["Location"])
    assert answer["error"] == "invalid_scope"
    assert answer["error_description"] == "scope not registered for this client"
    assert answer["state"] == "state-1"


def test_a_signed_out_person_signs_in_first(client, partners):
    response = client.get(authorize_url())
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/sso/authorize")


def test_prompt_none_without_a_session_or_a_permission_answers_with_errors(client, partners):
    response = client.get(authorize_url(prompt="none"))
    assert query_of(response["Location"])["error"] == "login_required"
    sign_in_as(client, make_person())
    response = client.get(authorize_url(prompt="none"))
    assert query_of(response["Location"])["error"] == "consent_required"


def test_refusing_on_the_consent_page_tells_the_partner(client, person):
    page, _consent = through_partner(client, decision="deny")
    assert "Вы отказались передать данные сайту" in page.content.decode()
    assert not PartnerConsent.objects.exists()
    assert not AuthorizationCode.objects.exists()


def test_no_decision_keeps_the_consent_page_with_an_error(client, person):
    page = client.get(authorize_url())
    response = decide(client, page, decision=None)
    assert response.status_code == 400
    assert "Выберите: разрешить передачу данных или отказаться." in response.content.decode()
    response = decide(client, page, decision="maybe")
    assert response.status_code == 400


def test_a_forged_or_foreign_consent_ticket_is_refused(client, person):
    response = client.post("/sso/authorize", {"ticket": "forged", "decision": "allow"})
    assert response.status_code == 400
    page = client.get(authorize_url())
    client.logout()
    sign_in_as(client, make_person(snils="12345678964"))
    response = decide(client, page)
    assert response.status_code == 400
    assert not AuthorizationCode.objects.exists()


def test_the_consent_ticket_expires(client, person):
    page = client.get(authorize_url())
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        response = decide(client, page)
    assert response.status_code == 400
    assert "Время на решение истекло" in response.content.decode()


# --- the level of the account --------------------------------------------------------------


def test_an_account_below_the_services_level_is_stopped_before_sso(client, partners):
    sign_in_as(client, make_person(level=User.Level.SIMPLIFIED))
    response = client.get("/sso/go/zapis-k-vrachu/")
    assert response.status_code == 403
    assert "Нужен другой уровень учётной записи" in response.content.decode()
    card = client.get("/services/zapis-k-vrachu/").content.decode()
    assert "Перейти на сайт партнёра" not in card
    assert "Для этой услуги нужна учётная запись уровня" in card


def test_a_simplified_account_shares_no_unverified_data(client, partners):
    sign_in_as(client, make_person(level=User.Level.SIMPLIFIED))
    _page, consent = through_partner(client, "proverka-polisa-osago")
    text = consent.content.decode()
    assert "Петров" not in text
    assert "ФИО и дата рождения" in text  # listed under «Сайт не получит»
    claims = client.session["sandbox_partner:nadezhny-polis:user"]["claims"]
    assert "family_name" not in claims and "birthdate" not in claims
    assert claims["acr"] == "urn:gosportal:loa:simplified"


# --- the token endpoint --------------------------------------------------------------------


def test_a_code_is_good_once(client, person):
    code = get_code(client)
    assert token_request(client, code).status_code == 200
    again = token_request(client, code)
    assert again.status_code == 400
    assert again.json() == {
        "error": "invalid_grant",
        "error_description": "authorization code already used",
    }


def test_a_code_expires_after_60_seconds(client, person):
    code = get_code(client)
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        response = token_request(client, code)
    assert response.status_code == 400
    assert response.json()["error_description"] == "authorization code expired"


@pytest.mark.parametrize(
    ("overrides", "description"),
    [
        ({"code_verifier": None}, "PKCE verification failed"),
        ({"code_verifier": "w" * 50}, "PKCE verification failed"),
        ({"redirect_uri": f"{HOST}/other/"}, "redirect_uri differs from the authorization request"),
        ({"grant_type": "password"}, "only authorization_code"),
        ({"code": "not-a-code"}, "unknown authorization code"),
    ],
)
def test_the_token_endpoint_checks_pkce_and_the_request(client, person, overrides, description):
    overrides = dict(overrides)
    code = overrides.pop("code", None) or get_code(client)
    response = token_request(client, code, **overrides)
    assert response.status_code == 400
    assert response.json()["error_description"] == description


def test_a_failed_pkce_check_burns_the_code(client, person):
    code = get_code(client)
    token_request(client, code, code_verifier="w" * 50)
    assert token_request(client, code).json()["error_description"] == (
        "authorization code already used"
    )


@pytest.mark.parametrize(
    "auth",
    [
        basic(sandbox.client_id(HEALTH), "wrong-secret"),
        basic("gp-unknown", "whatever"),
        "Basic not-base64!",
        "",
    ],
)
def test_wrong_client_credentials_are_refused(client, person, auth):
    code = get_code(client)
    response = client.post(
        "/sso/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri(),
            "code_verifier": VERIFIER,
        },
        **({"HTTP_AUTHORIZATION": auth} if auth else {}),
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response["WWW-Authenticate"].startswith("Basic")
    assert AuditEvent.objects.filter(action="partners.client_auth_failed").count() == 1
    assert token_request(client, code).status_code == 200  # the code was not burnt


def test_a_secret_in_the_body_is_refused_for_a_basic_client(client, person):
    code = get_code(client)
    response = client.post(
        "/sso/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri(),
            "code_verifier": VERIFIER,
            "client_id": sandbox.client_id(HEALTH),
            "client_secret": sandbox.client_secret(HEALTH),
        },
    )
    assert response.status_code == 401


def test_another_partners_code_is_refused(client, person, partners):
    code = get_code(client)
    other = partners["nadezhny-polis"]
    other.auth_method = other.AuthMethod.CLIENT_SECRET_BASIC
    other.save()
    from gosportal.partners.services import issue_client_secret

    secret = issue_client_secret(partner=other)
    response = token_request(client, code, auth=basic(other.client_id, secret))
    assert response.status_code == 400
    assert response.json()["error_description"] == "unknown authorization code"


def test_repeated_failures_from_one_address_are_slowed_down(client, person):
    for _attempt in range(20):
        token_request(client, "x", auth=basic("gp-unknown", "x"))
    response = token_request(client, get_code(client), auth=health_auth())
    assert response.status_code == 429


def _assertion(audience: str, *, jti: str | None = None, lifetime: int = 60, key=None) -> str:
    row = key or sandbox.site_key(INSURER)
    now = int(timezone.now().timestamp())
    claims = {
        "iss": sandbox.client_id(INSURER),
        "sub": sandbox.client_id(INSURER),
        "aud": audience,
        "iat": now,
        "exp": now + lifetime,
        "jti": jti or secrets.token_urlsafe(16),
    }
    return oidc.sign(claims, private_pem=row.private_pem, kid=row.kid)


def _insurer_token_request(client, code: str, assertion: str):
    return client.post(
        "/sso/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri(INSURER),
            "code_verifier": VERIFIER,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
        },
    )


def test_private_key_jwt_assertions_are_checked_and_good_once(client, person):
    token_url = f"{HOST}/sso/token"
    assertion = _assertion(token_url, jti="jti-once-12345")
    first = _insurer_token_request(client, get_code(client, INSURER), assertion)
    assert first.status_code == 200, first.content
    replay = _insurer_token_request(client, get_code(client, INSURER), assertion)
    assert replay.status_code == 401
    assert replay.json()["error_description"] == "client assertion already used"


@pytest.mark.parametrize("case", ["audience", "lifetime", "key", "garbage"])
def test_bad_private_key_jwt_assertions_are_refused(client, person, case):
    from gosportal.partners.models import SandboxPartnerKey

    token_url = f"{HOST}/sso/token"
    if case == "audience":
        assertion = _assertion("https://elsewhere.example/token")
    elif case == "lifetime":
        assertion = _assertion(token_url, lifetime=3600)
    elif case == "key":
        new = oidc.new_signing_key()
        assertion = _assertion(
            token_url, key=SandboxPartnerKey(kid=new.kid, private_pem=new.private_pem)
        )
    else:
        assertion = "not.a.jwt"
    response = _insurer_token_request(client, get_code(client, INSURER), assertion)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


# --- withdrawn permissions -----------------------------------------------------------------


def test_a_revoked_permission_asks_again_and_stops_the_tokens(client, person):
    code = get_code(client)
    access_token = token_request(client, code).json()["access_token"]
    consent = PartnerConsent.objects.get(user=person)
    response = client.post("/sso/sites/revoke/", {"consent": consent.pk})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    info = client.get("/sso/userinfo", HTTP_AUTHORIZATION=f"Bearer {access_token}")
    assert info.status_code == 401
    assert info["WWW-Authenticate"].startswith("Bearer")
    again = client.get(authorize_url())
    assert again.status_code == 200  # the consent page again
    assert "Сайт получит" in again.content.decode()
    assert AuditEvent.objects.filter(action="partners.consent_revoked").count() == 1


def test_a_code_issued_before_revoking_no_longer_works(client, person):
    code = get_code(client)
    consent = PartnerConsent.objects.get(user=person)
    client.post("/sso/sites/revoke/", {"consent": consent.pk})
    response = token_request(client, code)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_asking_for_more_than_allowed_asks_again(client, person):
    get_code(client, scope="openid phone")
    page = client.get(authorize_url(scope="openid phone snils"))
    assert page.status_code == 200
    assert "Сайт просит больше данных" in page.content.decode()
    decide(client, page)
    consent = PartnerConsent.objects.get(user=person, revoked_at=None)
    assert consent.scope_set == {"openid", "phone", "snils"}


def test_userinfo_without_a_valid_token_is_refused(client, person):
    assert client.get("/sso/userinfo").status_code == 401
    assert client.get("/sso/userinfo", HTTP_AUTHORIZATION="Bearer nope").status_code == 401
    code = get_code(client)
    token = token_request(client, code).json()["access_token"]
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        expired = client.get("/sso/userinfo", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert expired.status_code == 401


def test_the_sandbox_off_switches_sandbox_partners_off(client, person, settings):
    settings.PARTNER_SANDBOX = False
    assert client.get("/sandbox/partner/zdorovie71/").status_code == 404
    assert client.get(authorize_url()).status_code == 400
    assert client.get("/sso/go/zapis-k-vrachu/").status_code == 404
    card = client.get("/services/zapis-k-vrachu/").content.decode()
    assert "Перейти на сайт партнёра" not in card


def test_a_switched_off_partner_is_refused(client, person, partners):
    code = get_code(client)
    partner = partners["zdorovie71"]
    partner.is_active = False
    partner.save()
    assert client.get(authorize_url()).status_code == 400
    assert token_request(client, code).status_code == 401


def test_old_codes_and_tokens_are_purged(client, person):
    from gosportal.partners.services import purge_expired

    token_request(client, get_code(client))
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        assert purge_expired() == 2  # the code and the access token
