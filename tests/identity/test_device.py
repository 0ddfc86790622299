"""Identity confirmation from a phone where a confirmed account is signed in (REG-3):
the computer shows a single-use link as a QR code, valid 10 minutes; the same person's
confirmed account approves it on the phone and the computer's account becomes confirmed."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from gosportal.core.events import OutboxEvent
from gosportal.core.models import AuditEvent
from gosportal.identity import device
from gosportal.identity.models import Confirmation
from gosportal.profiles.models import Profile
from tests.conftest import sign_in_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
START = "/identity/device/"
NOT_VALID = "Ссылка недействительна или устарела. Получите новый QR-код на компьютере."
SIGN_IN = "войдите на этом устройстве в свою подтверждённую учётную запись"
NOT_CONFIRMED = "учётная запись, в которую выполнен вход, не подтверждена"
OTHER_PERSON = "принадлежит другому человеку"
LINK = re.compile(r"http://127\.0\.0\.1/identity/device/([A-Za-z0-9_-]{32})/")


def person(level: str, *, passport_number: str = "123456", birth_year: int = 1985):
    user = UserFactory(level=level)
    Profile.objects.create(
        user=user,
        last_name="Петров",
        first_name="Иван",
        birth_date=datetime.date(birth_year, 3, 14),
        passport_series="4510",
        passport_number=passport_number,
    )
    return user


@pytest.fixture
def computer_user():
    return person("standard")


@pytest.fixture
def phone_user():
    """Another account of the same person (REG-6), already confirmed."""
    return person("confirmed")


@pytest.fixture
def computer(client, computer_user):
    return sign_in_as(client, computer_user)


def new_client(user=None) -> Client:
    other = Client(HTTP_HOST="127.0.0.1")
    return sign_in_as(other, user) if user is not None else other


def show_qr(computer) -> str:
    """The computer asks for a QR code; returns the approval path it links to."""
    body = computer.post(START, follow=True).content.decode()
    return f"/identity/device/{LINK.search(body).group(1)}/"


def notices_to(user) -> list[str]:
    return [
        e.payload["text"]
        for e in OutboxEvent.objects.filter(name="accounts.security_notice")
        if e.payload["user_id"] == user.pk
    ]


# --- the computer ---------------------------------------------------------------------


def test_standard_account_sees_a_qr_code_with_a_link(computer):
    response = computer.post(START, follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'src="data:image/svg+xml' in body
    assert LINK.search(body)
    assert "Ждём подтверждения с телефона" in body
    confirmation = Confirmation.objects.get(method="device")
    assert confirmation.status == Confirmation.Status.PENDING
    assert confirmation.expires_at - confirmation.created_at == datetime.timedelta(minutes=10)


def test_only_a_hash_of_the_link_is_stored(computer):
    token = show_qr(computer).split("/")[3]
    confirmation = Confirmation.objects.get(method="device")
    assert len(token) == 32
    assert token not in (confirmation.code_hash, confirmation.code_index)


def test_new_qr_code_cancels_the_previous_link(computer, phone_user):
    first = show_qr(computer)
    show_qr(computer)
    response = new_client(phone_user).get(first)
    assert response.status_code == 404
    assert NOT_VALID in response.content.decode()


def test_simplified_account_cannot_ask_for_a_qr_code(client):
    sign_in_as(client, UserFactory(level="simplified"))
    body = client.post(START, follow=True).content.decode()
    assert "data:image/svg+xml" not in body
    assert not Confirmation.objects.exists()


def test_status_reports_pending_then_confirmed(computer, phone_user):
    path = show_qr(computer)
    assert computer.get(f"{START}status/").json() == {"state": "pending"}
    new_client(phone_user).post(path)
    assert computer.get(f"{START}status/").json() == {"state": "confirmed"}


def test_index_links_to_the_phone_method_for_standard_accounts(computer):
    body = computer.get("/identity/").content.decode()
    assert "С телефона, где выполнен вход" in body
    assert 'href="/identity/device/"' in body


# --- the phone ------------------------------------------------------------------------


def test_phone_asks_to_confirm_for_the_masked_login(computer, computer_user, phone_user):
    path = show_qr(computer)
    body = new_client(phone_user).get(path).content.decode()
    assert (
        f"Подтвердить личность для учётной записи {computer_user.masked_login()} "
        "на другом устройстве?"
    ) in body
    assert computer_user.phone not in body


def test_approval_confirms_the_computer_account(computer, computer_user, phone_user):
    path = show_qr(computer)
    response = new_client(phone_user).post(path)
    assert response.status_code == 200
    assert "подтверждена. Вернитесь к компьютеру." in response.content.decode()
    computer_user.refresh_from_db()
    assert computer_user.level == "confirmed"
    confirmation = Confirmation.objects.get(method="device")
    assert confirmation.status == Confirmation.Status.CONFIRMED
    assert confirmation.decided_at is not None
    assert confirmation.operator_id == phone_user.pk
    assert computer.get(START).content.decode().count("Личность подтверждена.") == 1


def test_approval_is_audited_and_both_accounts_are_told(computer, computer_user, phone_user):
    new_client(phone_user).post(show_qr(computer))
    event = AuditEvent.objects.get(action="identity.device_confirmed")
    assert event.actor_id == phone_user.pk
    raised = AuditEvent.objects.get(action="accounts.level_raised")
    assert raised.details["reason"] == "device"
    assert any("Личность подтверждена" in text for text in notices_to(computer_user))
    assert any(computer_user.masked_login() in text for text in notices_to(phone_user))


def test_link_works_once(computer, phone_user):
    path = show_qr(computer)
    phone = new_client(phone_user)
    phone.post(path)
    again = phone.post(path)
    assert again.status_code == 404
    assert NOT_VALID in again.content.decode()


def test_link_expires_after_ten_minutes(computer, computer_user, phone_user):
    path = show_qr(computer)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=10, seconds=1)):
        response = new_client(phone_user).post(path)
        assert computer.get(f"{START}status/").json() == {"state": "expired"}
    assert response.status_code == 404
    assert NOT_VALID in response.content.decode()
    computer_user.refresh_from_db()
    assert computer_user.level == "standard"


def test_unknown_link_is_refused_like_a_used_one(phone_user):
    response = new_client(phone_user).get(f"/identity/device/{'A' * 32}/")
    assert response.status_code == 404
    assert NOT_VALID in response.content.decode()


def test_phone_not_signed_in_is_asked_to_sign_in_and_come_back(computer):
    path = show_qr(computer)
    response = new_client().get(path)
    body = response.content.decode()
    assert SIGN_IN in body
    assert f'href="/accounts/login/?next={path}"' in body
    post = new_client().post(path)
    assert post.status_code == 302
    assert Confirmation.objects.get(method="device").status == Confirmation.Status.PENDING


def test_phone_account_not_confirmed_is_refused(computer, computer_user):
    path = show_qr(computer)
    phone = new_client(person("standard", passport_number="123456"))
    response = phone.post(path)
    assert response.status_code == 403
    assert NOT_CONFIRMED in response.content.decode()
    computer_user.refresh_from_db()
    assert computer_user.level == "standard"


def test_other_persons_confirmed_account_is_refused(computer, computer_user):
    path = show_qr(computer)
    stranger = person("confirmed", passport_number="654321")
    response = new_client(stranger).post(path)
    assert response.status_code == 403
    assert OTHER_PERSON in response.content.decode()
    computer_user.refresh_from_db()
    assert computer_user.level == "standard"


def test_same_passport_with_another_birth_date_is_another_person(computer):
    path = show_qr(computer)
    lookalike = person("confirmed", birth_year=1990)
    assert OTHER_PERSON in new_client(lookalike).get(path).content.decode()


def test_link_lookups_are_rate_limited(computer, phone_user):
    show_qr(computer)
    phone = new_client(phone_user)
    statuses = [phone.get(f"/identity/device/{'B' * 32}/").status_code for _ in range(21)]
    assert statuses[:20] == [404] * 20
    assert statuses[20] == 429


@pytest.mark.parametrize("who", ["anonymous", "other"])
def test_waiting_page_and_status_belong_to_the_computer_session(computer, phone_user, who):
    show_qr(computer)
    other = new_client(None if who == "anonymous" else phone_user)
    page = other.get(START)
    status = other.get(f"{START}status/")
    if who == "anonymous":
        assert page.status_code == 302 and "/accounts/login/" in page["Location"]
        assert status.status_code == 302
    else:
        assert "data:image/svg+xml" not in page.content.decode()
        assert status.json() == {"state": ""}


def test_service_helper_refuses_the_same_account(computer_user):
    _confirmation, token = device.request_device_confirmation(user=computer_user)
    computer_user.level = "confirmed"
    with pytest.raises(device.DifferentPerson):
        device.look_up_token(approver=computer_user, token=token)
