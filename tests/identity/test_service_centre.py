"""Identity confirmation at a service centre (REG-3, OFF-4): the person gets a single-use
code valid for 7 days; an operator with the permission types it, sees only that person's
data and confirms or refuses."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from gosportal.core.events import OutboxEvent
from gosportal.core.models import AuditEvent
from gosportal.identity import service_centre
from gosportal.identity.models import Confirmation
from gosportal.profiles.models import Profile
from tests.conftest import sign_in_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NOT_VALID = "Код не найден или больше не действует."
DESK = "/desk/service-centre/"
DECIDE = "/desk/service-centre/decide/"


@pytest.fixture
def citizen():
    user = UserFactory(level="standard")
    Profile.objects.create(
        user=user,
        last_name="Петров",
        first_name="Иван",
        middle_name="Сергеевич",
        birth_date=datetime.date(1985, 3, 14),
        passport_series="4510",
        passport_number="123456",
        passport_issued_on=datetime.date(2005, 4, 1),
        passport_issuer="ОВД района Хамовники г. Москвы",
        passport_department_code="770-001",
        registration_address="119021, г. Москва, ул. Льва Толстого, д. 1",
    )
    return user


@pytest.fixture
def operator():
    user = UserFactory()
    group = Group.objects.create(name="Операторы центров обслуживания")
    group.permissions.add(Permission.objects.get(codename="confirm_in_service_centre"))
    user.groups.add(group)
    return user


@pytest.fixture
def desk(client, operator):
    return sign_in_as(client, operator)


def issue_code(user) -> str:
    _confirmation, code = service_centre.request_service_centre_confirmation(user=user)
    return service_centre.format_code(code)


def notices_to(user) -> list[str]:
    return [
        e.payload["text"]
        for e in OutboxEvent.objects.filter(name="accounts.security_notice")
        if e.payload["user_id"] == user.pk
    ]


# --- the person's side -------------------------------------------------------------


def test_standard_account_gets_a_code_with_qr(client, citizen):
    sign_in_as(client, citizen)
    response = client.post("/identity/service-centre/", follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    code = re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b", body).group(1)
    assert all(c in service_centre.CODE_ALPHABET for c in code.replace("-", ""))
    assert 'src="data:image/svg+xml' in body
    assert f"Код: {code}" in body  # the QR alt text names the code
    assert "Паспорт" in body
    confirmation = Confirmation.objects.get(user=citizen)
    assert confirmation.status == Confirmation.Status.PENDING
    assert confirmation.method == Confirmation.Method.SERVICE_CENTRE
    assert code.replace("-", "") not in confirmation.code_hash
    assert confirmation.expires_at == confirmation.created_at + datetime.timedelta(days=7)
    assert AuditEvent.objects.filter(action="identity.service_centre_requested").exists()


@pytest.mark.parametrize("level", ["simplified", "confirmed"])
def test_only_standard_account_may_request(client, level):
    user = UserFactory(level=level)
    sign_in_as(client, user)
    response = client.post("/identity/service-centre/", follow=True)
    assert not Confirmation.objects.filter(user=user).exists()
    body = response.content.decode()
    if level == "confirmed":
        assert "Ваша личность уже подтверждена" in body
    else:
        assert "/profile/edit/" in body


def test_identity_page_lists_methods_and_confirmations(client, citizen):
    issue_code(citizen)
    sign_in_as(client, citizen)
    body = client.get("/identity/").content.decode()
    assert "Подтверждение личности" in body
    assert "В центре обслуживания (МФЦ)" in body
    assert "Ожидает подтверждения" in body
    assert "скоро" in body


def test_simplified_account_is_sent_to_fill_in_data(client):
    sign_in_as(client, UserFactory(level="simplified"))
    body = client.get("/identity/").content.decode()
    assert 'href="/profile/edit/"' in body
    assert "Получить код" not in body


def test_confirmed_account_is_told_it_is_confirmed(client):
    sign_in_as(client, UserFactory(level="confirmed"))
    assert "Ваша личность уже подтверждена" in client.get("/identity/").content.decode()


def test_new_code_cancels_the_earlier_pending_one(citizen):
    first = issue_code(citizen)
    issue_code(citizen)
    statuses = list(Confirmation.objects.order_by("id").values_list("status", flat=True))
    assert statuses == [Confirmation.Status.CANCELLED, Confirmation.Status.PENDING]
    with pytest.raises(service_centre.CodeNotValid):
        service_centre.look_up_code(operator=_operator(), code=first)


def _operator():
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="confirm_in_service_centre"))
    return type(user).objects.get(pk=user.pk)


def test_code_page_in_another_browser_does_not_show_the_code(client, citizen):
    code = issue_code(citizen)
    sign_in_as(client, citizen)
    body = client.get("/identity/service-centre/").content.decode()
    assert code not in body
    assert "получите новый" in body


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("url", ["/identity/", "/identity/service-centre/", DESK, DECIDE])
def test_anonymous_is_sent_to_sign_in(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


# --- the operator desk -------------------------------------------------------------


@pytest.mark.parametrize("url", [DESK, DECIDE])
def test_citizen_without_permission_gets_403(client, citizen, url):
    code = issue_code(citizen)
    sign_in_as(client, UserFactory(level="confirmed"))
    response = client.post(url, {"code": code, "decision": "confirm"})
    assert response.status_code == 403
    assert "Доступ запрещён" in response.content.decode()
    assert Confirmation.objects.get().status == Confirmation.Status.PENDING


def test_the_person_cannot_confirm_own_code(client, citizen):
    code = issue_code(citizen)
    sign_in_as(client, citizen)
    assert client.post(DECIDE, {"code": code, "decision": "confirm"}).status_code == 403


def test_desk_shows_a_form_and_nobody_else(desk, citizen):
    issue_code(citizen)
    body = desk.get(DESK).content.decode()
    assert "Код подтверждения" in body
    assert "Петров" not in body


def test_valid_code_shows_only_that_person(desk, citizen):
    code = issue_code(citizen)
    body = desk.post(DESK, {"code": code.lower().replace("-", " ")}).content.decode()
    for shown in (
        "Петров Иван Сергеевич",
        "14.03.1985",
        "45 10 123456",
        "01.04.2005",
        "ОВД района Хамовники",
        "770-001",
        "ул. Льва Толстого",
    ):
        assert shown in body
    assert "Подтвердить личность" in body
    assert AuditEvent.objects.filter(action="identity.service_centre_viewed").exists()


@pytest.mark.parametrize("typed", ["ABCD-EFHJ", "", "!!!", "ABCD-EFH0", "X" * 30])
def test_unknown_or_garbage_code_shows_no_data(desk, citizen, typed):
    issue_code(citizen)
    response = desk.post(DESK, {"code": typed})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Петров" not in body
    assert any(
        message in body
        for message in (NOT_VALID, "Введите код", "Убедитесь, что это значение содержит")
    )


def test_unknown_code_message(desk, citizen):
    issue_code(citizen)
    assert NOT_VALID in desk.post(DESK, {"code": "ABCD-EFHJ"}).content.decode()


def test_confirm_raises_level_notifies_and_audits(desk, citizen, operator):
    code = issue_code(citizen)
    response = desk.post(DECIDE, {"code": code, "decision": "confirm"}, follow=True)
    assert "Личность подтверждена" in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.level == "confirmed"
    confirmation = Confirmation.objects.get()
    assert confirmation.status == Confirmation.Status.CONFIRMED
    assert confirmation.operator_id == operator.pk
    assert confirmation.decided_at is not None
    assert any("Личность подтверждена в центре обслуживания" in t for t in notices_to(citizen))
    row = AuditEvent.objects.get(action="identity.service_centre_confirmed")
    assert row.actor_id == operator.pk
    assert row.object_id == str(confirmation.pk)


def test_code_is_single_use(desk, citizen):
    code = issue_code(citizen)
    desk.post(DECIDE, {"code": code, "decision": "confirm"})
    again = desk.post(DECIDE, {"code": code, "decision": "confirm"}, follow=True)
    assert NOT_VALID in again.content.decode()
    assert NOT_VALID in desk.post(DESK, {"code": code}).content.decode()
    assert AuditEvent.objects.filter(action="identity.service_centre_confirmed").count() == 1


def test_code_expires_after_7_days(client, citizen, operator):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        code = issue_code(citizen)
        traveller.shift(datetime.timedelta(days=7) - datetime.timedelta(minutes=1))
        sign_in_as(client, operator)
        assert "Петров" in client.post(DESK, {"code": code}).content.decode()
        traveller.shift(datetime.timedelta(minutes=2))
        body = client.post(DESK, {"code": code}).content.decode()
        assert NOT_VALID in body
        assert "Петров" not in body
        sign_in_as(client, citizen)
        assert "Срок истёк" in client.get("/identity/").content.decode()


def test_refusal_needs_a_reason(desk, citizen):
    code = issue_code(citizen)
    for reason in ("", "  abc ", "x" * 301):
        response = desk.post(DECIDE, {"code": code, "decision": "reject", "reason": reason})
        body = response.content.decode()
        assert response.status_code == 200
        assert "от 5 до 300 символов" in body or "не больше 300 символов" in body
        assert "Петров" in body  # the card is shown again, the code still valid
    assert Confirmation.objects.get().status == Confirmation.Status.PENDING


def test_refusal_is_recorded_and_the_person_told_why(desk, citizen, operator):
    code = issue_code(citizen)
    desk.post(DECIDE, {"code": code, "decision": "reject", "reason": "Паспорт недействителен"})
    confirmation = Confirmation.objects.get()
    assert confirmation.status == Confirmation.Status.REJECTED
    assert confirmation.reason == "Паспорт недействителен"
    assert confirmation.operator_id == operator.pk
    citizen.refresh_from_db()
    assert citizen.level == "standard"
    assert any("Паспорт недействителен" in t for t in notices_to(citizen))
    assert AuditEvent.objects.filter(action="identity.service_centre_rejected").exists()
    assert NOT_VALID in desk.post(DESK, {"code": code}).content.decode()


def test_bad_decision_input_is_refused_in_russian(desk, citizen):
    code = issue_code(citizen)
    bad_code = desk.post(DECIDE, {"code": "garbage", "decision": "confirm"}, follow=True)
    assert NOT_VALID in bad_code.content.decode()
    no_decision = desk.post(DECIDE, {"code": code, "decision": "maybe"})
    assert "Выберите решение." in no_decision.content.decode()
    assert Confirmation.objects.get().status == Confirmation.Status.PENDING


def test_lookups_are_rate_limited_per_operator(desk, citizen):
    code = issue_code(citizen)
    for _ in range(30):
        desk.post(DESK, {"code": "ABCD-EFHJ"})
    response = desk.post(DESK, {"code": code})
    assert response.status_code == 429
    assert "Слишком много запросов" in response.content.decode()
    assert "Петров" not in response.content.decode()


def test_my_data_links_standard_account_to_confirmation(client, citizen):
    sign_in_as(client, citizen)
    assert 'href="/identity/"' in client.get("/profile/").content.decode()
