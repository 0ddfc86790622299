"""SEC-2, OPS-2: documents are stored encrypted and bound to their purpose and name, on
the local disk by default or in an S3-compatible bucket (a local moto server here); the
storage only ever holds ciphertext and key rotation works on both."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.test import override_settings

from gosportal.core import vault
from gosportal.core.crypto import DecryptionError, encrypt_bytes
from tests.conftest import S3_KEYS

CONTENT = b"%PDF-1.7 passport page of a test person"


@pytest.fixture(params=["disk", pytest.param("s3", marks=pytest.mark.s3)])
def backend(request):
    """Every test here runs on the local disk and on the S3 server."""
    if request.param == "s3":
        request.getfixturevalue("s3_vault")
    return request.param


def _put(name: str, purpose: str, blob: bytes) -> None:
    """Replace an object through the storage (as an attacker with bucket access would)."""
    key = vault.locate(name, purpose=purpose)
    vault.storage().delete(key)
    assert vault.storage().save(key, ContentFile(blob)) == key


def test_the_backend_is_the_one_asked_for(backend):
    kind = type(vault.storage()).__name__
    assert kind == ("S3Storage" if backend == "s3" else "LocalVaultStorage")


def test_a_stored_file_reads_back_and_is_not_plain_in_the_storage(backend):
    name = vault.store(CONTENT, purpose="passport")
    assert vault.read(name, purpose="passport") == CONTENT
    stored = vault.raw(name, purpose="passport")
    assert CONTENT not in stored
    assert stored.startswith(b"gcm1:")


def test_a_file_does_not_decrypt_under_another_purpose_or_name(backend):
    name = vault.store(CONTENT, purpose="passport")
    _put(name, "selfie", vault.raw(name, purpose="passport"))
    with pytest.raises(DecryptionError):
        vault.read(name, purpose="selfie")
    other = vault.store(b"other", purpose="passport")
    _put(other, "passport", vault.raw(name, purpose="passport"))
    with pytest.raises(DecryptionError):
        vault.read(other, purpose="passport")


def test_a_tampered_file_is_refused(backend):
    name = vault.store(CONTENT, purpose="passport")
    data = bytearray(vault.raw(name, purpose="passport"))
    data[-1] ^= 1
    _put(name, "passport", bytes(data))
    with pytest.raises(DecryptionError):
        vault.read(name, purpose="passport")


def test_a_missing_file_is_file_not_found(backend):
    name = vault.store(CONTENT, purpose="passport")
    vault.delete(name, purpose="passport")
    with pytest.raises(FileNotFoundError):
        vault.read(name, purpose="passport")
    with pytest.raises(FileNotFoundError):
        vault.raw(name)


@pytest.mark.parametrize(
    ("name", "purpose"),
    [("", "passport"), ("../etc/passwd", "passport"), ("a" * 40, "../x"), ("A" * 40, "passport")],
)
def test_names_that_could_escape_the_vault_are_refused(name, purpose):
    with pytest.raises(ValueError):
        vault.read(name, purpose=purpose)


def test_deleting_twice_is_harmless(backend):
    name = vault.store(CONTENT, purpose="passport")
    assert vault.exists(name) and vault.exists(name, purpose="passport")
    vault.delete(name, purpose="passport")
    vault.delete(name)
    assert not vault.exists(name, purpose="passport")
    assert not vault.exists(name)


def test_a_file_is_found_and_deleted_without_its_purpose(backend):
    kept = vault.store(b"kept", purpose="passport")
    name = vault.store(CONTENT, purpose="selfie")
    assert vault.raw(name) == vault.raw(name, purpose="selfie")
    vault.delete(name)
    assert not vault.exists(name)
    assert vault.read(kept, purpose="passport") == b"kept"


def test_stored_files_lists_every_file_and_nothing_else(backend):
    assert list(vault.stored_files()) == []
    first = vault.store(b"one", purpose="passport")
    second = vault.store(b"two", purpose="selfie")
    third = vault.store(b"three", purpose="passport")
    assert sorted(vault.stored_files()) == sorted(
        [("passport", first), ("selfie", second), ("passport", third)]
    )
    vault.delete(third, purpose="passport")
    assert sorted(vault.stored_files()) == sorted([("passport", first), ("selfie", second)])


def test_files_written_before_the_storage_api_stay_readable():
    """Today's layout on disk (MEDIA_ROOT/vault/<purpose>/<ab>/<name>) is the default."""
    name = "ab" + "0" * 38
    path = Path(settings.MEDIA_ROOT) / "vault" / "passport" / "ab" / name
    path.parent.mkdir(parents=True)
    path.write_bytes(encrypt_bytes(CONTENT, context=f"vault:passport:{name}"))
    assert vault.read(name, purpose="passport") == CONTENT
    assert list(vault.stored_files()) == [("passport", name)]
    vault.delete(name)
    assert not path.exists()


