"""RFC 6962 Merkle hashing and proofs against the Certificate Transparency test vectors
(google/certificate-transparency merkle_tree_test.cc, transparency-dev/merkle), and
against each other for every tree shape up to 40 leaves."""

import hashlib

import pytest

from gosportal.core import merkle

LEAF_DATA = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
LEAVES = [merkle.leaf_hash(d) for d in LEAF_DATA]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
INCLUSION = [
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]
CONSISTENCY = [
    (
        2,
        8,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]


def test_roots_match_the_certificate_transparency_vectors():
    for size, expected in enumerate(ROOTS):
        assert merkle.root_of(LEAVES[:size]).hex() == expected
        builder = merkle.RootBuilder()
        for leaf in LEAVES[:size]:
            builder.append(leaf)
        assert builder.root().hex() == expected


def test_prefixes_are_the_rfc_ones():
    assert merkle.leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
    assert (
        merkle.node_hash(b"a" * 32, b"b" * 32)
        == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()
    )


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_inclusion_paths_match_the_vectors(index, size, path):
    got = merkle.inclusion_path(merkle.list_subtree(LEAVES), index, size)
    assert [p.hex() for p in got] == path
    root = bytes.fromhex(ROOTS[size])
    assert merkle.verify_inclusion(LEAVES[index], index, size, got, root)


@pytest.mark.parametrize(("old", "new", "path"), CONSISTENCY)
def test_consistency_proofs_match_the_vectors(old, new, path):
    got = merkle.consistency_path(merkle.list_subtree(LEAVES), old, new)
    assert [p.hex() for p in got] == path
    assert merkle.verify_consistency(
        old, new, bytes.fromhex(ROOTS[old]), bytes.fromhex(ROOTS[new]), got
    )


MANY = [merkle.leaf_hash(i.to_bytes(2, "big")) for i in range(40)]
MANY_ROOTS = [merkle.root_of(MANY[:n]) for n in range(len(MANY) + 1)]


def test_every_inclusion_proof_verifies_and_a_wrong_one_does_not():
    subtree = merkle.list_subtree(MANY)
    for size in range(1, len(MANY) + 1):
        root = MANY_ROOTS[size]
        for index in range(size):
            path = merkle.inclusion_path(subtree, index, size)
            assert merkle.verify_inclusion(MANY[index], index, size, path, root)
            assert not merkle.verify_inclusion(MANY[index], index, size, path, MANY_ROOTS[0])
            if size > 1:
                other = (index + 1) % size
                assert not merkle.verify_inclusion(MANY[other], index, size, path, root)
                assert not merkle.verify_inclusion(MANY[index], other, size, path, root)
                assert not merkle.verify_inclusion(MANY[index], index, size, path[:-1], root)
                assert not merkle.verify_inclusion(
                    MANY[index], index, size, [*path, b"\x00" * 32], root
                )


def test_every_consistency_proof_verifies_and_a_wrong_one_does_not():
    subtree = merkle.list_subtree(MANY)
    for new in range(len(MANY) + 1):
        for old in range(new + 1):
            path = merkle.consistency_path(subtree, old, new)
            assert merkle.verify_consistency(old, new, MANY_ROOTS[old], MANY_ROOTS[new], path)
            if 0 < old < new:
                forged = merkle.leaf_hash(b"forged")
                assert not merkle.verify_consistency(old, new, forged, MANY_ROOTS[new], path)
                assert not merkle.verify_consistency(old, new, MANY_ROOTS[old], forged, path)
                assert not merkle.verify_consistency(
                    old, new, MANY_ROOTS[old], MANY_ROOTS[new], path[:-1]
                )
