"""Field encryption, blind indexes, encrypted model fields and key rotation (SEC-2)."""

import base64
import secrets
from io import StringIO

import pytest
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from gosportal.accounts.models import User, phone_index
from gosportal.core import crypto
from tests.factories import UserFactory


def make_key(key_id: str) -> str:
    return f"{key_id}:" + base64.b64encode(secrets.token_bytes(32)).decode()


K1 = make_key("k1")
K2 = make_key("k2")
K9 = make_key("k9")


def flip_byte(ciphertext: str, position: int) -> str:
    prefix, key_id, body = ciphertext.split(":", 2)
    raw = bytearray(base64.b64decode(body))
    raw[position] ^= 0x01
    return f"{prefix}:{key_id}:{base64.b64encode(bytes(raw)).decode()}"


def raw_contacts(user: User) -> tuple[str | None, str | None]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT phone, email FROM {User._meta.db_table} WHERE id = %s", [user.pk])
        return cursor.fetchone()


def store_raw_phone(user: User, stored: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {User._meta.db_table} SET phone = %s WHERE id = %s", [stored, user.pk]
        )


def rotate(*args: str) -> str:
    """Run ``rotate_field_keys``; return what it printed."""
    output = StringIO()
    call_command("rotate_field_keys", *args, stdout=output, stderr=output)
    return output.getvalue()


def rotate_expecting_failure(*args: str) -> str:
    """Run ``rotate_field_keys``, which must fail; return what it printed."""
    output = StringIO()
    with pytest.raises(CommandError):
        call_command("rotate_field_keys", *args, stdout=output, stderr=output)
    return output.getvalue()


# --- Encryption -------------------------------------------------------------------------


@override_settings(FIELD_ENCRYPTION_KEYS=K1)
@pytest.mark.parametrize("plaintext", ["+79161234567", "Иванова Анна Петровна", ""])
def test_decrypt_returns_what_was_encrypted(plaintext):
    ciphertext = crypto.encrypt(plaintext, context="accounts.user.phone")
    assert crypto.decrypt(ciphertext, context="accounts.user.phone") == plaintext


@override_settings(FIELD_ENCRYPTION_KEYS=f"{K2},{K1}")
def test_ciphertext_carries_the_id_of_the_first_key():
    ciphertext = crypto.encrypt("+79161234567", context="accounts.user.phone")
    assert ciphertext.startswith("gcm1:k2:")
    assert crypto.key_id_of(ciphertext) == "k2"


@override_settings(FIELD_ENCRYPTION_KEYS=K1)
def test_encrypting_the_same_value_twice_gives_different_ciphertexts():
    first = crypto.encrypt("+79161234567", context="accounts.user.phone")
    second = crypto.encrypt("+79161234567", context="accounts.user.phone")
    assert first != second


def test_a_value_encrypted_with_an_older_listed_key_still_decrypts():
    with override_settings(FIELD_ENCRYPTION_KEYS=K1):
        ciphertext = crypto.encrypt("+79161234567", context="accounts.user.phone")
    with override_settings(FIELD_ENCRYPTION_KEYS=f"{K2},{K1}"):
        assert crypto.decrypt(ciphertext, context="accounts.user.phone") == "+79161234567"


@override_settings(FIELD_ENCRYPTION_KEYS=K1)
@pytest.mark.parametrize("position", [0, 12, -1], ids=["nonce", "ciphertext", "tag"])
def test_a_tampered_ciphertext_does_not_decrypt(position):
    ciphertext = crypto.encrypt("+79161234567", context="accounts.user.phone")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(flip_byte(ciphertext, position), context="accounts.user.phone")


@override_settings(FIELD_ENCRYPTION_KEYS=K1)
def test_a_value_copied_to_another_column_does_not_decrypt():
    ciphertext = crypto.encrypt("+79161234567", context="accounts.user.phone")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(ciphertext, context="accounts.user.email")


def test_a_value_under_a_key_no_longer_configured_does_not_decrypt():
    with override_settings(FIELD_ENCRYPTION_KEYS=K9):
        ciphertext = crypto.encrypt("+79161234567", context="accounts.user.phone")
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=f"{K2},{K1}"),
        pytest.raises(crypto.DecryptionError, match="k9"),
    ):
        crypto.decrypt(ciphertext, context="accounts.user.phone")


