"""The agency's queue is paged by keyset (OFF-2): pages follow the queue's order (nearest
deadline first, undated last) without overlap or gaps, carry the filters, cost the same
queries deep in the queue as at its start, and a damaged cursor shows the first page."""

import datetime
import itertools
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gosportal.applications.models import Application, Status
from gosportal.backoffice import application_views
from tests.conftest import sign_in_as
from tests.factories import AgencyFactory, OfficerFactory, ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 2, 7, 0, tzinfo=datetime.UTC)
QUEUE = "/desk/applications/"
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    monkeypatch.setattr(application_views, "PAGE_SIZE", 4)


@pytest.fixture
def officer():
    return OfficerFactory(role="officer")


def _add(agency, dues, *, status=Status.SUBMITTED, assigned=None):
    """Applications of ``agency`` due on ``dues`` (days from today, or None), in this order."""
    service = ServiceFactory(agency=agency)
    applicant = UserFactory()
    today = NOW.date()
    return Application.objects.bulk_create(
        [
            Application(
                number=f"Q-{next(_numbers):06d}",
                applicant=applicant,
                service=service,
                agency=agency,
                status=status,
                submitted_at=NOW,
                due_date=None if due is None else today + datetime.timedelta(days=due),
                assigned_officer_id=assigned,
            )
            for due in dues
        ]
    )


def _queue_order(rows):
    return sorted(rows, key=lambda a: (a.due_date is None, a.due_date or NOW.date(), a.pk))


def _shown(response):
    return [row["application"].pk for row in response.context["rows"]]


def _walk(client, url, link="next_url"):
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        pages.append(_shown(response))
        url = response.context[link]
    return pages


def test_pages_cover_the_queue_once_in_its_order_forwards_and_back(client, officer):
    # ties on a due date and rows without one: the id decides, undated come last
    rows = _add(officer.agency, [3, 1, 1, 1, None, 7, 1, 0, None, 3, 12])
    sign_in_as(client, officer.user)
    pages = _walk(client, QUEUE)
    assert [len(page) for page in pages] == [4, 4, 3]
    assert [pk for page in pages for pk in page] == [a.pk for a in _queue_order(rows)]

    last = client.get(QUEUE)
    while last.context["next_url"]:
        last = client.get(last.context["next_url"])
    backwards = _walk(client, last.context["previous_url"], link="previous_url")
    assert backwards == pages[:-1][::-1]


def test_the_first_and_previous_links_lead_back_to_the_start(client, officer):
    _add(officer.agency, range(10))
    sign_in_as(client, officer.user)
    first = client.get(QUEUE)
    assert not first.context["previous_url"] and not first.context["first_url"]
    second = client.get(first.context["next_url"])
    text = second.content.decode()
    assert "В начало" in text and "Назад" in text and "Дальше" in text
    back = client.get(second.context["previous_url"])
    assert _shown(back) == _shown(first)
    assert not back.context["previous_url"]  # the page above page 2 is the first page
    assert _shown(client.get(second.context["first_url"])) == _shown(first)


def test_filters_ride_along_every_page(client, officer):
    agency = officer.agency
    in_work = _add(agency, range(9), status=Status.IN_PROGRESS, assigned=officer.user.pk)
    _add(agency, range(9), status=Status.SUBMITTED)
    sign_in_as(client, officer.user)
    pages = _walk(client, f"{QUEUE}?status=in_progress&assigned=me")
    assert sorted(pk for page in pages for pk in page) == sorted(a.pk for a in in_work)
    second = client.get(f"{QUEUE}?status=in_progress&assigned=me").context["next_url"]
    assert "status=in_progress" in second and "assigned=me" in second


def test_another_agencys_rows_never_appear_on_any_page(client, officer):
    ours = _add(officer.agency, [1, 2, 3, 4, 5, None])
    theirs = _add(AgencyFactory(), [1, 2, 3, 4, 5, None])
    sign_in_as(client, officer.user)
    shown = [pk for page in _walk(client, QUEUE) for pk in page]
    assert shown == [a.pk for a in _queue_order(ours)]
    # a cursor pointing at another agency's row only positions the reading in ours
    their_row = theirs[1]
    page = client.get(f"{QUEUE}?after={their_row.due_date.isoformat()}.{their_row.pk}")
    assert set(_shown(page)) <= {a.pk for a in ours}
    assert not set(_shown(page)) & {a.pk for a in theirs}


