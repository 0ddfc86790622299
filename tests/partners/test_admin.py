"""CAT-5: a real partner is registered in the administration; its client secret is made
by the portal and shown once (only a hash is kept); a new secret replaces the old one."""

import json

import pytest
from django.contrib.auth.hashers import check_password
from django.contrib.messages import get_messages
from django.urls import reverse

from gosportal.core import oidc
from gosportal.core.models import AuditEvent
from gosportal.partners.models import Partner

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:partners_partner_add")


def form_data(**overrides):
    data = {
        "name": "Портал записи к врачу",
        "organization": "ООО «Медицина»",
        "slug": "medicina",
        "auth_method": "client_secret_basic",
        "jwks": "{}",
        "redirect_uris": "https://medicina.example/oidc/callback\n",
        "initiate_login_uri": "https://medicina.example/oidc/login",
        "scopes": ["openid", "profile"],
        "is_active": "on",
        "services-TOTAL_FORMS": "0",
        "services-INITIAL_FORMS": "0",
        "services-MIN_NUM_FORMS": "0",
        "services-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def shown_messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_registering_a_partner_shows_its_secret_once(admin_client):
    response = admin_client.post(ADD_URL, form_data())
    assert response.status_code == 302, response.content.decode()[:3000]
    partner = Partner.objects.get(slug="medicina")
    assert partner.client_id.startswith("gp-")
    assert partner.scopes == "openid profile"
    assert partner.redirect_uri_list == ["https://medicina.example/oidc/callback"]
    change_url = reverse("admin:partners_partner_change", args=[partner.pk])
    assert response["Location"] == change_url  # straight to the page that shows it
    assert any("показан один раз" in m for m in shown_messages(response))
    page = admin_client.get(change_url)
    assert "no-store" in page["Cache-Control"]
    secret = _shown_secret(page)
    assert check_password(secret, partner.client_secret_hash)
    assert secret not in partner.client_secret_hash
    assert AuditEvent.objects.filter(action="partners.registered").count() == 1
    assert secret not in admin_client.get(change_url).content.decode()  # never again


def _shown_secret(page) -> str:
    html = page.content.decode()
    assert "Новый секрет клиента" in html
    return html.split('user-select: all;">', 1)[1].split("</code>", 1)[0]


def test_the_secret_never_travels_in_a_cookie(admin_client):
    response = admin_client.post(ADD_URL, form_data())
    secret = _shown_secret(admin_client.get(response["Location"]))
    assert all(secret not in morsel.value for morsel in response.cookies.values())
    assert all(secret not in str(m) for m in shown_messages(response))


def test_a_new_secret_replaces_the_old_one(admin_client):
    admin_client.post(ADD_URL, form_data())
    partner = Partner.objects.get(slug="medicina")
    old_hash = partner.client_secret_hash
    response = admin_client.post(
        reverse("admin:partners_partner_changelist"),
        {"action": "issue_secret", "_selected_action": [partner.pk]},
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.client_secret_hash != old_hash
    assert any("Секрет клиента" in m or "секрет клиента" in m for m in shown_messages(response))
    assert check_password(
        _shown_secret(admin_client.get(response["Location"])), partner.client_secret_hash
    )
    assert AuditEvent.objects.filter(action="partners.secret_issued").count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"scopes": ["profile"]}, "Область «openid» обязательна."),
        ({"redirect_uris": "http://medicina.example/cb"}, "должен начинаться с https://"),
        ({"redirect_uris": "https://medicina.example/cb#x"}, "без #фрагмента"),
        ({"redirect_uris": "  "}, "Обязательное поле"),
        ({"initiate_login_uri": "ftp://medicina.example/"}, "должен начинаться с https://"),
        ({"auth_method": "private_key_jwt"}, "укажите открытые ключи партнёра"),
        ({"auth_method": "private_key_jwt", "jwks": '{"keys": [{"kty": "nope"}]}'}, "JWKS"),
    ],
)
def test_a_bad_registration_is_explained(admin_client, overrides, message):
    response = admin_client.post(ADD_URL, form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Partner.objects.exists()


def test_a_private_key_cannot_be_registered(admin_client):
    new = oidc.new_signing_key()
    from joserfc.jwk import RSAKey

    private = RSAKey.import_key(new.private_pem).as_dict(private=True)
    response = admin_client.post(
        ADD_URL,
        form_data(auth_method="private_key_jwt", jwks=json.dumps({"keys": [private]})),
    )
    assert "только открытые ключи" in response.content.decode()


def test_a_private_key_jwt_partner_gets_no_secret(admin_client):
    new = oidc.new_signing_key()
    response = admin_client.post(
        ADD_URL,
        form_data(auth_method="private_key_jwt", jwks=json.dumps({"keys": [new.public_jwk]})),
    )
    assert response.status_code == 302
    partner = Partner.objects.get(slug="medicina")
    assert partner.client_secret_hash == ""
    assert not any("Секрет клиента" in m for m in shown_messages(response))
