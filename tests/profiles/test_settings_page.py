"""«Настройки профиля» (PROF-6): language, time zone, date format, low-vision mode;
applied at once, the language kept after sign-out (UX-1)."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings

from gosportal.core.models import AuditEvent
from tests.conftest import sign_in_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/profile/settings/"
VALID = {
    "language": "ru",
    "time_zone": "Europe/Moscow",
    "date_format": "d.m.Y",
}


@pytest.fixture
def user():
    return UserFactory()


@pytest.fixture
def signed_in(client, user):
    return sign_in_as(client, user)


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_anonymous_cannot_save(client):
    response = client.post(URL, {**VALID, "language": "en"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_page_shows_current_settings(signed_in, user):
    response = signed_in.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Настройки профиля</h1>" in html
    assert '<option value="Europe/Moscow" selected>Москва (UTC+3)</option>' in html
    assert "Владивосток (UTC+10)" in html
    assert "31 декабря 2026" in html


def test_each_field_is_saved_and_audited(signed_in, user):
    response = signed_in.post(
        URL,
        {
            "language": "ru",
            "time_zone": "Asia/Vladivostok",
            "date_format": "Y-m-d",
            "large_text": "on",
            "high_contrast": "on",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.time_zone, user.date_format, user.large_text, user.high_contrast) == (
        "Asia/Vladivostok",
        "Y-m-d",
        True,
        True,
    )
    event = AuditEvent.objects.get(action="profile.preferences_updated")
    assert event.actor_id == user.pk
    assert set(event.details) == {"time_zone", "date_format", "large_text", "high_contrast"}


def test_nothing_changed_writes_no_audit(signed_in):
    signed_in.post(URL, VALID)
    assert not AuditEvent.objects.filter(action="profile.preferences_updated").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("time_zone", "America/New_York", "Выберите часовой пояс из списка."),
        ("time_zone", "", "Выберите часовой пояс."),
        ("language", "de", "Выберите язык из списка."),
        ("date_format", "m/d/Y", "Выберите формат даты из списка."),
    ],
)
def test_bad_values_are_refused_in_russian(signed_in, user, field, value, message):
    response = signed_in.post(URL, {**VALID, field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Проверьте данные формы" in response.content.decode()
    user.refresh_from_db()
    assert getattr(user, field) == UserFactory._meta.model._meta.get_field(field).default


def test_english_applies_at_once_and_stays_after_sign_out(signed_in, user):
    response = signed_in.post(URL, {**VALID, "language": "en"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "My details" in html
    assert "Sign out" in html
    assert signed_in.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    user.refresh_from_db()
    assert user.language == "en"

    signed_in.post("/accounts/logout/")
    response = signed_in.get("/")
    assert "Sign out" not in response.content.decode()  # signed out indeed
    assert '<html lang="en"' in response.content.decode()


def test_saved_language_wins_over_the_cookie_when_signed_in(client, user):
    user.language = "en"
    user.save(update_fields=["language"])
    sign_in_as(client, user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    assert '<html lang="en"' in client.get(URL).content.decode()


def test_header_switch_saves_the_language_to_the_account(signed_in, user):
    signed_in.post("/i18n/setlang/", {"language": "en", "next": URL})
    user.refresh_from_db()
    assert user.language == "en"
    assert '<html lang="en"' in signed_in.get(URL).content.decode()


def test_time_zone_shifts_the_time_shown(signed_in):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC), tick=False):
        moscow = signed_in.get(URL).content.decode()
        signed_in.post(URL, {**VALID, "time_zone": "Asia/Vladivostok"})
        vladivostok = signed_in.get(URL).content.decode()
    assert "02.03.2026 12:30" in moscow
    assert "02.03.2026 19:30" in vladivostok


def test_date_format_changes_the_preview(signed_in):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC), tick=False):
        signed_in.post(URL, {**VALID, "date_format": "j E Y"})
        long_form = signed_in.get(URL).content.decode()
        signed_in.post(URL, {**VALID, "date_format": "Y-m-d"})
        iso = signed_in.get(URL).content.decode()
    assert "2 марта 2026 12:30" in long_form
    assert "2026-03-02 12:30" in iso


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, '<html lang="ru">'),
        ({"large_text": "on"}, '<html lang="ru" class="a11y-large">'),
        ({"high_contrast": "on"}, '<html lang="ru" class="a11y-contrast">'),
        (
            {"large_text": "on", "high_contrast": "on"},
            '<html lang="ru" class="a11y-large a11y-contrast">',
        ),
    ],
)
def test_low_vision_classes_on_html(signed_in, data, expected):
    signed_in.post(URL, {**VALID, **data})
    assert expected in signed_in.get("/").content.decode()


def test_low_vision_of_one_user_does_not_leak_to_another(client, user):
    user.large_text = True
    user.save(update_fields=["large_text"])
    other = UserFactory()
    sign_in_as(client, other)
    assert '<html lang="ru">' in client.get(URL).content.decode()


def test_account_menu_links_to_settings(signed_in):
    assert f'href="{URL}"' in signed_in.get("/").content.decode()


# --- the preferences kept in the session ----------------------------------------------------


def test_sign_in_keeps_the_preferences_in_the_session(client):
    from gosportal.profiles.middleware import PREFERENCES_SESSION_KEY

    user = UserFactory(language="en", time_zone="Asia/Omsk", date_format="Y-m-d")
    sign_in_as(client, user)
    assert client.session[PREFERENCES_SESSION_KEY] == {
        "language": "en",
        "time_zone": "Asia/Omsk",
        "date_format": "Y-m-d",
    }


def test_pages_take_the_preferences_from_the_session_not_the_account(signed_in, user):
    """Saving them here updates this session; pages never read them from the account."""
    signed_in.post(URL, {**VALID, "language": "en", "date_format": "Y-m-d"})
    type(user).objects.filter(pk=user.pk).update(language="ru", date_format="d.m.Y")
    assert '<html lang="en"' in signed_in.get(URL).content.decode()


def test_a_session_opened_before_preferences_were_kept_reads_them_once(client, user):
    from gosportal.profiles.middleware import PREFERENCES_SESSION_KEY

    type(user).objects.filter(pk=user.pk).update(language="en")
    sign_in_as(client, user)
    session = client.session
    del session[PREFERENCES_SESSION_KEY]
    session.save()
    assert '<html lang="en"' in client.get(URL).content.decode()
    assert client.session[PREFERENCES_SESSION_KEY]["language"] == "en"
