"""Optional IP allow-list of an account (AUTH-10)."""

import pytest

from gosportal.accounts.models import LoginEvent
from gosportal.core.models import AuditEvent
from tests.accounts.activity_support import browser, notices, post_login, sign_in
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
PAGE = "/accounts/security/ip/"


@pytest.fixture
def user_at_home():
    user = UserFactory()
    return user, sign_in(browser(ip="203.0.113.5"), user)


def test_sign_in_from_outside_the_list_is_refused_recorded_and_notified():
    user = UserFactory(ip_allowlist="203.0.113.0/24\n2001:db8::/32")
    client = browser(ip="198.51.100.9")
    response = post_login(client, user.email, DEFAULT_PASSWORD)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Вход с этого адреса запрещён настройками безопасности учётной записи." in body
    assert "_auth_user_id" not in client.session
    assert LoginEvent.objects.get(user=user).result == "ip_refused"
    assert any("198.51.100.9" in t and "отклонена" in t for t in notices())
    assert AuditEvent.objects.get(action="accounts.login_failed").details["reason"] == "ip_refused"


@pytest.mark.parametrize("ip", ["203.0.113.200", "2001:db8:5::1"])
def test_sign_in_from_inside_the_list_works(ip):
    user = UserFactory(ip_allowlist="203.0.113.0/24\n2001:db8::/32")
    assert post_login(browser(ip=ip), user.email, DEFAULT_PASSWORD).status_code == 302


def test_a_wrong_password_from_outside_says_only_wrong_password():
    user = UserFactory(ip_allowlist="203.0.113.0/24")
    response = post_login(browser(ip="198.51.100.9"), user.email, "Wrong-1")
    assert "Неверный логин или пароль." in response.content.decode()


def test_the_page_needs_a_recent_password():
    user = UserFactory()
    client = sign_in(browser(), user)
    session = client.session
    session["reauth_at"] = 0
    session.save()
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/confirm/")


def test_anonymous_is_sent_to_sign_in():
    response = browser().get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_saving_a_list_with_the_current_address_works_and_is_audited(user_at_home):
    user, client = user_at_home
    response = client.post(PAGE, {"networks": " 203.0.113.0/24 \n\n192.0.2.7\n2001:DB8::/48"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.ip_allowlist == "203.0.113.0/24\n192.0.2.7\n2001:db8::/48"
    assert AuditEvent.objects.get(action="accounts.ip_allowlist_changed").details == {"entries": 3}
    assert any("разрешён только с адресов" in t for t in notices())
    assert "203.0.113.0/24" in client.get(PAGE).content.decode()


def test_a_bad_line_is_named_and_the_text_kept(user_at_home):
    user, client = user_at_home
    response = client.post(PAGE, {"networks": "203.0.113.5\n10.0.0.300"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Строка 2: «10.0.0.300» — это не IP-адрес и не подсеть." in body
    assert "10.0.0.300" in body.split("<textarea", 1)[1]
    user.refresh_from_db()
    assert user.ip_allowlist == ""


def test_more_than_twenty_entries_are_refused(user_at_home):
    _user, client = user_at_home
    lines = "\n".join(f"203.0.113.{n}" for n in range(1, 22))
    response = client.post(PAGE, {"networks": lines})
    assert "Не больше 20 адресов и подсетей." in response.content.decode()


def test_a_list_without_the_current_address_needs_the_confirmation(user_at_home):
    user, client = user_at_home
    response = client.post(PAGE, {"networks": "192.0.2.0/24"})
    assert "Текущий адрес 203.0.113.5 не входит в список" in response.content.decode()
    user.refresh_from_db()
    assert user.ip_allowlist == ""
    client.post(PAGE, {"networks": "192.0.2.0/24", "confirm_lockout": "on"})
    user.refresh_from_db()
    assert user.ip_allowlist == "192.0.2.0/24"


def test_emptying_the_list_allows_every_address(user_at_home):
    user, client = user_at_home
    user.ip_allowlist = "203.0.113.0/24"
    user.save(update_fields=["ip_allowlist"])
    client.post(PAGE, {"networks": ""})
    user.refresh_from_db()
    assert user.ip_allowlist == ""
    assert post_login(browser(ip="198.51.100.1"), user.email, DEFAULT_PASSWORD).status_code == 302
