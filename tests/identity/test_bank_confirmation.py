"""REG-3: identity confirmed through an online bank (OpenID Connect). The whole journey
runs through the test client: the portal, the sandbox bank's pages and the back channel
(token, JWKS) served in-process."""

import datetime
from datetime import UTC, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from gosportal.accounts.models import User
from gosportal.core.models import AuditEvent, OutboxEvent
from gosportal.identity.bank import compare_with_profile
from gosportal.identity.models import Confirmation
from gosportal.integrations.bank.base import BadToken, provider
from gosportal.integrations.bank.client import BankClient
from gosportal.integrations.bank.sandbox import load_test_customers, signing_key
from gosportal.profiles.models import Profile
from tests.conftest import sign_in_as
from tests.factories import UserFactory
from tests.integrations.bank_helpers import HOST, decide_consent, sign_in_at_bank

pytestmark = [pytest.mark.django_db]

PETROV = {
    "last_name": "Петров",
    "first_name": "Иван",
    "middle_name": "Сергеевич",
    "birth_date": datetime.date(1985, 3, 14),
    "passport_series": "4510",
    "passport_number": "123456",
    "snils": "11223344595",
}


@pytest.fixture(autouse=True)
def customers():
    load_test_customers()


def make_person(*, level=User.Level.STANDARD, **changes) -> User:
    user = UserFactory(level=level)
    Profile.objects.create(user=user, **{**PETROV, **changes})
    return user


def go_to_bank(client, bank="severny"):
    response = client.get(f"/identity/bank/{bank}/start/")
    assert response.status_code == 302, response.content[:300]
    return response["Location"]


def through_bank(client, *, bank="severny", login="petrov", allow=True):
    """Start at the portal, sign in and decide at the bank, land back (following redirects)."""
    url = go_to_bank(client, bank)
    consent = sign_in_at_bank(client, url, login=login)
    back = decide_consent(client, consent, bank, allow=allow)
    callback = back["Location"]
    assert callback.startswith(f"{HOST}/identity/bank/callback/")
    return client.get(callback, follow=True), callback


def test_the_start_sends_the_person_to_the_banks_sign_in_with_state_nonce_and_pkce(client):
    sign_in_as(client, make_person())
    url = go_to_bank(client)
    parts = urlsplit(url)
    assert (
        f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{HOST}/sandbox/bank/severny/authorize"
    )
    query = dict(p.split("=", 1) for p in parts.query.split("&"))
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["state"] and query["nonce"] and query["response_type"] == "code"
    assert client.session["identity_bank_flow"]["state"] == query["state"]


def test_matching_bank_data_confirm_the_identity(client):
    user = make_person()
    sign_in_as(client, user)
    page, _callback = through_bank(client)
    assert page.status_code == 200
    assert "Личность подтверждена. Учётная запись — подтверждённая." in page.content.decode()
    user.refresh_from_db()
    assert user.level == User.Level.CONFIRMED
    confirmation = Confirmation.objects.get(user=user)
    assert confirmation.method == Confirmation.Method.BANK
    assert confirmation.status == Confirmation.Status.CONFIRMED
    assert confirmation.details["bank"] == "severny"
    assert set(confirmation.details["matched"]) == {
        "last_name",
        "first_name",
        "middle_name",
        "birth_date",
        "passport",
        "snils",
    }
    assert confirmation.details["differing"] == []
    assert AuditEvent.objects.filter(action="identity.bank_confirmed").count() == 1
    notice = OutboxEvent.objects.filter(name="accounts.security_notice").last()
    assert "Банк «Северный»" in notice.payload["text"]


def test_case_and_yo_do_not_matter_and_the_passport_alone_is_enough(client):
    # Волга-Банк has «ПЕТРОВ» and no SNILS for this customer.
    user = make_person(last_name="петров", snils=None)
    sign_in_as(client, user)
    through_bank(client, bank="volga")
    assert Confirmation.objects.get(user=user).status == Confirmation.Status.CONFIRMED
    user.refresh_from_db()
    assert user.level == User.Level.CONFIRMED


def test_yo_in_the_bank_and_e_in_the_profile_match(client):
    user = make_person(
        last_name="Федорова",
        first_name="Алена",
        middle_name="Петровна",
        birth_date=datetime.date(1992, 7, 1),
        passport_series="4511",
        passport_number="234567",
        snils="12345678964",
    )
    sign_in_as(client, user)
    through_bank(client, login="fedorova")
    assert Confirmation.objects.get(user=user).status == Confirmation.Status.CONFIRMED


