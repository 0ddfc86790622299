"""Field encryption (AES-256-GCM) and keyed "blind index" hashes (SEC-2).

Ciphertext format: ``gcm1:<key id>:<base64(nonce | ciphertext | tag)>``. The key id
lets several keys coexist: the first key in ``FIELD_ENCRYPTION_KEYS`` encrypts, every
listed key decrypts, and ``manage.py rotate_field_keys`` re-encrypts old rows. The
associated data binds a ciphertext to its table and column, so a value copied into
another column does not decrypt.
"""

import base64
import binascii
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "gcm1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """The value is not ours, was tampered with, or its key is no longer configured."""


@lru_cache(maxsize=8)
def _parse_keys(spec: str) -> tuple[str, dict[str, bytes]]:
    keys: dict[str, bytes] = {}
    primary = ""
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        key_id, sep, encoded = item.partition(":")
        if not sep or not key_id.isalnum():
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS: expected 'id:base64key,...'.")
        try:
            key = base64.b64decode(encoded, validate=True)
        except binascii.Error as exc:
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS: key {key_id} is not base64."
            ) from exc
        if len(key) != 32:
            raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS: key {key_id} must be 32 bytes.")
        if key_id in keys:
            raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS: key id {key_id} repeats.")
        keys[key_id] = key
        primary = primary or key_id
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    return primary, keys


def keyring() -> tuple[str, dict[str, bytes]]:
    """(primary key id, all keys) from the current settings."""
    return _parse_keys(settings.FIELD_ENCRYPTION_KEYS)


def encrypt(plaintext: str, *, context: str) -> str:
    primary, keys = keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(keys[primary]).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{PREFIX}:{primary}:{base64.b64encode(nonce + sealed).decode()}"


def key_id_of(ciphertext: str) -> str:
    try:
        prefix, key_id, _ = ciphertext.split(":", 2)
    except ValueError as exc:
        raise DecryptionError("malformed ciphertext") from exc
    if prefix != PREFIX:
        raise DecryptionError("not an encrypted value")
    return key_id


def decrypt(ciphertext: str, *, context: str) -> str:
    try:
        prefix, key_id, body = ciphertext.split(":", 2)
    except ValueError as exc:
        raise DecryptionError("malformed ciphertext") from exc
    if prefix != PREFIX:
        raise DecryptionError("not an encrypted value")
    _, keys = keyring()
    if key_id not in keys:
        raise DecryptionError(f"key {key_id} is not configured")
    try:
        raw = base64.b64decode(body, validate=True)
        plain = AESGCM(keys[key_id]).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
    except (binascii.Error, InvalidTag, ValueError) as exc:
        raise DecryptionError("ciphertext does not verify") from exc
    return plain.decode()


def encrypt_bytes(data: bytes, *, context: str) -> bytes:
    """Binary AES-256-GCM: ``gcm1:<key id>:`` then nonce | ciphertext | tag (for files)."""
    primary, keys = keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(keys[primary]).encrypt(nonce, data, context.encode())
    return f"{PREFIX}:{primary}:".encode() + nonce + sealed


def decrypt_bytes(blob: bytes, *, context: str) -> bytes:
    try:
        prefix, key_id, raw = blob.split(b":", 2)
    except ValueError as exc:
        raise DecryptionError("malformed ciphertext") from exc
    if prefix != PREFIX.encode():
        raise DecryptionError("not an encrypted value")
    _, keys = keyring()
    if key_id.decode(errors="replace") not in keys:
        raise DecryptionError(f"key {key_id!r} is not configured")
    try:
        return AESGCM(keys[key_id.decode()]).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode()
        )
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError("ciphertext does not verify") from exc


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed hash for exact lookups of an encrypted value; ``purpose`` separates uses."""
    key = settings.BLIND_INDEX_KEY.encode()
    message = f"{purpose}\x00{value}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@lru_cache(maxsize=1)
def _dummy_password_hash() -> str:
    from django.contrib.auth.hashers import make_password

    return make_password("gosportal-dummy-password")


def spend_a_password_check(password: str) -> None:
    """Verify ``password`` against a dummy hash, so that an unknown login or client costs
    the same time as a known one. The hash is made on first use, not at import: with
    Argon2 each costs a fraction of a second, and every process start would pay it."""
    from django.contrib.auth.hashers import check_password

    check_password(password, _dummy_password_hash())
