"""SEC-2: the comments of status changes (officers' requests, applicants' answers) are
stored encrypted; the migration that encrypted them keeps every row's text both ways."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from gosportal.applications import services
from gosportal.applications.models import Status, StatusChange

BEFORE = ("applications", "0004_queue_free_index")
AFTER = ("applications", "0005_encrypt_status_comments")
TEXT = "Паспорт 45 11 234567 выдан ОВД Тулы"


def _raw_comment(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT comment FROM applications_statuschange WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _cancelled_with_comment(submitted, citizen) -> StatusChange:
    services.cancel(application=submitted, actor=citizen, reason=TEXT)
    return StatusChange.objects.get(application=submitted, to_status=Status.CANCELLED)


@pytest.mark.django_db
def test_a_comment_is_stored_encrypted(submitted, citizen):
    change = _cancelled_with_comment(submitted, citizen)
    assert TEXT in StatusChange.objects.get(pk=change.pk).comment
    assert "234567" not in _raw_comment(change.pk)


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_text_backwards_and_forwards(submitted, citizen):
    change = _cancelled_with_comment(submitted, citizen)
    shown = StatusChange.objects.get(pk=change.pk).comment
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        assert _raw_comment(change.pk) == shown  # decrypted back into a plain column
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate([AFTER])
    assert "234567" not in _raw_comment(change.pk)
    assert StatusChange.objects.get(pk=change.pk).comment == shown
