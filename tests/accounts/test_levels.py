"""REG-4: a service declares the level it needs; below it the person is told what to do."""

import pytest

from gosportal.accounts.levels import LevelTooLow, check_level, has_level
from gosportal.accounts.models import User
from tests.conftest import sign_in_as
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.level_urls")]


@pytest.mark.parametrize(
    "level, needed, allowed",
    [
        ("simplified", "simplified", True),
        ("simplified", "standard", False),
        ("standard", "standard", True),
        ("standard", "confirmed", False),
        ("confirmed", "standard", True),
    ],
)
def test_levels_are_ordered(level, needed, allowed):
    assert has_level(User(level=level), needed) is allowed


def test_services_refuse_a_lower_level_with_a_readable_message():
    with pytest.raises(LevelTooLow) as caught:
        check_level(User(level="simplified"), "confirmed")
    assert caught.value.status == 403
    assert "«Подтверждённая»" in str(caught.value) and "«Упрощённая»" in str(caught.value)


def test_a_simplified_account_is_told_to_fill_in_personal_data(client):
    sign_in_as(client, UserFactory(level="simplified"))
    response = client.get("/standard-only/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "уровня «Стандартная»" in html and "Сейчас у вас — «Упрощённая»" in html
    assert 'href="/profile/edit/"' in html


def test_a_standard_account_gets_the_service(client):
    sign_in_as(client, UserFactory(level="standard"))
    assert client.get("/standard-only/").content == b"standard service"


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/standard-only/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_lower_level_never_raises_and_is_audited():
    from gosportal.accounts.services import lower_level
    from gosportal.core.models import AuditEvent

    user = UserFactory(level="standard")
    assert lower_level(user, level="confirmed", reason="test") is False
    user.refresh_from_db()
    assert user.level == "standard"
    assert lower_level(user, level="simplified", reason="test") is True
    user.refresh_from_db()
    assert user.level == "simplified"
    row = AuditEvent.objects.get(action="accounts.level_lowered")
    assert row.details == {"from": "standard", "to": "simplified", "reason": "test"}
