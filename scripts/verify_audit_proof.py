#!/usr/bin/env python3
"""Check a Gosportal audit proof bundle offline: python3 verify_audit_proof.py proof.json

The bundle (downloaded with «Скачать доказательство», format gosportal-audit-proof-v1)
holds an audit entry, its leaf index, the RFC 6962 inclusion path and a signed tree
head with the Ed25519 public key. The script rebuilds the leaf from the entry (JSON,
keys sorted, no spaces, UTF-8), walks the path to the root (RFC 9162 §2.1.3.2) and
checks the tree head's signature. Compare ``key_id`` / ``public_key`` with the ones
the portal publishes at /audit/sth/ to know the key is the portal's. Needs Python 3
and the ``cryptography`` package only. Exit status 0: the entry is in the signed
log; 1: it is not (the reason is printed).
"""

import argparse
import base64
import hashlib
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_path(leaf: bytes, index: int, size: int, path: list[bytes]) -> bytes | None:
    if not 0 <= index < size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if len(p) != 32 or sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def check(bundle: dict) -> str | None:
    """None when the bundle proves its entry; otherwise the reason it does not."""
    sth = bundle["sth"]
    size, timestamp = int(sth["tree_size"]), int(sth["timestamp"])
    root = bytes.fromhex(sth["root_hash"])
    public = base64.b64decode(sth["public_key"])
    if hashlib.sha256(public).hexdigest() != sth["key_id"]:
        return "the public key does not match its key id"
    message = bytes([0, 1]) + timestamp.to_bytes(8, "big") + size.to_bytes(8, "big") + root
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(
            base64.b64decode(sth["signature"]), message
        )
    except (InvalidSignature, ValueError):
        return "the tree head's signature is not valid"
    data = json.dumps(
        bundle["entry"], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()
    path = [bytes.fromhex(node) for node in bundle["inclusion_path"]]
    if root_from_path(leaf_hash(data), int(bundle["leaf_index"]), size, path) != root:
        return "the entry is not in the signed tree (the inclusion path does not lead to its root)"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check a Gosportal audit proof bundle.")
    parser.add_argument("bundle", help="path to the downloaded JSON file")
    args = parser.parse_args(argv)
    with open(args.bundle, encoding="utf-8") as handle:
        bundle = json.load(handle)
    try:
        reason = check(bundle)
    except (KeyError, TypeError, ValueError) as error:
        reason = f"the bundle is malformed ({error!r})"
    if reason:
        print(f"NOT VERIFIED: {reason}")
        return 1
    entry, sth = bundle["entry"], bundle["sth"]
    print(
        f"VERIFIED: entry #{entry['id']} ({entry['action']}, {entry['occurred_at']}) is leaf "
        f"{bundle['leaf_index']} of the tree of {sth['tree_size']} signed by key "
        f"{sth['key_id'][:16]}…"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
