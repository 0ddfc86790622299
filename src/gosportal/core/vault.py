"""Encrypted file storage for personal documents (SEC-2): passport scans, selfies,
supporting documents, appeal evidence and issued documents.

Files are checked first (``core.files.check_upload``), encrypted with AES-256-GCM in the
portal and only then written through Django's storage API under the ``vault`` alias of
``STORAGES``: ``MEDIA_ROOT/vault/`` on the local disk by default, an S3-compatible bucket
when the ``S3_*`` settings are set (OPS-2), so the object store only ever sees ciphertext.
Each object is named ``<purpose>/<name[:2]>/<name>`` and the associated data binds it to
its purpose and random name, so a file moved under another name does not decrypt. Nothing
in the vault is served by the web server: pages stream a file through a view that checks
who may see it.
"""

import os
import re
import secrets
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages

from gosportal.core import crypto
from gosportal.core.crypto import decrypt_bytes, encrypt_bytes

ALIAS = "vault"
_FOLDER = "vault"
_NAME = re.compile(r"[0-9a-f]{40}")
_PURPOSE = re.compile(r"[a-z][a-z0-9_]{0,39}")


class LocalVaultStorage(FileSystemStorage):
    """The default backend: ``MEDIA_ROOT/vault/`` (follows ``MEDIA_ROOT`` when it changes)."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, os.path.join(settings.MEDIA_ROOT, _FOLDER))


def storage() -> Storage:
    """The storage backend the vault writes to (``STORAGES["vault"]``)."""
    return storages[ALIAS]


def _key(name: str, purpose: str) -> str:
    if not _NAME.fullmatch(name or "") or not _PURPOSE.fullmatch(purpose or ""):
        raise ValueError("bad vault name or purpose")
    return f"{purpose}/{name[:2]}/{name}"


def _context(purpose: str, name: str) -> str:
    return f"vault:{purpose}:{name}"


def _purposes(backend: Storage) -> list[str]:
    try:
        folders, _ = backend.listdir("")
    except FileNotFoundError:  # nothing stored yet on a fresh disk
        return []
    return sorted(folder for folder in folders if _PURPOSE.fullmatch(folder))


def _read_object(backend: Storage, key: str) -> bytes:
    with backend.open(key, "rb") as handle:
        return handle.read()


def store(content: bytes, *, purpose: str) -> str:
    """Encrypt and write ``content``; return the name to keep in the database."""
    name = secrets.token_hex(20)
    key = _key(name, purpose)
    blob = encrypt_bytes(content, context=_context(purpose, name))
    saved = storage().save(key, ContentFile(blob))
    if saved != key:  # a 160-bit random name never collides; refuse rather than lose it
        storage().delete(saved)
        raise RuntimeError("vault name already taken")
    return name


def read(name: str, *, purpose: str) -> bytes:
    """The decrypted bytes (raises ``FileNotFoundError`` or ``DecryptionError``)."""
    return decrypt_bytes(raw(name, purpose=purpose), context=_context(purpose, name))


def delete(name: str, *, purpose: str | None = None) -> None:
    """Remove a stored file; a missing file is not an error (erasure is idempotent)."""
    if name:
        key = locate(name, purpose=purpose)
        if key is not None:
            storage().delete(key)


def locate(name: str, *, purpose: str | None = None) -> str | None:
    """The object's name in the storage, or None when a name without purpose is not found.

    Without ``purpose`` the vault is searched for the name, one purpose after another.
    """
    if purpose is not None:
        return _key(name, purpose)
    if not _NAME.fullmatch(name or ""):
        raise ValueError("bad vault name")
    backend = storage()
    for folder in _purposes(backend):
        key = _key(name, folder)
        if backend.exists(key):
            return key
    return None


def exists(name: str, *, purpose: str | None = None) -> bool:
    """Whether the object is in the storage (with or without knowing its purpose)."""
    key = locate(name, purpose=purpose)
    return key is not None and storage().exists(key)


def raw(name: str, *, purpose: str | None = None) -> bytes:
    """The ciphertext exactly as the storage holds it (the key rotation reads its key id
    here; tests read it to prove that files are encrypted). Raises ``FileNotFoundError``.
    """
    key = locate(name, purpose=purpose)
    if key is None:
        raise FileNotFoundError(name)
    return _read_object(storage(), key)


def stored_files() -> Iterator[tuple[str, str]]:
    """(purpose, name) of every file in the vault."""
    backend = storage()
    for purpose in _purposes(backend):
        prefixes, _ = backend.listdir(purpose)
        for prefix in sorted(prefixes):
            _, names = backend.listdir(f"{purpose}/{prefix}")
            for name in sorted(names):
                if _NAME.fullmatch(name) and name[:2] == prefix:
                    yield purpose, name


def rotate(name: str, *, purpose: str) -> bool:
    """Re-encrypt one file with the primary key; False when it already uses it.

    Either way a crash leaves the old or the new ciphertext, never a mix, and both are
    readable while the old key is still listed in ``FIELD_ENCRYPTION_KEYS``:
    on the local disk the new ciphertext is written beside the old one and renamed over
    it (``os.replace`` is atomic); an object store has no rename, so the new object is
    written with one PUT under the same key — S3 replaces an object only once the whole
    upload has arrived, readers see the old object until then and the new one after, and
    an interrupted upload leaves the old object in place (the rotation is simply run
    again). The backend must overwrite rather than rename (``file_overwrite``).
    """
    key = _key(name, purpose)
    backend = storage()
    blob = _read_object(backend, key)
    primary, _ = crypto.keyring()
    if blob.startswith(f"{crypto.PREFIX}:{primary}:".encode()):
        return False
    content = decrypt_bytes(blob, context=_context(purpose, name))
    fresh = encrypt_bytes(content, context=_context(purpose, name))
    if isinstance(backend, FileSystemStorage):
        path = Path(backend.path(key))
        temporary = path.with_name(f"{name}.rotating")
        temporary.write_bytes(fresh)
        os.replace(temporary, path)
    else:
        saved = backend.save(key, ContentFile(fresh))
        if saved != key:
            backend.delete(saved)
            raise RuntimeError("the vault storage must overwrite objects (file_overwrite)")
    return True
