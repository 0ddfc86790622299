"""Changing the phone or e-mail (REC-3): a code to the new contact, then to the old one
(or a second factor when the old one is lost); both are told; other sessions end."""

import json
import re
import time
from datetime import timedelta

import pyotp
import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from gosportal.accounts import mfa
from gosportal.accounts.models import Authenticator, User, phone_index
from gosportal.core import events
from gosportal.core.models import AuditEvent
from gosportal.integrations.models import SandboxMessage
from tests.conftest import sign_in_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OLD_PHONE, NEW_PHONE = "+79161110001", "+79161110002"
CODE = re.compile(r"\b(\d{6})\b")


def sign_in(client, user):
    return sign_in_as(client, user)


def last_code(destination: str) -> str:
    if "@" in destination:
        bodies = [m.body for m in mail.outbox if destination in m.to]
    else:
        bodies = list(
            SandboxMessage.objects.filter(recipient=destination)
            .order_by("created_at", "id")
            .values_list("body", flat=True)
        )
    codes = [m.group(1) for body in bodies if (m := CODE.search(body))]
    assert codes, f"no code was sent to {destination}"
    return codes[-1]


def sms_bodies(phone: str) -> list[str]:
    return list(SandboxMessage.objects.filter(recipient=phone).values_list("body", flat=True))


@pytest.fixture
def user():
    return UserFactory(phone=OLD_PHONE, email="owner@example.ru", display_name="Анна")


@pytest.fixture
def signed_in(client, user):
    return sign_in(client, user)


def start_phone_change(client, phone=NEW_PHONE):
    return client.post("/accounts/contacts/phone/", {"phone": phone})


def add_totp(user) -> str:
    secret = pyotp.random_base32()
    Authenticator.objects.create(
        user=user, kind=Authenticator.Kind.TOTP, data=json.dumps({"secret": secret})
    )
    return secret


def test_contacts_page_shows_the_current_contacts(signed_in):
    page = signed_in.get("/accounts/contacts/").content.decode()
    assert OLD_PHONE in page and "owner@example.ru" in page
    assert "<h1>Контактные данные</h1>" in page


def test_phone_is_changed_after_codes_from_the_new_and_the_old_phone(signed_in, user):
    response = start_phone_change(signed_in)
    assert response["Location"] == "/accounts/contacts/confirm/"
    response = signed_in.post("/accounts/contacts/confirm/", {"code": last_code(NEW_PHONE)})
    assert response["Location"] == "/accounts/contacts/confirm/"
    assert "Шаг 2 из 2" in signed_in.get("/accounts/contacts/confirm/").content.decode()

    response = signed_in.post("/accounts/contacts/confirm/", {"code": last_code(OLD_PHONE)})

    assert response["Location"] == "/accounts/contacts/"
    user.refresh_from_db()
    assert user.phone == NEW_PHONE and user.phone_index == phone_index(NEW_PHONE)
    assert "Номер телефона изменён." in signed_in.get("/accounts/contacts/").content.decode()


def test_the_old_and_the_new_phone_are_both_told(
    signed_in, user, django_capture_on_commit_callbacks
):
    start_phone_change(signed_in)
    signed_in.post("/accounts/contacts/confirm/", {"code": last_code(NEW_PHONE)})
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post("/accounts/contacts/confirm/", {"code": last_code(OLD_PHONE)})
    events.drain()
    told = "Номер телефона в учётной записи Госпортала изменён"
    assert any(told in body for body in sms_bodies(OLD_PHONE))
    assert any("изменён" in b for b in sms_bodies(NEW_PHONE))
    assert any("изменён" in m.body for m in mail.outbox if m.to == ["owner@example.ru"])


def test_the_change_is_audited_with_the_field_name_only(signed_in, user):
    start_phone_change(signed_in)
    signed_in.post("/accounts/contacts/confirm/", {"code": last_code(NEW_PHONE)})
    signed_in.post("/accounts/contacts/confirm/", {"code": last_code(OLD_PHONE)})
    row = AuditEvent.objects.get(action="accounts.contact_changed")
    assert row.actor_id == user.pk and row.details == {"field": "phone"}
    journal = json.dumps(list(AuditEvent.objects.values("details", "object_id")))
    assert NEW_PHONE not in journal and OLD_PHONE not in journal


def test_other_sessions_end_and_this_one_stays(signed_in, user):
    other = sign_in(Client(HTTP_HOST="127.0.0.1"), user)
    start_phone_change(signed_in)
    signed_in.post("/accounts/contacts/confirm/", {"code": last_code(NEW_PHONE)})
    signed_in.post("/accounts/contacts/confirm/", {"code": last_code(OLD_PHONE)})
    assert signed_in.get("/accounts/contacts/").status_code == 200
    assert other.get("/accounts/contacts/").status_code == 302


def test_email_change_confirms_the_new_address(signed_in, user, django_capture_on_commit_callbacks):
    User.objects.filter(pk=user.pk).update(email_confirmed=False)
    signed_in.post("/accounts/contacts/email/", {"email": "New@Example.ru"})
    signed_in.post("/accounts/contacts/confirm/", {"code": last_code("New@example.ru")})
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post("/accounts/contacts/confirm/", {"code": last_code("owner@example.ru")})
    events.drain()  # NOT-5: the former address is told through the outbox
    user.refresh_from_db()
    assert user.email == "New@example.ru" and user.email_confirmed
    assert User.objects.get_by_natural_key("new@example.ru") == user
    assert any(
        "Адрес электронной почты в учётной записи Госпортала изменён" in m.body
        for m in mail.outbox
        if m.to == ["owner@example.ru"]
    )


