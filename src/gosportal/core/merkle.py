"""RFC 6962 (Certificate Transparency) Merkle tree hashing, proofs and their checks.

Leaf hash = SHA-256(0x00 || data), node hash = SHA-256(0x01 || left || right), and the
Merkle Tree Hash of n leaves splits at the largest power of two smaller than n (RFC
6962 §2.1). Proof generation (§2.1.1 inclusion, §2.1.2 consistency) reads subtree
hashes through a ``subtree(start, end)`` callable, so the same code serves an
in-memory list of leaves and the stored tree (``audit.py``), which answers an aligned
power-of-two range with one stored node and any other range from O(log n) of them.
Verification follows the iterative algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2 and
needs nothing but the standard library (``scripts/verify_audit_proof.py`` repeats it).
"""

import hashlib
from collections.abc import Callable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

Subtree = Callable[[int, int], bytes]


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two strictly smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_of(leaves: Sequence[bytes]) -> bytes:
    """MTH of a list of leaf hashes (the recursive definition, for small lists)."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = split_point(len(leaves))
    return node_hash(root_of(leaves[:k]), root_of(leaves[k:]))


class RootBuilder:
    """Streaming MTH: append leaf hashes in order, read the root of the prefix so far.

    Keeps one hash per set bit of the size (the perfect subtrees of the prefix), so a
    million leaves take twenty hashes of memory.
    """

    def __init__(self) -> None:
        self.size = 0
        self.stack: list[tuple[int, bytes]] = []  # (height, hash), heights decreasing

    def append(self, leaf: bytes) -> None:
        height, value = 0, leaf
        while self.stack and self.stack[-1][0] == height:
            _, left = self.stack.pop()
            value = node_hash(left, value)
            height += 1
        self.stack.append((height, value))
        self.size += 1

    def root(self) -> bytes:
        if not self.stack:
            return EMPTY_ROOT
        value = self.stack[-1][1]
        for _, left in reversed(self.stack[:-1]):
            value = node_hash(left, value)
        return value


def list_subtree(leaves: Sequence[bytes]) -> Subtree:
    return lambda start, end: root_of(leaves[start:end])


def inclusion_path(subtree: Subtree, index: int, size: int) -> list[bytes]:
    """PATH(m, D[n]) of RFC 6962 §2.1.1 for leaf ``index`` in a tree of ``size``."""
    if not 0 <= index < size:
        raise ValueError("leaf index outside the tree")

    def path(m: int, start: int, end: int) -> list[bytes]:
        n = end - start
        if n == 1:
            return []
        k = split_point(n)
        if m < k:
            return [*path(m, start, start + k), subtree(start + k, end)]
        return [*path(m - k, start + k, end), subtree(start, start + k)]

    return path(index, 0, size)


def consistency_path(subtree: Subtree, old_size: int, new_size: int) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 6962 §2.1.2 between tree sizes ``old_size`` <= ``new_size``."""
    if not 0 <= old_size <= new_size:
        raise ValueError("tree sizes out of order")
    if old_size == 0 or old_size == new_size:
        return []

    def subproof(m: int, start: int, end: int, complete: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if complete else [subtree(start, end)]
        k = split_point(n)
        if m <= k:
            return [*subproof(m, start, start + k, complete), subtree(start + k, end)]
        return [*subproof(m - k, start + k, end, False), subtree(start, start + k)]

    return subproof(old_size, 0, new_size, True)


def verify_inclusion(
    leaf: bytes, index: int, size: int, path: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does ``path`` prove ``leaf`` at ``index`` under ``root``?"""
    if not 0 <= index < size or len(leaf) != HASH_SIZE or len(root) != HASH_SIZE:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if len(p) != HASH_SIZE or sn == 0:
            return False
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
    return sn == 0 and r == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, path: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: does ``path`` prove the old tree is a prefix of the new one?"""
    if not 0 <= old_size <= new_size:
        return False
    if any(len(p) != HASH_SIZE for p in path):
        return False
    if old_size == new_size:
        return not path and old_root == new_root
    if old_size == 0:
        return not path and old_root == EMPTY_ROOT
    if not path:
        return False
    path = list(path)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is the first node
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0


def sth_message(tree_size: int, timestamp_ms: int, root: bytes) -> bytes:
    """The signed bytes of a tree head, RFC 6962 §3.5's TreeHeadSignature: version v1 (0),
    signature type tree_hash (1), uint64 timestamp in ms, uint64 tree size, root hash."""
    return bytes([0, 1]) + timestamp_ms.to_bytes(8, "big") + tree_size.to_bytes(8, "big") + root
