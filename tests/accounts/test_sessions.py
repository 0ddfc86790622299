"""«Активные сеансы» and the session watch: ended, idle and too old sessions (AUTH-7)."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gosportal.accounts.models import UserSession
from gosportal.core.models import AuditEvent
from tests.accounts.activity_support import SAFARI_IPHONE, browser, session_middleware, sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(session_middleware.__name__)]
__all__ = ["session_middleware"]


def is_signed_in(client) -> bool:
    return "Выйти" in client.get("/").content.decode()


def test_the_page_lists_sessions_with_device_and_marks_this_one():
    user = UserFactory()
    this = sign_in(browser(ip="203.0.113.5"), user)
    sign_in(browser(ip="198.51.100.9", user_agent=SAFARI_IPHONE), user)
    body = this.get("/accounts/sessions/").content.decode()
    assert "Активные сеансы" in body and "Этот сеанс" in body
    assert "198.51.100.9" in body and "Mobile Safari" in body and "телефон" in body
    assert "компьютер" in body and "Firefox" in body


def test_anonymous_is_sent_to_sign_in():
    response = browser().get("/accounts/sessions/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_ending_another_session_signs_that_browser_out_and_is_audited():
    user = UserFactory()
    this = sign_in(browser(), user)
    other = sign_in(browser(), user)
    row = UserSession.objects.get(session_key=other.cookies["sessionid"].value)
    response = this.post(f"/accounts/sessions/{row.pk}/end/")
    assert response.status_code == 302 and response["Location"] == "/accounts/sessions/"
    assert is_signed_in(this) and not is_signed_in(other)
    assert AuditEvent.objects.filter(
        action="accounts.session_ended", object_id=str(row.pk)
    ).exists()


def test_another_users_session_cannot_be_ended():
    user, stranger = UserFactory(), UserFactory()
    client = sign_in(browser(), user)
    theirs = sign_in(browser(), stranger)
    row = UserSession.objects.get(user=stranger)
    assert client.post(f"/accounts/sessions/{row.pk}/end/").status_code == 404
    assert is_signed_in(theirs)


def test_bad_session_ids_and_get_requests_are_refused():
    client = sign_in(browser(), UserFactory())
    assert client.post("/accounts/sessions/abc/end/").status_code == 404
    assert client.post("/accounts/sessions/999999/end/").status_code == 404
    assert client.get("/accounts/sessions/1/end/").status_code == 405
    assert client.get("/accounts/sessions/end-others/").status_code == 405


def test_ending_all_other_sessions_keeps_this_one():
    user = UserFactory()
    this, second, third = (sign_in(browser(), user) for _ in range(3))
    response = this.post("/accounts/sessions/end-others/", follow=True)
    assert "Другие сеансы завершены: 2." in response.content.decode()
    assert is_signed_in(this) and not is_signed_in(second) and not is_signed_in(third)
    assert AuditEvent.objects.get(action="accounts.sessions_ended").details["ended"] == 2


def test_ending_this_session_signs_out():
    user = UserFactory()
    client = sign_in(browser(), user)
    row = UserSession.objects.get(user=user)
    response = client.post(f"/accounts/sessions/{row.pk}/end/")
    assert response["Location"] == "/accounts/login/"
    assert not is_signed_in(client)


def test_a_session_without_a_record_is_signed_out_at_the_next_activity_write():
    user = UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = sign_in(browser(), user)
        UserSession.objects.filter(user=user).delete()
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        response = client.get("/accounts/sessions/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        assert not is_signed_in(client)


def test_a_session_opened_without_its_times_reads_its_record_once(client):
    from gosportal.accounts.sessions import ACTIVITY_SESSION_KEY
    from tests.conftest import sign_in_as

    user = UserFactory()
    sign_in_as(client, user)
    session = client.session
    del session[ACTIVITY_SESSION_KEY]  # a session opened before the times were kept in it
    session.save()
    with CaptureQueriesContext(connection) as first:
        client.get("/")
    with CaptureQueriesContext(connection) as second:
        client.get("/")
    reads = [q for q in first.captured_queries if "accounts_usersession" in q["sql"]]
    assert len(reads) == 1
    assert not any("accounts_usersession" in q["sql"] for q in second.captured_queries)


def test_a_session_opened_without_its_times_nor_a_record_is_signed_out(client):
    from gosportal.accounts.sessions import ACTIVITY_SESSION_KEY
    from tests.conftest import sign_in_as

    user = UserFactory()
    sign_in_as(client, user)
    session = client.session
    del session[ACTIVITY_SESSION_KEY]
    session.save()
    UserSession.objects.filter(user=user).delete()
    response = client.get("/accounts/sessions/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_watch_decides_from_the_session_without_a_query():
    user = UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = sign_in(browser(), user)
    with (
        time_machine.travel(start + timedelta(seconds=30), tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        assert is_signed_in(client)
    assert not any("accounts_usersession" in q["sql"] for q in queries.captured_queries)


def test_an_idle_session_ends_after_thirty_minutes_with_a_russian_message():
    user = UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = sign_in(browser(), user)
    with time_machine.travel(start + timedelta(minutes=29, seconds=59), tick=False):
        assert is_signed_in(client)
    with time_machine.travel(start + timedelta(minutes=59, seconds=58), tick=False):
        assert is_signed_in(client)  # the last request counted as activity
    with time_machine.travel(start + timedelta(minutes=90), tick=False):
        response = client.get("/accounts/history/", follow=True)
        assert "Сеанс завершён из-за бездействия" in response.content.decode()
        assert response.redirect_chain[-1][0] == "/accounts/login/?next=%2Faccounts%2Fhistory%2F"
    assert UserSession.objects.get(user=user).end_reason == "idle"


def test_a_session_ends_twelve_hours_after_sign_in_however_active():
    user = UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = sign_in(browser(), user)
    for minutes in range(20, 12 * 60, 20):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert is_signed_in(client), minutes
    with time_machine.travel(start + timedelta(hours=12, minutes=1), tick=False):
        response = client.get("/", follow=True)
        assert "Сеанс завершён" in response.content.decode()
        assert not is_signed_in(client)
    assert UserSession.objects.get(user=user).end_reason == "absolute"


def test_activity_is_written_at_most_once_a_minute(django_assert_num_queries):
    user = UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = sign_in(browser(), user)
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        client.get("/")
    assert UserSession.objects.get(user=user).last_activity == start
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        client.get("/")
    assert UserSession.objects.get(user=user).last_activity == start + timedelta(seconds=61)
