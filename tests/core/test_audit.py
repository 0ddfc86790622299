"""The audit log: plain appends, sealed into a signed RFC 6962 Merkle tree whose proofs
hold and whose verification finds any changed or deleted row (SEC-4)."""

import base64
import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from gosportal.core import audit, context, merkle
from gosportal.core.errors import NotFound
from gosportal.core.models import (
    AuditEvent,
    AuditSigningKey,
    AuditTreeHead,
    AuditTreeNode,
)
from tests.conftest import sign_in_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "verify_audit_proof.py"


def make_rows(n: int, **kwargs) -> list[AuditEvent]:
    return [
        audit.record(
            "test.action", object_type="thing", object_id=str(i), details={"i": i}, **kwargs
        )
        for i in range(n)
    ]


def leaves() -> list[bytes]:
    return [
        merkle.leaf_hash(audit.leaf_data(row)) for row in AuditEvent.objects.order_by("leaf_index")
    ]


def test_an_append_is_one_insert_and_takes_no_lock(django_assert_num_queries):
    with django_assert_num_queries(1) as captured:
        row = audit.record("test.action", details={"when": "now"})
    assert captured.captured_queries[0]["sql"].startswith("INSERT")
    assert row.leaf_index is None


def test_sealing_gives_rows_consecutive_leaves_in_id_order_and_signs_the_root():
    rows = make_rows(5)
    assert audit.seal() == 5
    indexes = list(AuditEvent.objects.order_by("id").values_list("leaf_index", flat=True))
    assert indexes == [0, 1, 2, 3, 4]
    head = audit.latest_head()
    assert head.tree_size == 5
    assert bytes(head.root_hash) == merkle.root_of(leaves())
    assert audit.signature_valid(head)
    # Nodes of every perfect subtree: 5 leaves, 2 pairs, 1 quadruple.
    assert AuditTreeNode.objects.count() == 8
    assert audit.seal() == 0  # nothing new, no new head
    assert AuditTreeHead.objects.count() == 1
    assert rows[0].leaf_index is None  # the caller's object is not touched


def test_a_row_committed_after_a_later_id_was_sealed_joins_the_next_seal():
    # Id order is not commit order: the sealer takes whatever has no leaf yet.
    early, late = make_rows(2)
    AuditEvent.objects.filter(pk=early.pk).delete()
    audit.seal()
    straggler = AuditEvent.objects.create(
        pk=early.pk, action="test.late", occurred_at=late.occurred_at, details={}
    )
    assert audit.seal() == 1
    straggler.refresh_from_db()
    assert straggler.leaf_index == 1
    assert audit.verify().ok


def test_rows_of_the_old_hash_chain_become_leaves_on_the_first_seal():
    old = AuditEvent.objects.create(action="test.old", prev_hash="0" * 64, hash="a" * 64)
    make_rows(1)
    assert audit.seal() == 2
    old.refresh_from_db()
    assert (old.leaf_index, old.hash) == (0, "a" * 64)
    assert audit.verify().ok


def test_stored_proofs_equal_the_reference_ones_and_read_one_query(django_assert_num_queries):
    for n in (3, 8, 13):
        make_rows(n)
        audit.seal(batch_size=4)  # several heads, batches across subtree borders
    all_leaves = leaves()
    size = len(all_leaves)
    reference = merkle.list_subtree(all_leaves)
    root = bytes(audit.latest_head().root_hash)
    for index in range(size):
        with django_assert_num_queries(1):
            path = audit.inclusion_proof(index, size)
        assert path == merkle.inclusion_path(reference, index, size)
        assert merkle.verify_inclusion(all_leaves[index], index, size, path, root)
    heads = list(AuditTreeHead.objects.order_by("tree_size"))
    assert [h.tree_size for h in heads] == [3, 7, 11, 15, 19, 23, 24]
    for old, new in itertools.pairwise(heads):
        with django_assert_num_queries(1):
            proof = audit.consistency_proof(old.tree_size, new.tree_size)
        assert proof == merkle.consistency_path(reference, old.tree_size, new.tree_size)
        assert merkle.verify_consistency(
            old.tree_size, new.tree_size, bytes(old.root_hash), bytes(new.root_hash), proof
        )


def test_verify_passes_on_an_intact_log(capsys):
    make_rows(3)
    audit.seal()
    make_rows(2)
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "3 rows in the tree, 1 signed tree heads verified; 2 rows wait" in out


def test_a_row_edited_in_the_database_is_caught(capsys):
    rows = make_rows(4)
    audit.seal()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET action = %s WHERE id = %s",
            ["test.forged", rows[2].pk],
        )
    report = audit.verify()
    assert f"row #{rows[2].pk} (leaf 2) does not match its leaf" in report.problems
    with pytest.raises(CommandError, match=f"row #{rows[2].pk}"):
        call_command("verify_audit")


def test_a_forged_row_with_a_rehashed_leaf_breaks_the_signed_root():
    rows = make_rows(4)
    audit.seal()
    forged = AuditEvent.objects.get(pk=rows[1].pk)
    forged.details = {"i": 99}
    forged.save()
    AuditTreeNode.objects.filter(level=0, index=1).update(
        hash=merkle.leaf_hash(audit.leaf_data(forged))
    )
    report = audit.verify()
    assert "tree head of size 4 does not match the rows" in report.problems


def test_a_row_deleted_from_the_middle_is_caught():
    rows = make_rows(4)
    audit.seal()
    AuditEvent.objects.filter(pk=rows[1].pk).delete()
    assert audit.verify().problems == ["leaves 1–1 have no row (deleted)"]


def test_rows_deleted_from_the_end_are_caught():
    rows = make_rows(3)
    audit.seal()
    AuditEvent.objects.filter(pk=rows[2].pk).delete()
    assert "3 leaves were sealed but 2 rows are in the tree" in audit.verify().problems


