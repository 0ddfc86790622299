"""API /api/v1: OpenAPI document, and domain errors answered as 4xx JSON."""

import pytest

pytestmark = pytest.mark.django_db


def test_openapi_document_is_published(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/calendar/deadline" in response.json()["paths"]


def test_deadline_counts_working_days_across_the_new_year_holidays(client):
    response = client.get("/api/v1/calendar/deadline", {"start": "2025-12-29", "working_days": 3})
    assert response.status_code == 200
    assert response.json() == {"start": "2025-12-29", "working_days": 3, "deadline": "2026-01-13"}


def test_domain_error_becomes_400_with_the_field_and_a_russian_message(client):
    response = client.get(
        "/api/v1/calendar/deadline", {"start": "2026-01-01", "working_days": 5000}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "working_days"
    assert body["code"] == "InvalidInput"
    assert "рабочих дней" in body["detail"]


@pytest.mark.parametrize(
    "params",
    [{"start": "31.12.2026", "working_days": 1}, {"start": "2026-01-01", "working_days": "x"}, {}],
)
def test_malformed_parameters_answer_400_not_500(client, params):
    response = client.get("/api/v1/calendar/deadline", params)
    assert response.status_code == 400
    assert response.json()["detail"] == "Проверьте параметры запроса."


@pytest.mark.parametrize(
    ("start", "days"), [("9999-12-31", 366), ("9999-12-31", 1), ("9999-12-25", 0)]
)
def test_a_deadline_past_the_last_date_answers_400_naming_the_start(client, start, days):
    response = client.get("/api/v1/calendar/deadline", {"start": start, "working_days": days})
    if days == 0:  # 9999-12-25 is a Saturday; the next working day still exists
        assert response.status_code == 200
        assert response.json()["deadline"] == "9999-12-27"
        return
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "InvalidInput"
    assert body["field"] == "start"
    assert "пределы календаря" in body["detail"]
