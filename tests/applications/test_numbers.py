"""Registration numbers stay unique under parallel submissions (APP-3)."""

import threading

import pytest
from django.db import connection, connections

from gosportal.applications import services
from gosportal.applications.models import Application
from tests.factories import UserFactory

PARALLEL = 6


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite serialises writers: no parallel submissions"
)
def test_parallel_submissions_get_distinct_consecutive_numbers(service):
    drafts = [
        services.start_draft(user=UserFactory(level="standard"), service=service)
        for _ in range(PARALLEL)
    ]
    barrier = threading.Barrier(PARALLEL)
    errors = []

    def submit(draft):
        try:
            barrier.wait()
            services.submit(application=draft, answers={}, actor=draft.applicant)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Application.objects.values_list("number", flat=True))
    suffixes = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert suffixes == list(range(1, PARALLEL + 1))
