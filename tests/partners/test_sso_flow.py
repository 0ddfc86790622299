"""CAT-5: a service provided by a partner site opens it through single sign-on. The
whole journey runs through the test client: the catalogue card, the sandbox partner
site, the portal's authorize and consent pages, and the back channel (token, JWKS,
userinfo) the partner calls in-process."""

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from gosportal.core.models import AuditEvent
from gosportal.partners import provider
from gosportal.partners.models import PartnerConsent, SigningKey
from tests.conftest import sign_in_as
from tests.partners.helpers import (
    HEALTH,
    INSURER,
    ISSUER,
    get_code,
    make_person,
    make_services,
    through_partner,
    token_request,
)

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def partners():
    return make_services()[2]


def partner_user(client, site=HEALTH) -> dict:
    return client.session[f"sandbox_partner:{site.slug}:user"]


def test_the_card_leads_through_consent_to_the_partners_page(client, partners):
    user = make_person()
    sign_in_as(client, user)
    page, consent = through_partner(client)
    assert consent is not None and consent.status_code == 200
    text = consent.content.decode()
    assert "Здоровье71" in text
    for shown in ("Петров Иван Сергеевич", "14.03.1985", "112-233-445 95", user.phone):
        assert shown in text
    assert page.status_code == 200
    assert "Вы вошли как Иван Петров" in page.content.decode()
    assert "Запись на приём к врачу" in page.content.decode()
    claims = partner_user(client)["claims"]
    assert claims["family_name"] == "Петров" and claims["snils"] == "11223344595"
    assert claims["phone_number"] == user.phone
    assert "email" not in claims  # not registered for this partner
    consent_row = PartnerConsent.objects.get(user=user)
    assert consent_row.scope_set == {"openid", "profile", "phone", "snils"}
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"partners.consent_granted", "partners.signed_in", "partners.tokens_issued"} <= actions


def test_a_remembered_permission_skips_the_consent_page(client, partners):
    sign_in_as(client, make_person())
    through_partner(client)
    client.post("/sandbox/partner/zdorovie71/logout/")
    page, consent = through_partner(client)
    assert consent is None
    assert "Вы вошли как Иван Петров" in page.content.decode()


def test_private_key_jwt_partner_signs_in_too(client, partners):
    sign_in_as(client, make_person())
    page, consent = through_partner(client, "proverka-polisa-osago")
    assert consent is not None
    assert page.status_code == 200 and "ОСАГО" in page.content.decode()
    claims = partner_user(client, INSURER)["claims"]
    assert claims["email_verified"] is True and "snils" not in claims


def test_pairwise_subject_differs_across_partners_and_is_stable(client, partners):
    user = make_person()
    sign_in_as(client, user)
    through_partner(client)
    through_partner(client, "proverka-polisa-osago")
    health_sub = partner_user(client)["sub"]
    insurer_sub = partner_user(client, INSURER)["sub"]
    assert health_sub != insurer_sub
    assert str(user.pk) not in (health_sub, insurer_sub)
    assert str(user.public_id).replace("-", "") not in health_sub + insurer_sub
    client.post("/sandbox/partner/zdorovie71/logout/")
    through_partner(client)
    assert partner_user(client)["sub"] == health_sub
    assert provider.subject(partners["zdorovie71"], user) == health_sub


def test_another_person_gets_another_subject_at_the_same_partner(client, partners):
    first, second = make_person(), make_person(snils="12345678964")
    sign_in_as(client, first)
    through_partner(client)
    first_sub = partner_user(client)["sub"]
    client.logout()
    sign_in_as(client, second)
    through_partner(client)
    assert partner_user(client)["sub"] != first_sub


def test_the_id_token_verifies_against_the_published_jwks(client, partners):
    user = make_person()
    sign_in_as(client, user)
    code = get_code(client)
    response = token_request(client, code)
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 600
    keys = KeySet.import_key_set(client.get("/sso/jwks.json").json())
    token = jwt.decode(body["id_token"], keys, algorithms=["RS256"])
    assert token.header["kid"] == SigningKey.objects.get().kid
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": ISSUER},
        aud={"essential": True, "value": partners["zdorovie71"].client_id},
        nonce={"essential": True, "value": "nonce-1"},
        exp={"essential": True},
        iat={"essential": True},
    ).validate(token.claims)
    assert token.claims["sub"] == provider.subject(partners["zdorovie71"], user)
    assert token.claims["given_name"] == "Иван" and token.claims["birthdate"] == "1985-03-14"
    assert token.claims["acr"] == "urn:gosportal:loa:standard"
    info = client.get("/sso/userinfo", HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert info.status_code == 200
    assert info.json()["sub"] == token.claims["sub"]
    assert info.json()["snils"] == "11223344595"


def test_the_signing_key_is_made_once_and_stored_encrypted(client, partners):
    first = client.get("/sso/jwks.json").json()
    second = client.get("/sso/jwks.json").json()
    assert first == second and len(first["keys"]) == 1
    assert "d" not in first["keys"][0]  # public part only
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT private_pem FROM partners_signingkey")
        stored = cursor.fetchone()[0]
    assert stored.startswith("gcm1:") and "PRIVATE KEY" not in stored


def test_discovery_names_the_endpoints(client, partners):
    document = client.get("/sso/.well-known/openid-configuration").json()
    assert document["issuer"] == ISSUER
    assert document["authorization_endpoint"] == f"{ISSUER}/authorize"
    assert document["jwks_uri"] == f"{ISSUER}/jwks.json"
    assert document["subject_types_supported"] == ["pairwise"]
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert "private_key_jwt" in document["token_endpoint_auth_methods_supported"]