def test_a_wrong_code_is_refused_in_russian_and_not_echoed(signed_in, user):
    start_phone_change(signed_in)
    response = signed_in.post("/accounts/contacts/confirm/", {"code": "000000"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Код из сообщения: Неверный код. Осталось попыток: 2." in page
    assert 'value="000000"' not in page
    user.refresh_from_db()
    assert user.phone == OLD_PHONE


def test_a_malformed_phone_names_the_field_and_keeps_the_input(signed_in):
    response = start_phone_change(signed_in, phone="+7 12ab")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Новый номер телефона: Номер телефона указан неверно" in page
    assert 'value="+7 12ab"' in page


def test_an_empty_email_is_refused_with_a_message(signed_in):
    response = signed_in.post("/accounts/contacts/email/", {"email": ""})
    assert "Укажите новый адрес электронной почты." in response.content.decode()


def test_the_current_phone_is_refused(signed_in):
    response = start_phone_change(signed_in, phone="8 916 111-00-01")
    assert "Этот номер уже указан в вашей учётной записи." in response.content.decode()


def test_a_phone_of_another_account_gets_no_code_and_its_owner_is_told(signed_in, user):
    holder = UserFactory(phone=NEW_PHONE, email="holder@example.ru")
    response = start_phone_change(signed_in)
    assert response["Location"] == "/accounts/contacts/confirm/"  # the same neutral flow
    assert SandboxMessage.objects.filter(recipient=NEW_PHONE).count() == 0
    page = signed_in.post("/accounts/contacts/confirm/", {"code": "123456"}).content.decode()
    assert "Неверный код" in page
    events.drain()
    assert any("пытались привязать" in m.body for m in mail.outbox if m.to == [holder.email])
    user.refresh_from_db()
    assert user.phone == OLD_PHONE


def test_lost_old_phone_is_replaced_with_an_authenticator_code(signed_in, user):
    secret = add_totp(user)
    start_phone_change(signed_in)
    signed_in.post("/accounts/contacts/confirm/", {"code": last_code(NEW_PHONE)})
    signed_in.post("/accounts/contacts/lost/")
    page = signed_in.get("/accounts/contacts/confirm/").content.decode()
    assert "Код из приложения или резервный код" in page

    signed_in.post("/accounts/contacts/confirm/", {"code": pyotp.TOTP(secret).now()})

    user.refresh_from_db()
    assert user.phone == NEW_PHONE


def test_lost_old_phone_is_replaced_with_a_recovery_code(signed_in, user):
    add_totp(user)
    codes = mfa.generate_recovery_codes(user=user, session_key=None, announce=False)
    start_phone_change(signed_in)
    signed_in.post("/accounts/contacts/confirm/", {"code": last_code(NEW_PHONE)})
    signed_in.post("/accounts/contacts/lost/")
    signed_in.post("/accounts/contacts/confirm/", {"code": codes[0]})
    user.refresh_from_db()
    assert user.phone == NEW_PHONE and mfa.recovery_codes_left(user) == 9


def test_a_wrong_second_factor_code_is_refused(signed_in, user):
    add_totp(user)
    start_phone_change(signed_in)
    signed_in.post("/accounts/contacts/confirm/", {"code": last_code(NEW_PHONE)})
    signed_in.post("/accounts/contacts/lost/")
    page = signed_in.post("/accounts/contacts/confirm/", {"code": "ZZZZ-ZZZZ"}).content.decode()
    assert "Неверный резервный код." in page
    user.refresh_from_db()
    assert user.phone == OLD_PHONE


def test_lost_old_phone_without_a_second_factor_is_sent_to_support(signed_in, user):
    start_phone_change(signed_in)
    signed_in.post("/accounts/contacts/confirm/", {"code": last_code(NEW_PHONE)})
    response = signed_in.post("/accounts/contacts/lost/", follow=True)
    page = response.content.decode()
    assert "Обратитесь в службу поддержки." in page
    assert "Шаг 2 из 2. Новый контакт подтверждён." in page  # still waits for the old phone


def test_the_old_phone_code_cannot_be_skipped(signed_in, user):
    start_phone_change(signed_in)
    response = signed_in.post("/accounts/contacts/lost/", follow=True)
    assert "Сначала подтвердите новый контакт" in response.content.decode()
    user.refresh_from_db()
    assert user.phone == OLD_PHONE


def test_a_change_started_for_another_user_is_ignored(signed_in, user):
    other = UserFactory()
    session = signed_in.session
    session["contact_change"] = {
        "user_id": other.pk,
        "field": "phone",
        "value": NEW_PHONE,
        "step": "old",
        "at": int(time.time()),
    }
    session.save()
    response = signed_in.post("/accounts/contacts/confirm/", {"code": "123456"})
    assert response["Location"] == "/accounts/contacts/"
    other.refresh_from_db()
    assert other.phone != NEW_PHONE


def test_cancel_forgets_the_change(signed_in):
    start_phone_change(signed_in)
    signed_in.post("/accounts/contacts/cancel/")
    assert signed_in.get("/accounts/contacts/confirm/")["Location"] == "/accounts/contacts/"


def test_resend_is_refused_during_the_cool_down(signed_in):
    start_phone_change(signed_in)
    response = signed_in.post("/accounts/contacts/resend/", follow=True)
    assert "Повторно запросить код можно через" in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/accounts/contacts/", "/accounts/contacts/phone/", "/accounts/contacts/confirm/"]
)
def test_anonymous_is_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_changing_needs_a_recent_password(signed_in):
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        response = start_phone_change(signed_in)
    assert response["Location"].startswith("/accounts/confirm/")
    assert not SandboxMessage.objects.filter(recipient=NEW_PHONE).exists()
