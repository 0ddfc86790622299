"""«Настройки безопасности» is where a person finds every account-protection page."""

import pytest

from tests.conftest import sign_in_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_security_page_links_every_account_protection_page(client):
    sign_in_as(client, UserFactory())
    html = client.get("/accounts/security/").content.decode()
    for url in [
        "/accounts/password/change/",
        "/accounts/contacts/",
        "/accounts/sessions/",
        "/accounts/history/",
        "/accounts/security/ip/",
        "/accounts/export/",
        "/accounts/delete/",
    ]:
        assert f'href="{url}"' in html, url


def test_security_page_needs_sign_in(client):
    response = client.get("/accounts/security/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