def test_a_value_under_another_key_with_the_same_id_does_not_decrypt():
    with override_settings(FIELD_ENCRYPTION_KEYS=K1):
        ciphertext = crypto.encrypt("+79161234567", context="accounts.user.phone")
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=make_key("k1")),
        pytest.raises(crypto.DecryptionError),
    ):
        crypto.decrypt(ciphertext, context="accounts.user.phone")


@override_settings(FIELD_ENCRYPTION_KEYS=K1)
@pytest.mark.parametrize(
    "stored", ["+79161234567", "gcm1:k1", "aes1:k1:AAAA", "gcm1:k1:not base64!", "gcm1:k1:AAAA"]
)
def test_a_value_not_in_our_format_does_not_decrypt(stored):
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(stored, context="accounts.user.phone")


@pytest.mark.parametrize(
    "spec",
    [
        "",
        " , ",
        "k1",
        base64.b64encode(secrets.token_bytes(32)).decode(),
        "k-1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "k1:not-base64!",
        "k1:" + base64.b64encode(secrets.token_bytes(16)).decode(),
        "k1:" + base64.b64encode(secrets.token_bytes(33)).decode(),
        f"{K1},{make_key('k1')}",
    ],
    ids=[
        "empty",
        "only-commas",
        "no-key",
        "no-id",
        "id-with-symbol",
        "not-base64",
        "16-bytes",
        "33-bytes",
        "repeated-id",
    ],
)
def test_malformed_key_settings_are_refused(spec):
    with override_settings(FIELD_ENCRYPTION_KEYS=spec), pytest.raises(ImproperlyConfigured):
        crypto.encrypt("+79161234567", context="accounts.user.phone")


# --- Blind index ------------------------------------------------------------------------


def test_blind_index_is_the_same_for_the_same_value():
    assert crypto.blind_index("+79161234567", purpose="phone") == crypto.blind_index(
        "+79161234567", purpose="phone"
    )


def test_blind_index_differs_for_different_values():
    assert crypto.blind_index("+79161234567", purpose="phone") != crypto.blind_index(
        "+79161234568", purpose="phone"
    )


def test_blind_index_depends_on_the_key():
    with override_settings(BLIND_INDEX_KEY="first-key"):
        first = crypto.blind_index("+79161234567", purpose="phone")
    with override_settings(BLIND_INDEX_KEY="second-key"):
        second = crypto.blind_index("+79161234567", purpose="phone")
    assert first != second


def test_blind_index_is_separated_by_purpose():
    assert crypto.blind_index("ivan@example.ru", purpose="email") != crypto.blind_index(
        "ivan@example.ru", purpose="phone"
    )


# --- Encrypted fields on the User model ---------------------------------------------------


@pytest.mark.django_db
def test_contacts_are_stored_encrypted():
    user = UserFactory(phone="+79161234567", email="ivan.petrov@example.ru")
    stored_phone, stored_email = raw_contacts(user)
    assert stored_phone.startswith("gcm1:")
    assert stored_email.startswith("gcm1:")
    assert "9161234567" not in stored_phone
    assert "ivan.petrov" not in stored_email


@pytest.mark.django_db
def test_contacts_read_back_as_plaintext():
    user = UserFactory(phone="+79161234567", email="ivan.petrov@example.ru")
    reread = User.objects.get(pk=user.pk)
    assert (reread.phone, reread.email) == ("+79161234567", "ivan.petrov@example.ru")