@pytest.mark.parametrize(
    ("changes", "field", "label"),
    [
        ({"last_name": "Петраков"}, "last_name", "фамилия"),
        ({"first_name": "Пётр"}, "first_name", "имя"),
        ({"middle_name": "Петрович"}, "middle_name", "отчество"),
        ({"birth_date": datetime.date(1985, 3, 15)}, "birth_date", "дата рождения"),
        ({"passport_number": "999999"}, "passport", "серия и номер паспорта"),
        ({"snils": "12345678964"}, "snils", "СНИЛС"),
    ],
)
def test_each_differing_field_is_named_and_the_account_stays_standard(
    client, changes, field, label
):
    user = make_person(**changes)
    sign_in_as(client, user)
    page, _ = through_bank(client)
    html = page.content.decode()
    assert "данные банка не совпадают с вашими" in html
    assert f"<li>{label}</li>" in html
    assert 'href="/profile/edit/"' in html
    confirmation = Confirmation.objects.get(user=user)
    assert confirmation.status == Confirmation.Status.REJECTED
    assert confirmation.details["differing"] == [field]
    assert label in confirmation.reason
    user.refresh_from_db()
    assert user.level == User.Level.STANDARD
    assert AuditEvent.objects.filter(action="identity.bank_mismatch").count() == 1


def test_a_document_missing_in_the_profile_is_not_compared():
    user = make_person(snils=None)
    claims = {
        "family_name": "Петров",
        "given_name": "Иван",
        "middle_name": "Сергеевич",
        "birthdate": "1985-03-14",
        "passport_series": "4510",
        "passport_number": "123456",
        "snils": "11223344595",
    }
    matched, differing = compare_with_profile(user, claims, documents=True)
    assert differing == [] and "snils" not in matched and "passport" in matched


def test_without_any_document_to_compare_the_bank_data_do_not_confirm():
    user = make_person(snils=None)
    claims = {
        "family_name": "Петров",
        "given_name": "Иван",
        "middle_name": "Сергеевич",
        "birthdate": "1985-03-14",
        "snils": "11223344595",
    }
    _matched, differing = compare_with_profile(user, claims, documents=True)
    assert differing == ["passport"]


def test_another_persons_bank_account_is_a_mismatch(client):
    user = make_person()
    sign_in_as(client, user)
    through_bank(client, login="petrov.other")
    confirmation = Confirmation.objects.get(user=user)
    assert confirmation.details["differing"] == ["birth_date", "passport"]
    assert confirmation.reason == (
        "Данные банка не совпадают с вашими: дата рождения, серия и номер паспорта."
    )


def test_refusing_at_the_bank_is_told_and_nothing_is_confirmed(client):
    user = make_person()
    sign_in_as(client, user)
    page, _ = through_bank(client, allow=False)
    assert page.status_code == 400
    assert "Банк «Северный»: вы отказались передавать данные." in page.content.decode()
    assert not Confirmation.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="identity.bank_failed").count() == 1
    user.refresh_from_db()
    assert user.level == User.Level.STANDARD


def test_a_bank_outage_is_told_without_an_error_page(client):
    user = make_person()
    sign_in_as(client, user)
    page, _ = through_bank(client, bank="volga", login="nedostupnov")
    assert page.status_code == 503
    assert "Банк сейчас не отвечает" in page.content.decode()
    assert not Confirmation.objects.filter(user=user).exists()


def test_an_unreachable_bank_is_told_at_the_start(client, settings):
    settings.BANK_OIDC_PROVIDERS = {
        "far": {
            "name": "Далёкий банк",
            "issuer": "https://bank.invalid/",
            "client_id": "gosportal",
            "client_secret": "s",
        }
    }
    sign_in_as(client, make_person())
    response = client.get("/identity/bank/far/start/")
    assert response.status_code == 503
    assert "Банк сейчас не отвечает" in response.content.decode()


def test_a_replayed_callback_is_refused(client):
    user = make_person()
    sign_in_as(client, user)
    _page, callback = through_bank(client)
    again = client.get(callback)
    assert again.status_code == 400
    assert "устарел или уже был использован" in again.content.decode()
    assert Confirmation.objects.filter(user=user).count() == 1
    assert AuditEvent.objects.filter(action="identity.bank_bad_state").count() == 1


def test_a_callback_with_a_forged_state_is_refused(client):
    user = make_person()
    sign_in_as(client, user)
    url = go_to_bank(client)
    consent = sign_in_at_bank(client, url, login="petrov")
    callback = decide_consent(client, consent, "severny")["Location"]
    forged = callback.replace("state=", "state=x")
    response = client.get(forged)
    assert response.status_code == 400
    assert "устарел или уже был использован" in response.content.decode()
    assert not Confirmation.objects.filter(user=user).exists()


def test_another_users_callback_is_refused(client, django_user_model):
    from django.test import Client

    owner = make_person()
    sign_in_as(client, owner)
    url = go_to_bank(client)
    consent = sign_in_at_bank(client, url, login="petrov")
    callback = decide_consent(client, consent, "severny")["Location"]
    intruder = make_person(last_name="Иванов", snils=None)
    other = sign_in_as(Client(HTTP_HOST="127.0.0.1"), intruder)
    response = other.get(callback)
    assert response.status_code == 400
    assert not Confirmation.objects.exists()


