"""MOB-1: the portal installs as an app: manifest with Russian name and icons, a service
worker served from the root with its scope, an offline page without personal data."""

import json

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

from tests.conftest import sign_in_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_manifest_names_the_app_in_russian_with_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["short_name"] == "Госпортал"
    assert manifest["lang"] == "ru" and manifest["display"] == "standalone"
    assert manifest["start_url"] == "/"
    sizes = set()
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        with Image.open(path) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]
            sizes.add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes


def test_service_worker_is_served_from_the_root_with_its_scope(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    script = response.content.decode()
    assert 'var OFFLINE_URL = "/offline/"' in script
    assert 'addEventListener("push"' in script and "notificationclick" in script


def test_pages_link_the_manifest_and_csp_allows_the_worker(client):
    response = client.get("/offline/")
    page = response.content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    policy = response["Content-Security-Policy"]
    assert "worker-src 'self'" in policy and "manifest-src 'self'" in policy


def test_offline_page_carries_no_personal_data_even_when_signed_in(client):
    user = UserFactory()
    sign_in_as(client, user)
    assert str(user) in client.get("/notifications/").content.decode()
    page = client.get("/offline/").content.decode()
    assert "<h1>Нет подключения к интернету</h1>" in page
    assert str(user) not in page
    assert "Войти" in page
