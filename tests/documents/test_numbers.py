"""Document numbers stay unique when several processes issue at once (OFF-3)."""

import pytest

from gosportal.documents.models import DocumentNumberSequence
from gosportal.documents.services import next_number
from tests.core.test_concurrency import run_in_threads

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_parallel_issuers_get_distinct_consecutive_numbers():
    numbers: list[str] = []

    def take(index):
        for _ in range(5):
            numbers.append(next_number(2026))

    assert run_in_threads(take, 4) == []
    assert sorted(numbers) == [f"DOC-2026-{n:06d}" for n in range(1, 21)]
    assert DocumentNumberSequence.objects.get(year=2026).last == 20
