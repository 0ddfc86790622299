"""Security keys and passkeys (AUTH-3, AUTH-6), checked with a software authenticator.

``SoftKey`` builds real WebAuthn responses: an EC P-256 key, authenticator data
(sha256(rp id) | flags | counter | attested credential data), an attestation object
of format "none" in CBOR, and ECDSA-SHA256 assertions over authData | sha256(clientDataJSON).
"""

import hashlib
import json
import os

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

from gosportal.accounts.models import Authenticator, LoginEvent, LoginThrottle
from gosportal.core import events
from gosportal.core.models import AuditEvent
from tests.accounts.test_mfa import add_totp
from tests.accounts.test_mfa_signin import passed_password_step, signed_in_as
from tests.conftest import sign_in_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Kind = Authenticator.Kind
RP_ID = "127.0.0.1"  # the test client's host (tests/conftest.py)
ORIGIN = "http://127.0.0.1"
ADD_URL = "/accounts/security/webauthn/"
REGISTER_OPTIONS_URL = "/accounts/security/webauthn/options/"
SECOND_OPTIONS_URL = "/accounts/login/second-factor/webauthn/options/"
SECOND_URL = "/accounts/login/second-factor/webauthn/"
PASSKEY_OPTIONS_URL = "/accounts/login/passkey/options/"
PASSKEY_URL = "/accounts/login/passkey/"

UP, UV, AT = 0x01, 0x04, 0x40


def b64(data: bytes) -> str:
    return bytes_to_base64url(data)


class SoftKey:
    """A software authenticator with one credential (a resident key, so a passkey too)."""

    def __init__(self, user_handle: bytes | None = None):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.user_handle = user_handle
        self.sign_count = 0

    @property
    def id(self) -> str:
        return b64(self.credential_id)

    def cose_public_key(self) -> bytes:
        numbers = self.private_key.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: 2,  # kty: EC2
                3: -7,  # alg: ES256
                -1: 1,  # crv: P-256
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    @staticmethod
    def client_data(kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin}).encode()

    def attestation(self, challenge: str, *, origin=ORIGIN, rp_id=RP_ID) -> dict:
        attested = (
            bytes(16)  # AAGUID
            + len(self.credential_id).to_bytes(2, "big")
            + self.credential_id
            + self.cose_public_key()
        )
        auth_data = (
            hashlib.sha256(rp_id.encode()).digest()
            + bytes([UP | UV | AT])
            + self.sign_count.to_bytes(4, "big")
            + attested
        )
        attestation_object = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": self.id,
            "rawId": self.id,
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(self.client_data("webauthn.create", challenge, origin)),
                "attestationObject": b64(attestation_object),
                "transports": ["usb", "nfc"],
            },
            "clientExtensionResults": {},
        }

    def assertion(
        self, challenge: str, *, origin=ORIGIN, rp_id=RP_ID, sign_count=None, user_handle=None
    ) -> dict:
        if sign_count is None:
            self.sign_count += 1
            sign_count = self.sign_count
        auth_data = (
            hashlib.sha256(rp_id.encode()).digest()
            + bytes([UP | UV])
            + sign_count.to_bytes(4, "big")
        )
        client_data = self.client_data("webauthn.get", challenge, origin)
        signature = self.private_key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        handle = user_handle if user_handle is not None else self.user_handle
        return {
            "id": self.id,
            "rawId": self.id,
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(client_data),
                "authenticatorData": b64(auth_data),
                "signature": b64(signature),
                "userHandle": b64(handle) if handle else None,
            },
            "clientExtensionResults": {},
        }


def notice_subjects(user) -> list[str]:
    rows = events.OutboxEvent.objects.filter(name="accounts.security_notice")
    return [r.payload["subject"] for r in rows if r.payload["user_id"] == user.pk]