def test_a_simplified_account_is_sent_to_fill_in_its_data(client):
    sign_in_as(client, make_person(level=User.Level.SIMPLIFIED))
    response = client.get("/identity/bank/severny/start/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Стандартная" in html and 'href="/profile/edit/"' in html


def test_a_confirmed_account_has_nothing_to_confirm(client):
    sign_in_as(client, make_person(level=User.Level.CONFIRMED))
    response = client.get("/identity/bank/severny/start/")
    assert response.status_code == 409
    assert "Ваша личность уже подтверждена." in response.content.decode()


def test_an_unknown_bank_is_not_found(client):
    sign_in_as(client, make_person())
    response = client.get("/identity/bank/nobank/start/")
    assert response.status_code == 404
    assert "Такого банка нет среди партнёров портала." in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/identity/bank/severny/start/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_another_users_result_is_not_found(client):
    owner = make_person()
    sign_in_as(client, owner)
    through_bank(client)
    confirmation = Confirmation.objects.get(user=owner)
    client.logout()
    sign_in_as(client, make_person(last_name="Иванов", snils=None))
    assert client.get(f"/identity/bank/result/{confirmation.pk}/").status_code == 404


def test_the_identity_page_lists_the_partner_banks(client):
    sign_in_as(client, make_person())
    html = client.get("/identity/").content.decode()
    assert 'href="/identity/bank/severny/start/"' in html
    assert "Войти через Волга-Банк" in html
    assert "Проверить карту" in html


def test_the_card_form_may_be_answered_by_a_real_banks_page(client, settings):
    """«Проверить карту» posts to the portal, which redirects to the bank's card page:
    browsers check that redirect against the page's CSP form-action."""
    sign_in_as(client, make_person())
    policy = client.get("/identity/")["Content-Security-Policy"]
    assert "form-action 'self';" in policy + ";"  # sandbox banks live on this host
    settings.BANK_OIDC_PROVIDERS = {
        **settings.BANK_OIDC_PROVIDERS,
        "far": {
            "name": "Далёкий банк",
            "issuer": "https://id.far-bank.example/oidc/",
            "client_id": "gosportal",
            "client_secret": "s",
        },
    }
    policy = client.get("/identity/")["Content-Security-Policy"]
    form_action = next(p for p in policy.split(";") if p.strip().startswith("form-action"))
    assert form_action.split() == ["form-action", "'self'", "https://id.far-bank.example"]


# --- ID tokens that must not pass --------------------------------------------------------


def _token(**overrides) -> dict:
    now = int(datetime.datetime.now(UTC).timestamp())
    return {
        "iss": f"{HOST}/sandbox/bank/severny/",
        "aud": provider("severny").client_id,
        "sub": "s1",
        "iat": now,
        "exp": now + 600,
        "nonce": "n1",
        **overrides,
    }


def _signed(claims: dict, key=None) -> str:
    kid, bank_key = signing_key("severny")
    return jwt.encode({"alg": "RS256", "kid": kid}, claims, key or bank_key)


def _verify(token: str):
    return BankClient(provider("severny"), portal_base=HOST).verify_id_token(token, nonce="n1")


def test_a_genuine_id_token_verifies():
    assert _verify(_signed(_token()))["sub"] == "s1"


@pytest.mark.parametrize(
    "forgery",
    [
        pytest.param({"key": RSAKey.generate_key(2048, private=True)}, id="wrong-key"),
        pytest.param({"claims": {"nonce": "other"}}, id="wrong-nonce"),
        pytest.param({"claims": {"aud": "another-client"}}, id="wrong-aud"),
        pytest.param({"claims": {"iss": f"{HOST}/sandbox/bank/volga/"}}, id="wrong-iss"),
        pytest.param({"claims": {"exp": 1_000_000_000}}, id="expired"),
    ],
)
def test_a_forged_id_token_is_refused(forgery):
    token = _signed(_token(**forgery.get("claims", {})), forgery.get("key"))
    with pytest.raises(BadToken):
        _verify(token)


def test_an_id_token_signed_with_a_shared_secret_is_refused():
    token = jwt.encode({"alg": "HS256"}, _token(), OctKey.import_key(b"k" * 32))
    with pytest.raises(BadToken):
        _verify(token)


def test_an_id_token_that_expired_during_the_flow_refuses_the_confirmation(client):
    user = make_person()
    sign_in_as(client, user)
    start = datetime.datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as traveller:
        url = go_to_bank(client)
        consent = sign_in_at_bank(client, url, login="petrov")
        callback = decide_consent(client, consent, "severny")["Location"]
        traveller.shift(timedelta(seconds=61))  # the code has expired at the bank
        response = client.get(callback)
    assert response.status_code == 400
    assert "Банк не подтвердил данные" in response.content.decode()
    assert not Confirmation.objects.filter(user=user).exists()
