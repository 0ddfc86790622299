"""The audit log is append-only and hash-chained: tampering is found (SEC-4)."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from gosportal.core import audit, context
from gosportal.core.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def make_rows(n: int) -> list[AuditEvent]:
    return [
        audit.record("test.action", object_type="thing", object_id=str(i), details={"i": i})
        for i in range(n)
    ]


def test_each_row_links_to_the_previous_one():
    rows = make_rows(3)
    assert rows[0].prev_hash == audit.GENESIS
    assert rows[1].prev_hash == rows[0].hash
    assert rows[2].prev_hash == rows[1].hash
    assert audit.verify_chain().ok


def test_a_row_edited_in_the_database_is_caught_at_that_row():
    rows = make_rows(4)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET action = %s WHERE id = %s",
            ["test.forged", rows[2].pk],
        )
    report = audit.verify_chain()
    assert not report.ok
    assert report.broken_at == rows[2].pk
    assert report.checked == 2


def test_a_row_deleted_from_the_middle_is_caught():
    rows = make_rows(4)
    AuditEvent.objects.filter(pk=rows[1].pk).delete()
    report = audit.verify_chain()
    assert report.broken_at == rows[2].pk


def test_rows_deleted_from_the_end_are_caught_through_the_chain_head():
    rows = make_rows(3)
    AuditEvent.objects.filter(pk=rows[2].pk).delete()
    assert not audit.verify_chain().ok


def test_rehashing_a_forged_row_does_not_hide_it():
    rows = make_rows(3)
    forged = AuditEvent.objects.get(pk=rows[1].pk)
    forged.details = {"i": 99}
    forged.hash = audit.compute_hash(forged)
    forged.save()
    assert audit.verify_chain().broken_at == rows[2].pk


def test_verify_audit_command_reports_intact_and_broken_chains(capsys):
    rows = make_rows(2)
    call_command("verify_audit")
    assert "2 rows verified" in capsys.readouterr().out
    AuditEvent.objects.filter(pk=rows[0].pk).update(ip="10.0.0.1")
    with pytest.raises(CommandError, match=f"#{rows[0].pk}"):
        call_command("verify_audit")


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
    assert audit.verify_chain().ok


def test_a_rolled_back_change_leaves_no_audit_row_and_an_intact_chain():
    make_rows(1)
    with transaction.atomic():
        audit.record("test.rolled_back")
        transaction.set_rollback(True)
    make_rows(1)
    assert not AuditEvent.objects.filter(action="test.rolled_back").exists()
    assert audit.verify_chain().ok


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