def test_a_forged_tree_head_is_caught():
    make_rows(2)
    audit.seal()
    make_rows(2)
    audit.seal()
    head = AuditTreeHead.objects.get(tree_size=2)
    AuditTreeHead.objects.filter(pk=head.pk).update(root_hash=merkle.leaf_hash(b"forged"))
    problems = audit.verify().problems
    assert "tree head of size 2: bad signature" in problems
    assert "tree heads 2→4 are not consistent" in problems


def test_the_generated_signing_key_is_stored_encrypted():
    make_rows(1)
    audit.seal()
    key = AuditSigningKey.objects.get()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT private_key FROM {AuditSigningKey._meta.db_table} WHERE id = %s", [key.pk]
        )
        assert cursor.fetchone()[0].startswith("gcm1:")
    private = Ed25519PrivateKey.from_private_bytes(base64.b64decode(key.private_key))
    assert audit.key_id_of(audit._raw_public(private.public_key())) == key.key_id


def test_a_configured_signing_key_signs_the_heads(settings):
    private = Ed25519PrivateKey.generate()
    settings.AUDIT_SIGNING_KEY = base64.b64encode(private.private_bytes_raw()).decode()
    make_rows(1)
    audit.seal()
    head = audit.latest_head()
    assert bytes(head.key.public_key) == audit._raw_public(private.public_key())
    assert head.key.private_key is None
    assert audit.signature_valid(head)


def test_record_takes_actor_and_addresses_from_the_request_context():
    user = UserFactory()
    token = context.set_context(
        context.RequestContext(
            request_id="req-12345678", ip="192.0.2.7", user_agent="Firefox", actor_id=user.pk
        )
    )
    try:
        row = audit.record("test.action", obj=user, details={"field": "phone"})
    finally:
        context.reset_context(token)
    row.refresh_from_db()
    assert (row.actor_id, row.ip, row.user_agent, row.request_id) == (
        user.pk,
        "192.0.2.7",
        "Firefox",
        "req-12345678",
    )
    assert (row.object_type, row.object_id) == ("accounts.user", str(user.pk))


def test_a_rolled_back_change_leaves_no_audit_row_and_an_intact_tree():
    make_rows(1)
    with transaction.atomic():
        audit.record("test.rolled_back")
        transaction.set_rollback(True)
    make_rows(1)
    audit.seal()
    assert not AuditEvent.objects.filter(action="test.rolled_back").exists()
    assert audit.verify().ok


def test_requests_are_audited_with_their_request_id(client):
    user = UserFactory()
    response = client.post(
        "/accounts/login/",
        {"login": user.email, "password": "Correct-Horse-9"},
        HTTP_X_REQUEST_ID="abcdef0123456789",
        REMOTE_ADDR="198.51.100.4",
    )
    assert response.status_code == 302
    row = AuditEvent.objects.get(action="accounts.login_succeeded")
    assert (row.actor_id, row.request_id, row.ip) == (user.pk, "abcdef0123456789", "198.51.100.4")


# --- proof bundles and the offline script ------------------------------------------


def run_script(tmp_path, bundle: dict) -> subprocess.CompletedProcess:
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(path)], capture_output=True, text=True, timeout=60
    )


def test_a_users_proof_bundle_verifies_offline_and_a_tampered_one_does_not(tmp_path):
    user = UserFactory()
    make_rows(5)
    mine = audit.record("accounts.password_changed", actor=user, details={"how": "форма", "n": 1.5})
    make_rows(6)
    audit.seal()
    bundle = audit.proof_bundle(user, mine.pk)
    assert bundle["leaf_index"] == 5 and bundle["sth"]["tree_size"] == 12

    result = run_script(tmp_path, bundle)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"VERIFIED: entry #{mine.pk}" in result.stdout

    forged = json.loads(json.dumps(bundle))
    forged["entry"]["action"] = "accounts.nothing_happened"
    result = run_script(tmp_path, forged)
    assert result.returncode == 1
    assert "is not in the signed tree" in result.stdout

    resigned = json.loads(json.dumps(bundle))
    resigned["sth"]["tree_size"] = 13
    result = run_script(tmp_path, resigned)
    assert result.returncode == 1
    assert "signature is not valid" in result.stdout


def test_a_bundle_is_only_for_the_entrys_own_user_and_only_once_sealed():
    owner, other = UserFactory(), UserFactory()
    entry = audit.record("test.action", actor=owner)
    with pytest.raises(audit.NotSealedYet):
        audit.proof_bundle(owner, entry.pk)
    audit.seal()
    with pytest.raises(NotFound):
        audit.proof_bundle(other, entry.pk)
    assert audit.proof_bundle(owner, entry.pk)["entry"]["id"] == entry.pk


def test_the_proof_download_answers_the_owner_and_404_to_anyone_else(client):
    owner, other = UserFactory(), UserFactory()
    entry = audit.record("test.action", actor=owner)
    audit.seal()
    url = f"/audit/proof/{entry.pk}/"
    assert client.get(url).status_code == 302  # to the sign-in page
    sign_in_as(client, other)
    assert client.get(url).status_code == 404
    sign_in_as(client, owner)
    response = client.get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["entry"]["id"] == entry.pk


def test_the_latest_tree_head_is_public(client):
    assert client.get("/audit/sth/").status_code == 404
    make_rows(3)
    audit.seal()
    body = client.get("/audit/sth/").json()
    head = audit.latest_head()
    assert body["tree_size"] == 3
    assert body["root_hash"] == bytes(head.root_hash).hex()
    assert base64.b64decode(body["public_key"]) == bytes(head.key.public_key)
