"""«История входов»: filters, keyset pages, CSV export (AUTH-8)."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from gosportal.accounts.models import LoginEvent
from tests.accounts.activity_support import browser, sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def add_events(user, count, *, start=datetime(2025, 3, 1, 9, 0, tzinfo=UTC), **fields):
    defaults = {
        "method": "password",
        "result": "success",
        "ip": "203.0.113.5",
        "browser": "Firefox",
    }
    return LoginEvent.objects.bulk_create(
        LoginEvent(user=user, occurred_at=start + timedelta(minutes=n), **{**defaults, **fields})
        for n in range(count)
    )


@pytest.fixture
def signed_in():
    user = UserFactory()
    return sign_in(browser(), user), user


def test_the_page_shows_time_in_moscow_device_browser_ip_method_and_result(signed_in):
    client, user = signed_in
    LoginEvent.objects.create(
        user=user,
        occurred_at=datetime(2025, 3, 1, 9, 5, tzinfo=UTC),
        ip="198.51.100.9",
        device_type="phone",
        browser="Mobile Safari",
        os="iOS",
        method="password",
        result="wrong_password",
    )
    body = client.get("/accounts/history/").content.decode()
    assert "01.03.2025 12:05" in body  # UTC+3
    assert "телефон" in body and "Mobile Safari, iOS" in body and "198.51.100.9" in body
    assert "пароль" in body and "Неверный пароль" in body and "Успешный вход" in body


def test_anonymous_is_sent_to_sign_in():
    response = browser().get("/accounts/history/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_only_the_users_own_events_are_shown(signed_in):
    client, _user = signed_in
    add_events(UserFactory(), 3, ip="192.0.2.99")
    assert "192.0.2.99" not in client.get("/accounts/history/").content.decode()
    assert "192.0.2.99" not in client.get("/accounts/history.csv").content.decode("utf-8-sig")


def test_filter_by_period_and_result(signed_in):
    client, user = signed_in
    add_events(user, 1, start=datetime(2025, 1, 10, 12, tzinfo=UTC), ip="192.0.2.1")
    add_events(user, 1, start=datetime(2025, 2, 10, 12, tzinfo=UTC), ip="192.0.2.2")
    add_events(
        user, 1, start=datetime(2025, 2, 11, 12, tzinfo=UTC), ip="192.0.2.3", result="locked"
    )
    body = client.get(
        "/accounts/history/", {"date_from": "01.02.2025", "date_to": "2025-02-28"}
    ).content.decode()
    assert "192.0.2.1" not in body and "192.0.2.2" in body and "192.0.2.3" in body
    body = client.get("/accounts/history/", {"result": "failed"}).content.decode()
    assert "192.0.2.3" in body and "192.0.2.2" not in body
    body = client.get("/accounts/history/", {"result": "success", "date_to": "2025-01-31"})
    assert "192.0.2.1" in body.content.decode()


def test_the_period_edges_follow_the_moscow_day(signed_in):
    client, user = signed_in
    # 22:30 UTC on 31 January is 01:30 on 1 February in Moscow.
    add_events(user, 1, start=datetime(2025, 1, 31, 22, 30, tzinfo=UTC), ip="192.0.2.7")
    body = client.get("/accounts/history/", {"date_from": "2025-02-01", "date_to": "2025-02-01"})
    assert "192.0.2.7" in body.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "31.02.2025"}, "С даты: Укажите дату в формате ДД.ММ.ГГГГ"),
        ({"date_to": "вчера"}, "По дату: Укажите дату в формате ДД.ММ.ГГГГ"),
        ({"date_from": "2025-03-02", "date_to": "2025-03-01"}, "не может быть раньше"),
        ({"result": "hacked"}, "Результат: Выберите результат из списка."),
    ],
)
def test_bad_filters_are_russian_form_errors_not_500(signed_in, params, message):
    client, _user = signed_in
    response = client.get("/accounts/history/", params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert client.get("/accounts/history.csv", params).status_code == 400


def test_bad_page_cursors_show_the_first_page(signed_in):
    client, _user = signed_in
    for cursor in ("x", "99999999999999999999.1", "-5.-5", ""):
        assert client.get("/accounts/history/", {"after": cursor}).status_code == 200
        assert client.get("/accounts/history/", {"before": cursor}).status_code == 200


def test_keyset_pages_of_fifty_forward_and_back(signed_in):
    client, user = signed_in
    LoginEvent.objects.all().delete()
    add_events(user, 120)  # 09:00 … 10:59 UTC on 1 March
    first = client.get("/accounts/history/")
    assert first.context["rows"][0]["occurred_at"] == datetime(2025, 3, 1, 10, 59, tzinfo=UTC)
    assert len(first.context["rows"]) == 50 and not first.context["previous_url"]
    second = client.get("/accounts/history/" + first.context["next_url"])
    assert second.context["rows"][0]["occurred_at"] == datetime(2025, 3, 1, 10, 9, tzinfo=UTC)
    third = client.get("/accounts/history/" + second.context["next_url"])
    assert len(third.context["rows"]) == 20 and not third.context["next_url"]
    back = client.get("/accounts/history/" + third.context["previous_url"])
    assert back.context["rows"] == second.context["rows"]
    again = client.get("/accounts/history/" + back.context["previous_url"])
    assert again.context["rows"] == first.context["rows"] and not again.context["previous_url"]
    assert 'rel="next"' in first.content.decode()


def test_filters_are_kept_in_page_links(signed_in):
    client, user = signed_in
    add_events(user, 60, result="locked")
    page = client.get("/accounts/history/", {"result": "locked"})
    assert "result=locked" in page.context["next_url"]


def test_the_page_makes_the_same_number_of_queries_for_many_rows(
    signed_in, django_assert_max_num_queries
):
    client, user = signed_in
    add_events(user, 3)
    with django_assert_max_num_queries(6):
        client.get("/accounts/history/")
    add_events(user, 200, start=datetime(2024, 1, 1, tzinfo=UTC))
    with django_assert_max_num_queries(6):
        client.get("/accounts/history/")


def test_csv_has_a_bom_a_russian_header_and_the_filtered_rows(signed_in):
    client, user = signed_in
    add_events(user, 2, start=datetime(2025, 2, 10, 12, tzinfo=UTC))
    add_events(user, 1, start=datetime(2025, 2, 11, 12, tzinfo=UTC), result="wrong_password")
    add_events(user, 1, start=datetime(2025, 2, 12, 12, tzinfo=UTC), browser="=HYPERLINK(1)")
    response = client.get("/accounts/history.csv", {"date_from": "2025-02-01", "result": "failed"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Дата и время",
        "Устройство",
        "Браузер",
        "Система",
        "IP-адрес",
        "Способ входа",
        "Результат",
    ]
    assert rows[1:] == [
        ["11.02.2025 15:00:00", "", "Firefox", "", "203.0.113.5", "пароль", "Неверный пароль"]
    ]
    everything = client.get("/accounts/history.csv", {"date_from": "2025-02-12"})
    assert "'=HYPERLINK(1)" in everything.content.decode("utf-8-sig")
