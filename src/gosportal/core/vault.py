"""Encrypted file storage for personal documents (SEC-2): passport scans, selfies,
supporting documents.

Files are checked first (``core.files.check_upload``), then stored under
``MEDIA_ROOT/vault/`` encrypted with AES-256-GCM; the associated data binds each file
to its purpose and random name, so a file moved under another name does not decrypt.
Nothing in the vault is served by the web server: pages stream a file through a view
that checks who may see it.
"""

import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from gosportal.core import crypto
from gosportal.core.crypto import decrypt_bytes, encrypt_bytes

_FOLDER = "vault"
_NAME = re.compile(r"[0-9a-f]{40}")
_PURPOSE = re.compile(r"[a-z][a-z0-9_]{0,39}")


def _root() -> Path:
    return Path(settings.MEDIA_ROOT) / _FOLDER


def _path(name: str, purpose: str) -> Path:
    if not _NAME.fullmatch(name or "") or not _PURPOSE.fullmatch(purpose or ""):
        raise ValueError("bad vault name or purpose")
    return _root() / purpose / name[:2] / name


def _context(purpose: str, name: str) -> str:
    return f"vault:{purpose}:{name}"


def store(content: bytes, *, purpose: str) -> str:
    """Encrypt and write ``content``; return the name to keep in the database."""
    name = secrets.token_hex(20)
    path = _path(name, purpose)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encrypt_bytes(content, context=_context(purpose, name)))
    return name


def read(name: str, *, purpose: str) -> bytes:
    """The decrypted bytes (raises ``FileNotFoundError`` or ``DecryptionError``)."""
    return decrypt_bytes(_path(name, purpose).read_bytes(), context=_context(purpose, name))


def delete(name: str, *, purpose: str | None = None) -> None:
    """Remove a stored file; a missing file is not an error (erasure is idempotent)."""
    if name:
        raw_path(name, purpose=purpose).unlink(missing_ok=True)


def raw_path(name: str, *, purpose: str | None = None) -> Path:
    """Where the ciphertext lies on disk (tests read it to prove it is encrypted).

    Without ``purpose`` the vault is searched for the name.
    """
    if purpose is not None:
        return _path(name, purpose)
    if not _NAME.fullmatch(name or ""):
        raise ValueError("bad vault name")
    found = sorted(_root().glob(f"*/{name[:2]}/{name}"))
    return found[0] if found else _root() / "_missing" / name


def stored_files() -> Iterator[tuple[str, str]]:
    """(purpose, name) of every file in the vault."""
    root = _root()
    if not root.is_dir():
        return
    for path in sorted(root.glob("*/*/*")):
        purpose, name = path.parent.parent.name, path.name
        if _PURPOSE.fullmatch(purpose) and _NAME.fullmatch(name):
            yield purpose, name


def rotate(name: str, *, purpose: str) -> bool:
    """Re-encrypt one file with the primary key; False when it already uses it.

    The new ciphertext is written beside the old one and moved over it, so a crash
    leaves either the old or the new file, both readable while the old key is listed.
    """
    path = _path(name, purpose)
    blob = path.read_bytes()
    primary, _ = crypto.keyring()
    if blob.startswith(f"{crypto.PREFIX}:{primary}:".encode()):
        return False
    content = decrypt_bytes(blob, context=_context(purpose, name))
    temporary = path.with_name(f"{name}.rotating")
    temporary.write_bytes(encrypt_bytes(content, context=_context(purpose, name)))
    os.replace(temporary, path)
    return True