def post_json(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def challenge_from(response) -> str:
    assert response.status_code == 200, response.content
    return response.json()["challenge"]


def register(client, key: SoftKey, *, name="Ключ YubiKey", **attestation):
    challenge = challenge_from(post_json(client, REGISTER_OPTIONS_URL))
    credential = key.attestation(challenge, **attestation)
    return client.post(ADD_URL, {"name": name, "credential": json.dumps(credential)})


def enrol(user, key: SoftKey, *, default=True, sign_count=0) -> Authenticator:
    """A key stored as finish_registration stores it."""
    key.user_handle = user.public_id.bytes
    key.sign_count = sign_count
    return Authenticator.objects.create(
        user=user,
        kind=Kind.WEBAUTHN,
        name="Ключ YubiKey",
        is_default=default,
        credential_id=key.id,
        data=json.dumps(
            {
                "public_key": b64(key.cose_public_key()),
                "sign_count": sign_count,
                "transports": ["usb"],
            }
        ),
    )


def second_factor(client, key: SoftKey, **assertion):
    challenge = challenge_from(post_json(client, SECOND_OPTIONS_URL))
    return post_json(client, SECOND_URL, {"credential": key.assertion(challenge, **assertion)})


def passkey(client, key: SoftKey, **assertion):
    challenge = challenge_from(post_json(client, PASSKEY_OPTIONS_URL))
    return post_json(client, PASSKEY_URL, {"credential": key.assertion(challenge, **assertion)})


@pytest.fixture
def signed_in(client):
    user = UserFactory(email_confirmed=True)
    return sign_in_as(client, user), user


# --- registration ------------------------------------------------------------------


def test_the_security_page_offers_to_add_a_key(signed_in):
    client, _user = signed_in
    page = client.get("/accounts/security/").content.decode()
    assert "Добавить ключ безопасности или биометрию" in page
    assert ADD_URL in page


def test_registration_options_name_the_host_the_user_and_their_keys(signed_in):
    client, user = signed_in
    existing = enrol(user, SoftKey())
    options = post_json(client, REGISTER_OPTIONS_URL).json()
    assert options["rp"]["id"] == RP_ID
    assert base64url_to_bytes(options["user"]["id"]) == user.public_id.bytes
    assert [c["id"] for c in options["excludeCredentials"]] == [existing.credential_id]
    assert options["authenticatorSelection"]["residentKey"] == "preferred"
    assert options["authenticatorSelection"]["userVerification"] == "preferred"


def test_a_registered_key_is_stored_becomes_default_and_brings_recovery_codes(signed_in):
    client, user = signed_in
    key = SoftKey()
    response = register(client, key)
    assert response.status_code == 200
    assert "Ваши резервные коды" in response.content.decode()
    row = user.authenticators.get(kind=Kind.WEBAUTHN)
    assert row.credential_id == key.id and row.name == "Ключ YubiKey" and row.is_default
    data = json.loads(row.data)
    assert data["sign_count"] == 0 and data["transports"] == ["usb", "nfc"]
    assert base64url_to_bytes(data["public_key"]) == key.cose_public_key()
    assert user.authenticators.filter(kind=Kind.RECOVERY_CODES).exists()
    added = AuditEvent.objects.get(action="accounts.mfa_added", actor_id=user.pk)
    assert added.details == {"kind": "webauthn"}
    page = client.get("/accounts/security/").content.decode()
    assert "Ключ безопасности или биометрия — Ключ YubiKey" in page


def test_a_second_key_is_added_next_to_the_default(signed_in):
    client, user = signed_in
    add_totp(user)
    user.authenticators.create(kind=Kind.RECOVERY_CODES)
    response = register(client, SoftKey(), name="")
    assert response.status_code == 302 and response["Location"] == "/accounts/security/"
    row = user.authenticators.get(kind=Kind.WEBAUTHN)
    assert row.name == "Ключ безопасности" and not row.is_default


@pytest.mark.parametrize(
    "attestation",
    [{"origin": "http://evil.example"}, {"rp_id": "evil.example"}],
    ids=["wrong-origin", "wrong-rp-id"],
)
def test_registration_for_another_site_is_refused(signed_in, attestation):
    client, user = signed_in
    response = register(client, SoftKey(), **attestation)
    assert response.status_code == 400
    assert "ответ ключа не прошёл проверку" in response.content.decode()
    assert not user.authenticators.exists()
    assert AuditEvent.objects.filter(action="accounts.mfa_enrol_failed").exists()


def test_registration_with_a_wrong_challenge_is_refused(signed_in):
    client, user = signed_in
    post_json(client, REGISTER_OPTIONS_URL)
    credential = SoftKey().attestation(b64(b"not the challenge"))
    response = client.post(ADD_URL, {"name": "Ключ", "credential": json.dumps(credential)})
    assert response.status_code == 400
    assert not user.authenticators.exists()


def test_a_registration_challenge_works_once(signed_in):
    client, user = signed_in
    key = SoftKey()
    challenge = challenge_from(post_json(client, REGISTER_OPTIONS_URL))
    credential = json.dumps(key.attestation(challenge))
    assert client.post(ADD_URL, {"credential": credential}).status_code == 200
    again = client.post(ADD_URL, {"credential": credential})
    assert again.status_code == 400 and "Время на подтверждение истекло" in again.content.decode()
    assert user.authenticators.filter(kind=Kind.WEBAUTHN).count() == 1


@pytest.mark.parametrize("credential", ["", "{not json", "[]", '{"id": 1}', "x" * 70_000])
def test_a_broken_key_answer_is_a_readable_error(signed_in, credential):
    client, user = signed_in
    post_json(client, REGISTER_OPTIONS_URL)
    response = client.post(ADD_URL, {"name": "Ключ", "credential": credential})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not user.authenticators.exists()


@pytest.mark.parametrize("url", [ADD_URL, REGISTER_OPTIONS_URL])
def test_adding_a_key_needs_a_recent_reauthentication(client, url):
    user = UserFactory()
    sign_in_as(client, user, reauthenticated=False)
    response = client.post(url, "{}", content_type="application/json")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/confirm/?next=")


@pytest.mark.parametrize("url", [ADD_URL, REGISTER_OPTIONS_URL])
def test_adding_a_key_needs_a_signed_in_user(client, url):
    response = client.post(url, "{}", content_type="application/json")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- removing ----------------------------------------------------------------------


def test_removing_a_key_is_audited(signed_in):
    client, user = signed_in
    row = enrol(user, SoftKey())
    add_totp(user, default=False)
    response = client.post(f"/accounts/security/{row.pk}/remove/")
    assert response.status_code == 302
    assert not user.authenticators.filter(kind=Kind.WEBAUTHN).exists()
    removed = AuditEvent.objects.get(action="accounts.mfa_removed", actor_id=user.pk)
    assert removed.object_id == str(row.pk) and removed.details["kind"] == "webauthn"
    assert user.authenticators.get(kind=Kind.TOTP).is_default


def test_another_users_key_is_not_found(signed_in):
    client, _user = signed_in
    stranger = UserFactory()
    theirs = enrol(stranger, SoftKey())
    enrol(stranger, SoftKey(), default=False)
    assert client.post(f"/accounts/security/{theirs.pk}/remove/").status_code == 404
    assert client.post(f"/accounts/security/{theirs.pk}/default/").status_code == 404
    assert stranger.authenticators.count() == 2


# --- the second step of sign-in ------------------------------------------------------


def test_the_second_step_offers_the_key(client):
    user = UserFactory()
    enrol(user, SoftKey())
    passed_password_step(client, user)
    page = client.get("/accounts/login/second-factor/").content.decode()
    assert "Войти с ключом или биометрией" in page and "js/webauthn.js" in page


def test_the_key_finishes_the_sign_in(client):
    user = UserFactory()
    key = SoftKey()
    row = enrol(user, key, sign_count=5)
    passed_password_step(client, user)
    response = second_factor(client, key)
    assert response.status_code == 200 and response.json() == {"redirect": "/"}
    assert signed_in_as(client, user)
    assert LoginEvent.objects.get(user=user, result="success").method == "password+webauthn"
    row.refresh_from_db()
    assert json.loads(row.data)["sign_count"] == 6 and row.last_used_at is not None


def test_second_step_options_allow_only_the_users_keys(client):
    user = UserFactory()
    mine = enrol(user, SoftKey())
    enrol(UserFactory(), SoftKey())
    passed_password_step(client, user)
    options = post_json(client, SECOND_OPTIONS_URL).json()
    assert [c["id"] for c in options["allowCredentials"]] == [mine.credential_id]


def test_another_users_key_cannot_finish_my_sign_in(client):
    me, stranger = UserFactory(), UserFactory()
    enrol(me, SoftKey())
    their_key = SoftKey()
    enrol(stranger, their_key)
    passed_password_step(client, me)
    response = second_factor(client, their_key, user_handle=me.public_id.bytes)
    assert response.status_code == 400
    assert response.json()["error"] == "Этот ключ не подключён к учётной записи."
    assert not signed_in_as(client, me)
    failed = LoginEvent.objects.get(user=me)
    assert failed.result == "wrong_code" and failed.method == "webauthn"
    assert LoginThrottle.objects.get(key=f"mfa:{me.pk}").failures == 1


def test_a_cloned_key_is_refused(client):
    user = UserFactory()
    key = SoftKey()
    enrol(user, key, sign_count=10)
    passed_password_step(client, user)
    response = second_factor(client, key, sign_count=10)
    assert response.status_code == 400 and "счётчик подписей" in response.json()["error"]
    assert not signed_in_as(client, user)
    assert AuditEvent.objects.filter(
        action="accounts.webauthn_clone_suspected", actor_id=user.pk
    ).exists()
    assert "Подозрение на копию ключа безопасности" in notice_subjects(user)
    assert json.loads(user.authenticators.get(kind=Kind.WEBAUTHN).data)["sign_count"] == 10


def test_a_forged_signature_is_refused(client):
    user = UserFactory()
    key = SoftKey()
    enrol(user, key)
    key.private_key = ec.generate_private_key(ec.SECP256R1())  # not the stored public key
    passed_password_step(client, user)
    response = second_factor(client, key)
    assert response.status_code == 400
    assert not signed_in_as(client, user)


def test_a_sign_in_challenge_works_once(client):
    user = UserFactory()
    key = SoftKey()
    enrol(user, key)
    passed_password_step(client, user)
    challenge = challenge_from(post_json(client, SECOND_OPTIONS_URL))
    credential = key.assertion(challenge, origin="http://evil.example")
    assert post_json(client, SECOND_URL, {"credential": credential}).status_code == 400
    again = post_json(client, SECOND_URL, {"credential": key.assertion(challenge)})
    assert again.status_code == 400 and "истекло" in again.json()["error"]


def test_the_key_step_is_locked_after_ten_failures(client):
    user = UserFactory()
    key = SoftKey()
    enrol(user, key)
    passed_password_step(client, user)
    for _attempt in range(settings.OTP["LOCK_AFTER_FAILURES"]):
        response = second_factor(client, key, rp_id="evil.example")
    assert response.status_code == 429
    locked = second_factor(client, key)
    assert locked.status_code == 429 and "заблокирован" in locked.json()["error"]
    assert not signed_in_as(client, user)


def test_without_a_pending_sign_in_the_key_step_sends_back_to_sign_in(client):
    response = post_json(client, SECOND_OPTIONS_URL)
    assert response.status_code == 400
    assert response.json()["redirect"] == "/accounts/login/"
    assert post_json(client, SECOND_URL, {"credential": {}}).status_code == 400


# --- passkey sign-in without a password (AUTH-6) --------------------------------------


def test_the_sign_in_page_offers_a_passkey(client):
    page = client.get("/accounts/login/").content.decode()
    assert "Использовать ключ доступа (passkey)" in page and "js/webauthn.js" in page


def test_a_passkey_signs_in_without_a_password(client):
    user = UserFactory()
    key = SoftKey()
    enrol(user, key)
    options = post_json(client, PASSKEY_OPTIONS_URL).json()
    assert options["allowCredentials"] == [] and options["userVerification"] == "required"
    response = post_json(
        client, PASSKEY_URL, {"credential": key.assertion(options["challenge"]), "next": "/x/"}
    )
    assert response.status_code == 200 and response.json() == {"redirect": "/x/"}
    assert signed_in_as(client, user)
    event = LoginEvent.objects.get(user=user, result="success")
    assert event.method == "passkey"
    assert AuditEvent.objects.filter(action="accounts.login_succeeded", actor_id=user.pk).exists()


def test_a_passkey_sign_in_goes_only_to_a_safe_page(client):
    user = UserFactory()
    key = SoftKey()
    enrol(user, key)
    challenge = challenge_from(post_json(client, PASSKEY_OPTIONS_URL))
    response = post_json(
        client,
        PASSKEY_URL,
        {"credential": key.assertion(challenge), "next": "https://evil.example/"},
    )
    assert response.json() == {"redirect": "/"}


def test_a_passkey_must_carry_its_owners_user_handle(client):
    me, stranger = UserFactory(), UserFactory()
    enrol(me, SoftKey())
    their_key = SoftKey()
    enrol(stranger, their_key)
    response = passkey(client, their_key, user_handle=me.public_id.bytes)
    assert response.status_code == 400
    assert not signed_in_as(client, me) and not signed_in_as(client, stranger)
    assert LoginEvent.objects.get(user=stranger).result == "wrong_code"


def test_an_unknown_passkey_is_refused_and_audited(client):
    response = passkey(client, SoftKey(user_handle=os.urandom(16)))
    assert response.status_code == 400
    assert "Войдите по паролю" in response.json()["error"]
    assert AuditEvent.objects.get(action="accounts.login_failed").details["method"] == "passkey"


def test_a_cloned_passkey_is_refused(client):
    user = UserFactory()
    key = SoftKey()
    enrol(user, key, sign_count=3)
    response = passkey(client, key, sign_count=2)
    assert response.status_code == 400
    assert not signed_in_as(client, user)


def test_a_passkey_is_refused_outside_the_ip_allow_list(client):
    user = UserFactory(ip_allowlist="10.0.0.0/8")
    key = SoftKey()
    enrol(user, key)
    response = passkey(client, key)
    assert response.status_code == 400
    assert "запрещён настройками безопасности" in response.json()["error"]
    assert not signed_in_as(client, user)
    assert LoginEvent.objects.get(user=user).result == "ip_refused"
    assert "Вход с неразрешённого адреса" in notice_subjects(user)


def test_a_passkey_of_a_disabled_account_is_refused(client):
    user = UserFactory(is_active=False)
    key = SoftKey()
    enrol(user, key)
    response = passkey(client, key)
    assert response.status_code == 400
    assert LoginEvent.objects.get(user=user).result == "inactive"


# --- bad requests --------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe"])
@pytest.mark.parametrize("url", [PASSKEY_OPTIONS_URL, PASSKEY_URL, REGISTER_OPTIONS_URL])
def test_endpoints_refuse_bad_json_with_400(signed_in, url, body):
    client, _user = signed_in
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]


def test_the_key_step_refuses_bad_json_with_400(client):
    user = UserFactory()
    enrol(user, SoftKey())
    passed_password_step(client, user)
    post_json(client, SECOND_OPTIONS_URL)
    response = client.post(SECOND_URL, b"{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]


@pytest.mark.parametrize(
    "credential",
    [None, "text", {"id": "AA", "rawId": "AA"}, {"id": "!!", "rawId": "!!", "response": {}}],
)
def test_a_malformed_passkey_answer_is_a_400(client, credential):
    enrol(UserFactory(), SoftKey())
    post_json(client, PASSKEY_OPTIONS_URL)
    response = post_json(client, PASSKEY_URL, {"credential": credential})
    assert response.status_code == 400 and response.json()["error"]


@pytest.mark.parametrize(
    "url", [PASSKEY_OPTIONS_URL, PASSKEY_URL, SECOND_OPTIONS_URL, SECOND_URL, REGISTER_OPTIONS_URL]
)
def test_endpoints_accept_only_post(signed_in, url):
    client, _user = signed_in
    assert client.get(url).status_code == 405