@pytest.mark.s3
def test_the_bucket_holds_only_ciphertext(s3_vault):
    name = vault.store(CONTENT, purpose="passport")
    key = f"passport/{name[:2]}/{name}"
    assert s3_vault.names() == [key]
    in_bucket = s3_vault.object(key)
    assert in_bucket.startswith(b"gcm1:")
    assert CONTENT not in in_bucket and b"passport page" not in in_bucket
    assert vault.read(name, purpose="passport") == CONTENT


@pytest.mark.subprocess
@pytest.mark.s3
def test_the_s3_variables_put_the_vault_in_the_bucket(s3_server):
    """A process started with S3_* set (as in production) writes to the bucket."""
    env = {
        **os.environ,
        "S3_BUCKET": s3_server["bucket_name"],
        "S3_ENDPOINT_URL": s3_server["endpoint_url"],
        "S3_ACCESS_KEY_ID": S3_KEYS["access_key"],
        "S3_SECRET_ACCESS_KEY": S3_KEYS["secret_key"],
        "S3_REGION": "us-east-1",
    }
    code = (
        "from gosportal.core import vault; "
        "name = vault.store(b'plain page of a scan', purpose='passport'); "
        "assert vault.read(name, purpose='passport') == b'plain page of a scan'; "
        "print(type(vault.storage()).__name__, name)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    kind, name = result.stdout.strip().splitlines()[-1].split()
    assert kind == "S3Storage"
    key = f"vault/passport/{name[:2]}/{name}"
    client, bucket = s3_server["client"], s3_server["bucket_name"]
    in_bucket = client.get_object(Bucket=bucket, Key=key)["Body"].read()
    client.delete_object(Bucket=bucket, Key=key)
    assert in_bucket.startswith(b"gcm1:") and b"plain page" not in in_bucket


# --- key rotation (manage.py rotate_field_keys) ----------------------------------------

K1 = "k1:" + "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE="
K2 = "k2:" + "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXphYmNkZWY="


def _rotate(*args) -> str:
    out = StringIO()
    call_command("rotate_field_keys", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_rotation_re_encrypts_vault_files_with_the_new_key(backend):
    with override_settings(FIELD_ENCRYPTION_KEYS=K1):
        name = vault.store(CONTENT, purpose="passport")
    with override_settings(FIELD_ENCRYPTION_KEYS=f"{K2},{K1}"):
        report = _rotate()
    assert "vault files: 1 re-encrypted, 0 already on key k2" in report
    assert vault.raw(name, purpose="passport").startswith(b"gcm1:k2:")
    assert list(vault.stored_files()) == [("passport", name)]
    with override_settings(FIELD_ENCRYPTION_KEYS=K2):
        assert vault.read(name, purpose="passport") == CONTENT
    with override_settings(FIELD_ENCRYPTION_KEYS=f"{K2},{K1}"):
        assert "vault files: 0 re-encrypted, 1 already on key k2" in _rotate()


@pytest.mark.django_db
def test_a_dry_run_leaves_vault_files_as_they_are(backend):
    with override_settings(FIELD_ENCRYPTION_KEYS=K1):
        name = vault.store(CONTENT, purpose="passport")
    before = vault.raw(name, purpose="passport")
    with override_settings(FIELD_ENCRYPTION_KEYS=f"{K2},{K1}"):
        report = _rotate("--dry-run")
    assert "vault files: 1 to re-encrypt" in report
    assert vault.raw(name, purpose="passport") == before


@pytest.mark.django_db
def test_an_undecryptable_vault_file_fails_the_rotation_and_stays(backend):
    with override_settings(FIELD_ENCRYPTION_KEYS=K1):
        name = vault.store(CONTENT, purpose="passport")
    broken = vault.raw(name, purpose="passport")[:-1] + b"\x00"
    _put(name, "passport", broken)
    with override_settings(FIELD_ENCRYPTION_KEYS=f"{K2},{K1}"), pytest.raises(CommandError):
        _rotate()
    assert vault.raw(name, purpose="passport") == broken