@pytest.mark.django_db
def test_a_contact_copied_to_another_column_does_not_decrypt():
    user = UserFactory()
    stored_phone, _ = raw_contacts(user)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {User._meta.db_table} SET email = %s WHERE id = %s", [stored_phone, user.pk]
        )
    with pytest.raises(crypto.DecryptionError):
        User.objects.get(pk=user.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("lookup", ["phone", "phone__iexact", "phone__startswith", "email__in"])
def test_searching_an_encrypted_field_directly_is_refused(lookup):
    UserFactory(phone="+79161234567")
    value = ["+79161234567"] if lookup.endswith("__in") else "+79161234567"
    with pytest.raises(FieldError):
        User.objects.filter(**{lookup: value}).exists()


@pytest.mark.django_db
def test_isnull_lookup_on_an_encrypted_field_works():
    with_phone = UserFactory()
    without_phone = UserFactory(phone=None)
    assert list(User.objects.filter(phone__isnull=True)) == [without_phone]
    assert list(User.objects.filter(phone__isnull=False)) == [with_phone]


@pytest.mark.django_db
def test_a_user_is_found_by_phone_through_its_blind_index():
    UserFactory(phone="+79160000001")
    wanted = UserFactory(phone="+79161234567")
    assert User.objects.get(phone_index=phone_index("+79161234567")) == wanted


# --- Key rotation -------------------------------------------------------------------------


@pytest.fixture
def old_users(db):
    with override_settings(FIELD_ENCRYPTION_KEYS=K1):
        return UserFactory.create_batch(3, password=None)  # skips slow password hashing


@pytest.fixture
def rotating():
    with override_settings(FIELD_ENCRYPTION_KEYS=f"{K2},{K1}"):
        yield


def test_rotation_re_encrypts_every_contact_with_the_new_key(old_users, rotating):
    rotate()
    for user in old_users:
        stored_phone, stored_email = raw_contacts(user)
        assert stored_phone.startswith("gcm1:k2:")
        assert stored_email.startswith("gcm1:k2:")


def test_rotated_contacts_read_the_same_with_only_the_new_key(old_users, rotating):
    rotate()
    with override_settings(FIELD_ENCRYPTION_KEYS=K2):
        reread = {u.pk: (u.phone, u.email) for u in User.objects.all()}
    assert reread == {u.pk: (u.phone, u.email) for u in old_users}


def test_rotation_covers_rows_beyond_the_first_batch(old_users, rotating):
    rotate("--batch-size", "2")
    assert all(raw_contacts(user)[0].startswith("gcm1:k2:") for user in old_users)


def test_rotation_leaves_values_already_under_the_new_key_as_they_are(db, rotating):
    current = UserFactory()
    before = raw_contacts(current)
    rotate()
    assert raw_contacts(current) == before


def test_rotation_reports_per_model_what_it_did(old_users, rotating):
    UserFactory()  # under k2 already
    assert "accounts.User: 6 re-encrypted, 2 already on key k2" in rotate()


def test_dry_run_counts_and_changes_nothing(old_users, rotating):
    before = [raw_contacts(user) for user in old_users]
    assert "accounts.User: 6 to re-encrypt" in rotate("--dry-run")
    assert [raw_contacts(user) for user in old_users] == before


def test_a_value_changed_during_rotation_is_not_overwritten(old_users, rotating, monkeypatch):
    user = old_users[0]
    real_encrypt = crypto.encrypt
    changed = []

    def encrypt_while_the_user_changes_phone(plaintext, *, context):
        if not changed:
            changed.append(True)
            store_raw_phone(user, real_encrypt("+79169999999", context="accounts.user.phone"))
        return real_encrypt(plaintext, context=context)

    monkeypatch.setattr(crypto, "encrypt", encrypt_while_the_user_changes_phone)
    rotate()
    assert User.objects.get(pk=user.pk).phone == "+79169999999"


@pytest.fixture
def lost_value_user(old_users):
    """A user whose phone is under key k9, which is configured nowhere any more."""
    with override_settings(FIELD_ENCRYPTION_KEYS=K9):
        lost = crypto.encrypt("+79160000000", context="accounts.user.phone")
    store_raw_phone(old_users[0], lost)
    return old_users[0]


def test_an_undecryptable_value_makes_rotation_fail(lost_value_user, rotating):
    with pytest.raises(CommandError, match=r"Could not decrypt 1 value\(s\)"):
        rotate()


def test_an_undecryptable_value_is_reported_with_its_row(lost_value_user, rotating):
    output = rotate_expecting_failure()
    assert f"accounts.User.phone pk={lost_value_user.pk}: key k9 is not configured" in output


def test_an_undecryptable_value_is_left_untouched(lost_value_user, rotating):
    before = raw_contacts(lost_value_user)[0]
    rotate_expecting_failure()
    assert raw_contacts(lost_value_user)[0] == before


def test_other_values_are_rotated_despite_an_undecryptable_one(
    lost_value_user, old_users, rotating
):
    rotate_expecting_failure()
    assert raw_contacts(lost_value_user)[1].startswith("gcm1:k2:")
    assert all(raw_contacts(user)[0].startswith("gcm1:k2:") for user in old_users[1:])


def test_an_undecryptable_value_fails_a_dry_run_too(lost_value_user, rotating):
    assert "key k9 is not configured" in rotate_expecting_failure("--dry-run")
