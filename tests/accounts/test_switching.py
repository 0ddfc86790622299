"""Several accounts in one browser (REG-6): add, switch, sign out of one only."""

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from gosportal.accounts.models import UserSession
from gosportal.accounts.sessions import end_sessions
from gosportal.accounts.switching import COOKIE_NAME, COOKIE_SALT
from gosportal.core.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def log_in(client, user):
    response = client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return client


def session_key(client) -> str:
    return client.cookies["sessionid"].value


def shown_name(client) -> str:
    page = client.get("/").content.decode()
    start = page.index('account-menu__name">') + len('account-menu__name">')
    return page[start : page.index("<", start)]


@pytest.fixture
def anna():
    return UserFactory(display_name="Анна Иванова")


@pytest.fixture
def boris():
    return UserFactory(display_name="Борис Петров")


@pytest.fixture
def two_accounts(client, anna, boris):
    """One browser: Anna signed in, then Boris added."""
    log_in(client, anna)
    anna_key = session_key(client)
    response = client.post("/accounts/switch/add/")
    assert response["Location"] == "/accounts/login/?next=%2F"
    log_in(client, boris)
    return client, anna_key


def switch(client, user):
    return client.post("/accounts/switch/to/", {"account": str(user.public_id)})


def test_adding_an_account_keeps_the_first_one_signed_in(two_accounts, anna, boris):
    client, anna_key = two_accounts
    assert shown_name(client) == "Борис Петров"
    assert UserSession.objects.filter(user=anna, session_key=anna_key).exists()
    assert session_key(client) != anna_key


def test_the_add_button_opens_a_fresh_sign_in(client, anna):
    log_in(client, anna)
    client.post("/accounts/switch/add/")
    page = client.get("/accounts/login/").content.decode()
    assert "Вход в личный кабинет" in page and "Выйти" not in page


def test_switching_shows_the_other_accounts_name(two_accounts, anna, boris):
    client, _ = two_accounts
    response = switch(client, anna)
    assert response.status_code == 302
    assert shown_name(client) == "Анна Иванова"
    switch(client, boris)
    assert shown_name(client) == "Борис Петров"


def test_the_switch_page_lists_the_other_account_without_its_key(two_accounts, anna):
    client, anna_key = two_accounts
    page = client.get("/accounts/switch/").content.decode()
    assert "Анна Иванова" in page and str(anna.public_id) in page
    assert anna_key not in page
    assert client.cookies[COOKIE_NAME].value not in page


def test_an_account_without_a_name_is_shown_by_its_masked_login(client, boris):
    nameless = UserFactory(phone="+79161234567")
    log_in(client, nameless)
    client.post("/accounts/switch/add/")
    log_in(client, boris)
    page = client.get("/accounts/switch/").content.decode()
    assert "+7 *** ***-**-67" in page and "+79161234567" not in page


def test_the_accounts_cookie_is_signed_httponly_and_lax(two_accounts):
    client, anna_key = two_accounts
    cookie = client.cookies[COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    request = RequestFactory().get("/", HTTP_COOKIE=f"{COOKIE_NAME}={cookie.value}")
    assert request.get_signed_cookie(COOKIE_NAME, salt=COOKIE_SALT) == anna_key


def test_switching_is_audited(two_accounts, anna, boris):
    client, _ = two_accounts
    switch(client, anna)
    row = AuditEvent.objects.get(action="accounts.switched")
    assert row.actor_id == anna.pk and row.details == {"from_user_id": boris.pk}


def test_a_forged_accounts_cookie_is_ignored(client, anna, boris):
    other_browser = log_in(Client(HTTP_HOST="127.0.0.1"), anna)
    log_in(client, boris)
    client.cookies[COOKIE_NAME] = session_key(other_browser)  # not signed
    assert switch(client, anna).status_code == 404
    assert shown_name(client) == "Борис Петров"


def test_a_cookie_signed_for_another_purpose_is_ignored(client, anna, boris):
    other_browser = log_in(Client(HTTP_HOST="127.0.0.1"), anna)
    log_in(client, boris)
    forged = HttpResponse()
    forged.set_signed_cookie(COOKIE_NAME, session_key(other_browser), salt="another.purpose")
    client.cookies[COOKIE_NAME] = forged.cookies[COOKIE_NAME].value
    assert switch(client, anna).status_code == 404


def test_another_browsers_account_cannot_be_reached_by_its_public_id(two_accounts, boris):
    client, _ = two_accounts
    elsewhere = UserFactory(display_name="Чужой")
    log_in(Client(HTTP_HOST="127.0.0.1"), elsewhere)
    assert switch(client, elsewhere).status_code == 404
    assert shown_name(client) == "Борис Петров"


def test_an_ended_parked_session_is_404_and_dropped(two_accounts, anna):
    client, _ = two_accounts
    end_sessions(anna, reason="test")
    assert switch(client, anna).status_code == 404
    assert client.cookies[COOKIE_NAME].value == ""
    assert "Анна Иванова" not in client.get("/accounts/switch/").content.decode()


def test_a_malformed_account_id_is_a_400(two_accounts):
    client, _ = two_accounts
    response = client.post("/accounts/switch/to/", {"account": "not-a-uuid"})
    assert response.status_code == 400
    assert "Учётная запись указана неверно." in response.content.decode()


def test_switching_needs_post(two_accounts):
    client, _ = two_accounts
    assert client.get("/accounts/switch/to/").status_code == 405


def test_sign_out_leaves_only_the_current_account_and_opens_the_next(two_accounts, anna, boris):
    client, anna_key = two_accounts
    boris_key = session_key(client)
    response = client.post("/accounts/switch/logout/")
    assert response["Location"] == "/"
    assert shown_name(client) == "Анна Иванова"
    assert session_key(client) == anna_key
    assert switch(client, boris).status_code == 404  # Boris really signed out
    assert boris_key != anna_key


def test_sign_out_of_the_last_account_signs_out(client, anna):
    log_in(client, anna)
    client.post("/accounts/switch/logout/")
    assert "Выйти" not in client.get("/").content.decode()


def forced_session(user) -> str:
    """A signed-in session of ``user`` in a browser of its own (no password hashing)."""
    browser = Client(HTTP_HOST="127.0.0.1")
    browser.force_login(user)
    UserSession.objects.create(user=user, session_key=session_key(browser))
    return session_key(browser)


def test_a_sixth_parked_account_is_refused(client):
    parked = [forced_session(UserFactory()) for _ in range(5)]
    cookie = HttpResponse()
    cookie.set_signed_cookie(COOKIE_NAME, ",".join(parked), salt=COOKIE_SALT)
    client.cookies[COOKIE_NAME] = cookie.cookies[COOKIE_NAME].value
    assert len(client.get("/accounts/switch/").context["accounts"]) == 5
    seventh = UserFactory(display_name="Седьмой")
    client.force_login(seventh)
    UserSession.objects.create(user=seventh, session_key=session_key(client))
    response = client.post("/accounts/switch/add/", follow=True)
    assert "наибольшее число учётных записей" in response.content.decode()
    assert shown_name(client) == "Седьмой"


def test_the_account_menu_links_to_switching(client, anna):
    log_in(client, anna)
    assert 'href="/accounts/switch/"' in client.get("/").content.decode()
