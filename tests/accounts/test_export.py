"""«Скачать мои данные» (PROF-7, REC-4): a ZIP of what accounts holds about the person."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from gosportal.accounts.models import Authenticator, LoginEvent, UserSession
from gosportal.core import audit
from gosportal.core.models import AuditEvent
from tests.conftest import sign_in_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FILES = {
    "account.json",
    "login_history.json",
    "sessions.json",
    "security.json",
    "audit.json",
    "README.txt",
}


def sign_in(client, user):
    sign_in_as(client, user)
    UserSession.objects.filter(user=user).update(browser="Firefox", os="Linux", ip="192.0.2.7")
    return client


@pytest.fixture
def user():
    user = UserFactory(phone="+79161234567", email="me@example.ru", display_name="Мария")
    LoginEvent.objects.create(
        user=user, ip="192.0.2.7", method="password", result=LoginEvent.Result.SUCCESS
    )
    Authenticator.objects.create(
        user=user, kind=Authenticator.Kind.TOTP, name="Телефон", data='{"secret": "TOPSECRET"}'
    )
    return user


def download(client) -> zipfile.ZipFile:
    response = client.post("/accounts/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_page_offers_the_archive(client, user):
    page = sign_in(client, user).get("/accounts/export/").content.decode()
    assert "<h1>Выгрузка моих данных</h1>" in page and "Скачать архив" in page


def test_the_archive_is_named_by_date_and_holds_every_file(client, user):
    sign_in(client, user)
    response = client.post("/accounts/export/")
    today = timezone.now().strftime("%Y-%m-%d")
    disposition = f'attachment; filename="gosportal-export-{today}.zip"'
    assert response["Content-Disposition"] == disposition
    assert set(zipfile.ZipFile(io.BytesIO(response.content)).namelist()) >= FILES


def test_account_file_has_the_login_contacts_level_and_kind(client, user):
    archive = download(sign_in(client, user))
    account = json.loads(archive.read("account.json"))
    assert account["phone"] == "+79161234567" and account["email"] == "me@example.ru"
    assert account["level"] == "simplified" and account["kind"] == "individual"
    assert account["id"] == str(user.public_id)


def test_history_sessions_and_methods_are_exported_without_secrets(client, user):
    archive = download(sign_in(client, user))
    assert json.loads(archive.read("login_history.json"))[0]["ip"] == "192.0.2.7"
    sessions = json.loads(archive.read("sessions.json"))
    assert sessions[0]["browser"] == "Firefox"
    security = json.loads(archive.read("security.json"))
    assert security == [
        {
            "kind": "totp",
            "kind_name": "Приложение-аутентификатор",
            "name": "Телефон",
            "is_default": False,
            "created_at": security[0]["created_at"],
            "last_used_at": None,
        }
    ]
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
    assert "TOPSECRET" not in everything
    assert client.cookies["sessionid"].value not in everything
    assert "argon2" not in everything  # no password hash


def test_audit_file_holds_only_the_users_own_rows(client, user):
    other = UserFactory()
    AuditEvent.objects.all().delete()
    audit.record("test.mine", actor=user)
    audit.record("test.theirs", actor=other)
    archive = download(sign_in(client, user))
    actions = [row["action"] for row in json.loads(archive.read("audit.json"))]
    assert "test.mine" in actions and "test.theirs" not in actions


def test_readme_is_in_russian(client, user):
    readme = download(sign_in(client, user)).read("README.txt").decode()
    assert "Выгрузка данных учётной записи Госпортала" in readme
    assert "account.json" in readme and "Секреты" in readme


def test_the_export_is_audited(client, user):
    download(sign_in(client, user))
    assert AuditEvent.objects.filter(action="accounts.exported", actor_id=user.pk).exists()


def test_other_users_data_is_not_in_the_archive(client, user):
    other = UserFactory(phone="+79169999999", email="other@example.ru")
    LoginEvent.objects.create(user=other, ip="198.51.100.1", method="password", result="success")
    archive = download(sign_in(client, user))
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
    assert "other@example.ru" not in everything and "198.51.100.1" not in everything


def test_a_wrong_method_is_refused(client, user):
    assert sign_in(client, user).put("/accounts/export/").status_code == 405


def test_anonymous_is_sent_to_sign_in(client):
    response = client.post("/accounts/export/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_export_needs_a_recent_password(client, user):
    sign_in(client, user)
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        response = client.post("/accounts/export/")
    assert response["Location"].startswith("/accounts/confirm/")
