"""Reads from the replica (core.db, OPS-3): with DATABASE_READ_REPLICA on, the officer
queue, «Мои заявления» and the catalogue read through the alias "replica" (here a test
mirror of the test database, so the data is the same); writes, a transaction's reads
and a browser's requests just after it wrote stay on the primary."""

import itertools

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gosportal.applications import selectors
from gosportal.applications.models import Application, Status
from gosportal.core.db import PIN_COOKIE, ReplicaRouter, primary_only, read_replica
from tests.conftest import sign_in_as
from tests.factories import OfficerFactory, ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])

QUEUE = "/desk/applications/"
TABLE = '"applications_application"'
_numbers = itertools.count(1)


@pytest.fixture
def replica_on(settings):
    settings.DATABASE_READ_REPLICA = True


@pytest.fixture
def officer():
    return OfficerFactory(role="officer")


def _submitted(agency, applicant=None, title="Пособие"):
    return Application.objects.create(
        number=f"R-{next(_numbers):06d}",
        applicant=applicant or UserFactory(),
        service=ServiceFactory(agency=agency, title=title),
        agency=agency,
        status=Status.SUBMITTED,
        submitted_at=timezone.now(),
    )


def _on(alias, action):
    with CaptureQueriesContext(connections[alias]) as captured:
        result = action()
    return result, [q["sql"] for q in captured.captured_queries]


def _reads(queries, table=TABLE):
    return [sql for sql in queries if sql.lstrip().upper().startswith("SELECT") and table in sql]


def _only_selects(queries):
    return all(sql.lstrip().upper().startswith("SELECT") for sql in queries)


def test_the_officer_queue_reads_from_the_replica(replica_on, client, officer):
    application = _submitted(officer.agency)
    sign_in_as(client, officer.user)
    (response, on_primary), on_replica = _on(
        "replica", lambda: _on("default", lambda: client.get(QUEUE))
    )
    assert response.status_code == 200 and application.number in response.content.decode()
    assert _reads(on_replica) and _only_selects(on_replica)
    # The queue's rows were not read from the primary as well.
    assert not [sql for sql in _reads(on_primary) if "ORDER BY" in sql and "due_date" in sql]


def test_my_applications_list_reads_from_the_replica(replica_on, client, officer):
    citizen = UserFactory()
    application = _submitted(officer.agency, applicant=citizen)
    sign_in_as(client, citizen)
    response, on_replica = _on("replica", lambda: client.get("/applications/"))
    assert response.status_code == 200 and application.number in response.content.decode()
    assert _reads(on_replica) and _only_selects(on_replica)


def test_the_catalogue_reads_from_the_replica(replica_on, client, officer):
    ServiceFactory(agency=officer.agency, title="Субсидия на жильё", is_published=True)
    response, on_replica = _on("replica", lambda: client.get("/services/search/"))
    assert response.status_code == 200 and "Субсидия на жильё" in response.content.decode()
    assert _reads(on_replica, '"catalog_service"') and _only_selects(on_replica)


def test_a_status_change_writes_to_the_primary_and_pins_the_browser_to_it(
    replica_on, client, officer
):
    application = _submitted(officer.agency)
    sign_in_as(client, officer.user)
    response, on_replica = _on("replica", lambda: client.post(f"{QUEUE}{application.number}/take/"))
    assert response.status_code == 302 and on_replica == []
    application.refresh_from_db()
    assert application.status == Status.IN_PROGRESS
    assert response.cookies[PIN_COOKIE]["max-age"] == 5
    # The next page (the cookie rides along) reads its own write from the primary …
    queue, on_replica = _on("replica", lambda: client.get(QUEUE))
    assert queue.status_code == 200 and on_replica == []
    # … and once the pin has expired the queue goes back to the replica.
    del client.cookies[PIN_COOKIE]
    queue, on_replica = _on("replica", lambda: client.get(QUEUE))
    assert _reads(on_replica) and _only_selects(on_replica)


def test_writes_inside_read_replica_go_to_the_primary(replica_on, officer):
    def write():
        with read_replica():
            return _submitted(officer.agency)

    application, on_replica = _on("replica", write)
    assert on_replica == []
    assert Application.objects.filter(pk=application.pk).exists()


def test_reads_inside_a_transaction_stay_on_the_primary(replica_on, officer):
    _submitted(officer.agency)

    def in_transaction():
        with transaction.atomic():
            return selectors.queue_page(selectors.agency_queue(officer.agency))

    page, on_replica = _on("replica", in_transaction)
    assert len(page.rows) == 1 and on_replica == []
    page, on_replica = _on(
        "replica", lambda: selectors.queue_page(selectors.agency_queue(officer.agency))
    )
    assert len(page.rows) == 1 and _reads(on_replica)


def test_primary_only_overrides_read_replica(replica_on, officer):
    _submitted(officer.agency)

    def forced():
        with primary_only():
            return selectors.queue_page(selectors.agency_queue(officer.agency))

    page, on_replica = _on("replica", forced)
    assert len(page.rows) == 1 and on_replica == []


def test_without_a_replica_every_read_stays_on_the_primary(client, officer):
    application = _submitted(officer.agency)
    sign_in_as(client, officer.user)
    response, on_replica = _on("replica", lambda: client.get(QUEUE))
    assert application.number in response.content.decode() and on_replica == []
    assert PIN_COOKIE not in client.post(f"{QUEUE}{application.number}/take/").cookies


def test_the_replica_is_never_migrated():
    router = ReplicaRouter()
    assert router.allow_migrate("replica", "applications") is False
    assert router.allow_migrate("default", "applications") is None
    assert router.db_for_write(Application) == "default"
