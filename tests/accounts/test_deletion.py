"""Account deletion (REC-4): needs a second factor and a code; erases personal data,
keeps a pseudonymous row for the audit trail, and cannot be undone."""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from gosportal.accounts import services
from gosportal.accounts.deletion import delete_account
from gosportal.accounts.models import Authenticator, LoginEvent, LoginThrottle, User, UserSession
from gosportal.core import events
from gosportal.core.models import AuditEvent
from gosportal.integrations.models import SandboxMessage
from tests.conftest import sign_in_as
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PHONE = "+79161230001"
CODE = re.compile(r"\b(\d{6})\b")


def sign_in(client, user):
    return sign_in_as(client, user)


def last_sms_code(phone: str) -> str:
    body = SandboxMessage.objects.filter(recipient=phone).order_by("-id").first().body
    return CODE.search(body).group(1)


@pytest.fixture
def user():
    user = UserFactory(phone=PHONE, email="leaving@example.ru", display_name="Пётр")
    Authenticator.objects.create(
        user=user, kind=Authenticator.Kind.TOTP, data='{"secret": "S"}', is_default=True
    )
    LoginEvent.objects.create(user=user, method="password", result="success")
    return user


@pytest.fixture
def signed_in(client, user):
    return sign_in(client, user)


def delete_through_the_page(client, phone=PHONE):
    client.post("/accounts/delete/", {"action": "send"})
    return client.post(
        "/accounts/delete/",
        {"action": "confirm", "code": last_sms_code(phone), "confirm": "on"},
    )


def test_without_a_second_factor_the_page_asks_to_enable_it(client):
    plain = UserFactory()
    page = sign_in(client, plain).get("/accounts/delete/").content.decode()
    assert "Удалить учётную запись можно только при включённой двухфакторной" in page
    assert 'href="/accounts/security/"' in page and "Настройки безопасности" in page
    assert client.post("/accounts/delete/", {"action": "send"}).status_code == 200
    assert not SandboxMessage.objects.exists()  # no code is sent either


def test_the_page_offers_the_export_first(signed_in):
    page = signed_in.get("/accounts/delete/").content.decode()
    assert 'href="/accounts/export/"' in page and "Скачать мои данные" in page
    assert "Получить код" in page


def test_deletion_erases_personal_data_and_keeps_a_pseudonymous_row(signed_in, user):
    response = delete_through_the_page(signed_in)
    assert response["Location"] == "/accounts/deleted/"
    row = User.objects.get(pk=user.pk)
    assert (row.phone, row.email, row.phone_index, row.email_index) == (None, None, None, None)
    assert row.display_name == "" and not row.is_active and row.deleted_at is not None
    assert not row.has_usable_password() and row.public_id == user.public_id
    assert not Authenticator.objects.filter(user=row).exists()
    assert not LoginEvent.objects.filter(user=row).exists()
    assert not UserSession.objects.filter(user=row).exists()


def test_the_person_is_signed_out_and_told(signed_in, user):
    response = signed_in.get(delete_through_the_page(signed_in)["Location"])
    page = response.content.decode()
    assert "Учётная запись удалена" in page and "Выйти" not in page
    assert signed_in.get("/accounts/contacts/").status_code == 302


def test_other_sessions_end_too(signed_in, user):
    other = sign_in(Client(HTTP_HOST="127.0.0.1"), user)
    delete_through_the_page(signed_in)
    assert other.get("/accounts/contacts/").status_code == 302


def test_the_former_contacts_get_a_notice_through_the_outbox(signed_in, user):
    signed_in.post("/accounts/delete/", {"action": "send"})
    signed_in.post(
        "/accounts/delete/",
        {"action": "confirm", "code": last_sms_code(PHONE), "confirm": "on"},
    )
    events.drain()  # NOT-5: written with the deletion, delivered by the drain
    assert SandboxMessage.objects.filter(recipient=PHONE, body__contains="удалена").exists()
    assert any("удалена" in m.body for m in mail.outbox if m.to == ["leaving@example.ru"])


def test_the_deletion_is_audited_with_the_id_only(signed_in, user):
    delete_through_the_page(signed_in)
    row = AuditEvent.objects.get(action="accounts.deleted")
    assert row.actor_id == user.pk and row.details == {}
    assert PHONE not in json.dumps(list(AuditEvent.objects.values("details")))


def test_the_phone_and_email_can_register_again(user):
    delete_account(user)
    again = services.create_user(phone=PHONE, email="leaving@example.ru", password=DEFAULT_PASSWORD)
    assert again.pk != user.pk


def test_the_deleted_account_cannot_sign_in(client, user):
    delete_account(user)
    response = client.post(
        "/accounts/login/", {"login": "leaving@example.ru", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200 and "Выйти" not in response.content.decode()


def test_login_counters_of_the_account_are_removed(user):
    LoginThrottle.objects.create(key=f"mfa:{user.pk}", failures=3)
    LoginThrottle.objects.create(key=f"mfa:{user.pk}1", failures=3)  # another user's
    delete_account(user)
    assert list(LoginThrottle.objects.values_list("key", flat=True)) == [f"mfa:{user.pk}1"]


def test_without_the_checkbox_nothing_is_deleted(signed_in, user):
    signed_in.post("/accounts/delete/", {"action": "send"})
    response = signed_in.post(
        "/accounts/delete/", {"action": "confirm", "code": last_sms_code(PHONE)}
    )
    page = response.content.decode()
    assert "Я понимаю, что удаление нельзя отменить" in page
    assert "Отметьте «Я понимаю, что удаление нельзя отменить»." in page
    assert User.objects.get(pk=user.pk).is_active


def test_a_wrong_code_deletes_nothing(signed_in, user):
    signed_in.post("/accounts/delete/", {"action": "send"})
    response = signed_in.post(
        "/accounts/delete/", {"action": "confirm", "code": "000000", "confirm": "on"}
    )
    page = response.content.decode()
    assert "Код из сообщения: Неверный код." in page and 'value="000000"' not in page
    assert User.objects.get(pk=user.pk).phone == PHONE


def test_an_unknown_action_is_a_400_not_a_500(signed_in):
    response = signed_in.post("/accounts/delete/", {"action": "nonsense"})
    assert response.status_code == 400 and "Неизвестное действие" in response.content.decode()


def test_another_users_code_does_not_delete_this_account(signed_in, user):
    other = UserFactory(phone="+79161230002")
    Authenticator.objects.create(user=other, kind=Authenticator.Kind.TOTP, data="{}")
    other_client = sign_in(Client(HTTP_HOST="127.0.0.1"), other)
    other_client.post("/accounts/delete/", {"action": "send"})
    signed_in.post("/accounts/delete/", {"action": "send"})
    theirs = last_sms_code("+79161230002")
    if theirs == last_sms_code(PHONE):
        pytest.skip("both codes happen to be equal (one in a million)")
    signed_in.post("/accounts/delete/", {"action": "confirm", "code": theirs, "confirm": "on"})
    assert User.objects.get(pk=user.pk).is_active
    assert User.objects.get(pk=other.pk).is_active


def test_the_deleted_page_without_a_deletion_leads_home(client):
    assert client.get("/accounts/deleted/")["Location"] == "/"


def test_anonymous_is_sent_to_sign_in(client):
    response = client.post("/accounts/delete/", {"action": "send"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_deletion_needs_a_recent_password(signed_in, user):
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        response = signed_in.post("/accounts/delete/", {"action": "send"})
    assert response["Location"].startswith("/accounts/confirm/")