@pytest.mark.parametrize(
    "query",
    [
        "after=garbage",
        "after=2026-13-40.5",
        "after=2026-03-09.",
        "after=-.abc",
        "after=2026-03-09.1%27%20OR%201%3D1",
        "after=2026-03-09.%C2%B2",  # a superscript digit
        "after=2026-03-09.99999999999999999999",
        "before=%00%FF",
        "after=" + "9" * 500,
    ],
)
def test_a_damaged_cursor_shows_the_first_page_with_a_notice(client, officer, query):
    _add(officer.agency, range(6))
    sign_in_as(client, officer.user)
    first = client.get(QUEUE)
    response = client.get(f"{QUEUE}?{query}")
    assert response.status_code == 200
    assert _shown(response) == _shown(first)
    assert "показано начало списка" in response.content.decode()
    assert "показано начало списка" not in first.content.decode()


def test_a_cursor_past_the_end_shows_the_first_page(client, officer):
    rows = _add(officer.agency, range(6))
    sign_in_as(client, officer.user)
    second = client.get(client.get(QUEUE).context["next_url"])
    Application.objects.filter(pk__in=[a.pk for a in rows[4:]]).delete()
    response = client.get(second.request["PATH_INFO"] + "?" + second.request["QUERY_STRING"])
    assert _shown(response) == [a.pk for a in rows[:4]]


def test_a_page_deep_in_the_queue_costs_what_the_first_does(client, officer):
    _add(officer.agency, [1])
    sign_in_as(client, officer.user)
    client.get(QUEUE)  # warm the calendar
    with CaptureQueriesContext(connection) as queries:
        client.get(QUEUE)
    one_row = len(queries)
    _add(officer.agency, [day % 5 for day in range(40)])
    with CaptureQueriesContext(connection) as queries:
        first = client.get(QUEUE)
    many_rows = len(queries)
    url = first.context["next_url"]
    for _ in range(5):
        url = client.get(url).context["next_url"]
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    deep, sql = len(queries), [q["sql"] for q in queries.captured_queries]
    assert many_rows == one_row
    assert deep <= one_row + 1  # the dated rows, then (if short) the undated ones
    assert not any(re.search(r"\bOFFSET\b", text) for text in sql)


def test_the_service_filter_lists_the_agencys_services_with_applications(client, officer):
    (ours,) = _add(officer.agency, [1])
    idle = ServiceFactory(agency=officer.agency, title="Услуга без заявлений")
    (theirs,) = _add(AgencyFactory(), [1])
    sign_in_as(client, officer.user)
    choices = dict(client.get(QUEUE).context["form"].fields["service"].choices)
    assert str(ours.service_id) in choices
    assert str(idle.pk) not in choices and str(theirs.service_id) not in choices


def test_a_page_reads_the_calendar_once_and_the_staff_names_in_one_query(
    client, officer, monkeypatch
):
    """The per-row deadlines come from one read of the shared calendar version."""
    from django.core.cache import caches

    from gosportal.core.calendar import VERSION_KEY

    colleague = OfficerFactory(agency=officer.agency, role="officer")
    _add(officer.agency, [1, 2, 3], assigned=colleague.user.pk)
    _add(officer.agency, [4], assigned=officer.user.pk)
    sign_in_as(client, officer.user)
    client.get(QUEUE)  # the shared calendar version exists from here on
    backend = caches["default"]
    real_get, versions = backend.get, []

    def get(key, *args, **kwargs):
        if key == VERSION_KEY:
            versions.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(backend, "get", get)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE)
    names = [q for q in queries.captured_queries if 'FROM "accounts_user" WHERE' in q["sql"]]
    assert [row["days_left"] for row in response.context["rows"]] == [1, 2, 3, 4]
    assert {row["assignee"] for row in response.context["rows"]} == {
        str(colleague.user),
        str(officer.user),
    }
    assert len(versions) == 1
    assert len(names) == 2  # the signed-in officer, then the assignees' names
