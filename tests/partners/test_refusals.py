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
from gosportal.core.oidc import OAuthProblem
from gosportal.partners import sandbox, services
from gosportal.partners.models import AccessToken, AuthorizationCode, PartnerConsent
from tests.conftest import sign_in_as
from tests.partners.helpers import (
    HEALTH,
    HOST,
    INSURER,
    ISSUER,
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
    "uri",
    [
        f"http://127.0.0.1:9999{sandbox.path(HEALTH, 'callback/')}",  # another port
        f"http://localhost{sandbox.path(HEALTH, 'callback/')}",  # another allowed host
    ],
)
def test_a_sandbox_redirect_uri_must_be_on_the_requests_own_host(client, person, uri):
    response = client.get(authorize_url(redirect_uri=uri))
    assert response.status_code == 400
    assert "Location" not in response
    assert "не зарегистрирован как партнёр" in response.content.decode()
    assert not AuthorizationCode.objects.exists()
    # The same path on the host the request came to is the partner's.
    assert get_code(client)
    # And that URI is good when the portal is reached on its host and port (the
    # permission is remembered: straight back with a code).
    netloc = uri.split("/")[2]
    response = client.get(authorize_url(redirect_uri=uri), HTTP_HOST=netloc)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{uri}?")
    assert "code" in query_of(response["Location"])


def test_a_consent_ticket_for_another_hosts_redirect_uri_is_refused(client, person):
    uri = f"http://127.0.0.1:9999{sandbox.path(HEALTH, 'callback/')}"
    page = client.get(authorize_url(redirect_uri=uri), HTTP_HOST="127.0.0.1:9999")
    assert page.status_code == 200
    response = decide(client, page)  # posted to 127.0.0.1, not 127.0.0.1:9999
    assert response.status_code == 400
    assert "Location" not in response
    assert not AuthorizationCode.objects.exists()
    assert not PartnerConsent.objects.exists()


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


def test_a_replayed_code_stops_the_tokens_issued_for_it(client, person):
    code = get_code(client)
    access_token = token_request(client, code).json()["access_token"]
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {access_token}"}
    assert client.get("/sso/userinfo", **bearer).status_code == 200
    # Another partner's token for the same person is not the replayed code's.
    insurer_code = get_code(client, INSURER)
    insurer = _insurer_token_request(client, insurer_code, _assertion(f"{HOST}/sso/token"))
    insurer_bearer = {"HTTP_AUTHORIZATION": f"Bearer {insurer.json()['access_token']}"}

    replay = token_request(client, code)
    assert replay.status_code == 400
    assert replay.json() == {
        "error": "invalid_grant",
        "error_description": "authorization code already used",
    }
    info = client.get("/sso/userinfo", **bearer)
    assert info.status_code == 401
    assert info["WWW-Authenticate"].startswith("Bearer")
    health = AccessToken.objects.get(partner__slug="zdorovie71")
    assert health.revoked_at is not None
    assert client.get("/sso/userinfo", **insurer_bearer).status_code == 200
    event = AuditEvent.objects.get(action="partners.code_replayed")
    assert event.details == {"partner": "zdorovie71", "user": person.pk}


def test_a_replay_leaves_the_tokens_of_other_codes_alone(client, person):
    first = get_code(client)
    token_request(client, first)
    later = token_request(client, get_code(client)).json()["access_token"]
    assert token_request(client, first).status_code == 400
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {later}"}
    assert client.get("/sso/userinfo", **bearer).status_code == 200


def test_a_replay_between_redemption_and_token_stops_that_token(client, person):
    code = get_code(client)
    grant = services.redeem_code(
        partner=AuthorizationCode.objects.get().partner,
        form={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri(),
            "code_verifier": VERIFIER,
        },
    )
    assert token_request(client, code).status_code == 400  # the replay comes first
    with pytest.raises(OAuthProblem) as refused:
        services.issue_tokens(grant=grant, iss=ISSUER)
    assert refused.value.description == "authorization code already used"
    assert not AccessToken.objects.exists()


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


def test_a_parallel_first_consent_returns_the_one_granted_first(person, partners, monkeypatch):
    partner = partners["zdorovie71"]
    # Another «Разрешить» committed its permission after this one looked and found none.
    first = PartnerConsent.objects.create(user=person, partner=partner, scopes="openid phone")
    monkeypatch.setattr(
        PartnerConsent.objects, "select_for_update", lambda: PartnerConsent.objects.none()
    )
    consent = services.grant_consent(user=person, partner=partner, scopes={"openid", "phone"})
    assert consent.pk == first.pk
    assert PartnerConsent.objects.filter(user=person, partner=partner).count() == 1
    assert not AuditEvent.objects.filter(action="partners.consent_granted").exists()


def test_userinfo_without_a_valid_token_is_refused(client, person):
    assert client.get("/sso/userinfo").status_code == 401
    assert client.get("/sso/userinfo", HTTP_AUTHORIZATION="Bearer nope").status_code == 401
    code = get_code(client)
    token = token_request(client, code).json()["access_token"]
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        expired = client.get("/sso/userinfo", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert expired.status_code == 401


def test_guessed_userinfo_tokens_slow_down_that_address(client, person):
    token = token_request(client, get_code(client)).json()["access_token"]
    guesser = {"REMOTE_ADDR": "203.0.113.7"}

    def userinfo(raw: str, **extra):
        return client.get("/sso/userinfo", HTTP_AUTHORIZATION=f"Bearer {raw}", **extra)

    for attempt in range(19):
        assert userinfo(f"guess-{attempt}", **guesser).status_code == 401
    assert userinfo(token, **guesser).status_code == 200  # 19 guesses: still answered
    assert userinfo("guess-19", **guesser).status_code == 401
    blocked = userinfo(token, **guesser)  # the 20th guess closed that address
    assert blocked.status_code == 429
    assert blocked.json()["error"] == "invalid_token"
    assert userinfo(token, REMOTE_ADDR="198.51.100.9").status_code == 200


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
