"""SEC-2: documents are stored encrypted and bound to their purpose and name."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from gosportal.core import vault
from gosportal.core.crypto import DecryptionError

CONTENT = b"%PDF-1.7 passport page of a test person"


def test_a_stored_file_reads_back_and_is_not_plain_on_disk():
    name = vault.store(CONTENT, purpose="passport")
    assert vault.read(name, purpose="passport") == CONTENT
    on_disk = vault.raw_path(name, purpose="passport").read_bytes()
    assert CONTENT not in on_disk
    assert on_disk.startswith(b"gcm1:")


def test_a_file_does_not_decrypt_under_another_purpose_or_name():
    name = vault.store(CONTENT, purpose="passport")
    moved = vault.raw_path(name, purpose="selfie")
    moved.parent.mkdir(parents=True)
    moved.write_bytes(vault.raw_path(name, purpose="passport").read_bytes())
    with pytest.raises(DecryptionError):
        vault.read(name, purpose="selfie")
    other = vault.store(b"other", purpose="passport")
    path = vault.raw_path(name, purpose="passport")
    vault.raw_path(other, purpose="passport").write_bytes(path.read_bytes())
    with pytest.raises(DecryptionError):
        vault.read(other, purpose="passport")


def test_a_tampered_file_is_refused():
    name = vault.store(CONTENT, purpose="passport")
    path = vault.raw_path(name, purpose="passport")
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(DecryptionError):
        vault.read(name, purpose="passport")


@pytest.mark.parametrize(
    ("name", "purpose"),
    [("", "passport"), ("../etc/passwd", "passport"), ("a" * 40, "../x"), ("A" * 40, "passport")],
)
def test_names_that_could_escape_the_vault_are_refused(name, purpose):
    with pytest.raises(ValueError):
        vault.read(name, purpose=purpose)


def test_deleting_twice_is_harmless():
    name = vault.store(CONTENT, purpose="passport")
    vault.delete(name, purpose="passport")
    vault.delete(name)
    assert not vault.raw_path(name, purpose="passport").exists()


# --- key rotation (manage.py rotate_field_keys) ----------------------------------------

K1 = "k1:" + "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE="
K2 = "k2:" + "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXphYmNkZWY="


def _rotate(*args) -> str:
    out = StringIO()
    call_command("rotate_field_keys", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_rotation_re_encrypts_vault_files_with_the_new_key():
    with override_settings(FIELD_ENCRYPTION_KEYS=K1):
        name = vault.store(CONTENT, purpose="passport")
    with override_settings(FIELD_ENCRYPTION_KEYS=f"{K2},{K1}"):
        report = _rotate()
    assert "vault files: 1 re-encrypted, 0 already on key k2" in report
    assert vault.raw_path(name, purpose="passport").read_bytes().startswith(b"gcm1:k2:")
    with override_settings(FIELD_ENCRYPTION_KEYS=K2):
        assert vault.read(name, purpose="passport") == CONTENT


@pytest.mark.django_db
def test_a_dry_run_leaves_vault_files_as_they_are():
    with override_settings(FIELD_ENCRYPTION_KEYS=K1):
        name = vault.store(CONTENT, purpose="passport")
    before = vault.raw_path(name, purpose="passport").read_bytes()
    with override_settings(FIELD_ENCRYPTION_KEYS=f"{K2},{K1}"):
        report = _rotate("--dry-run")
    assert "vault files: 1 to re-encrypt" in report
    assert vault.raw_path(name, purpose="passport").read_bytes() == before


@pytest.mark.django_db
def test_an_undecryptable_vault_file_fails_the_rotation_and_stays():
    with override_settings(FIELD_ENCRYPTION_KEYS=K1):
        name = vault.store(CONTENT, purpose="passport")
    path = vault.raw_path(name, purpose="passport")
    path.write_bytes(path.read_bytes()[:-1] + b"\x00")
    broken = path.read_bytes()
    with override_settings(FIELD_ENCRYPTION_KEYS=f"{K2},{K1}"), pytest.raises(CommandError):
        _rotate()
    assert path.read_bytes() == broken
