"""REG-3: identity confirmed by a code in a registered letter of Russian Post.

Limits (REFERENCE): the code has 10 characters and lives 30 days; 5 entries per 10
minutes; at most 3 letters per 30 days.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection

from gosportal.accounts.models import User
from gosportal.core.errors import Conflict, DomainError, InvalidInput, RateLimited
from gosportal.core.models import AuditEvent, OutboxEvent
from gosportal.identity.models import Confirmation
from gosportal.identity.post import enter_letter_code, order_letter
from gosportal.integrations.models import SandboxMessage
from gosportal.profiles.models import Profile
from tests.conftest import sign_in_as
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db]

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ADDRESS = "г. Тула, ул. Советская, д. 5, кв. 7"
PAGE = "/identity/letter/"
ORDER = "/identity/letter/order/"


def make_person(*, level=User.Level.STANDARD, address=ADDRESS) -> User:
    user = UserFactory(level=level)
    Profile.objects.create(
        user=user, last_name="Иванова", first_name="Анна", registration_address=address
    )
    return user


def code_in_letter(letter: Confirmation) -> str:
    body = SandboxMessage.objects.get(subject=letter.tracking_number).body
    return "".join(re.search(r"подтверждения личности: (\w{5})-(\w{5})", body).groups())


@pytest.fixture
def frozen():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def person():
    return make_person()


# --- ordering ------------------------------------------------------------------------


def test_a_standard_account_orders_a_letter_to_its_registration_address(frozen, person):
    letter = order_letter(user=person)
    assert letter.status == Confirmation.Status.PENDING
    assert letter.method == Confirmation.Method.POST_LETTER
    assert letter.address == ADDRESS
    assert letter.expires_at == START + timedelta(days=30)
    assert re.fullmatch(r"RA\d{9}RU", letter.tracking_number)
    sent = SandboxMessage.objects.get(channel=SandboxMessage.Channel.POST)
    assert sent.recipient == ADDRESS and sent.subject == letter.tracking_number
    assert len(code_in_letter(letter)) == 10
    assert "действует до 01.04.2026" in sent.body
    assert AuditEvent.objects.filter(action="identity.post_letter_ordered").count() == 1


@pytest.mark.parametrize(
    ("level", "error"), [(User.Level.SIMPLIFIED, "Стандартная"), (User.Level.CONFIRMED, "уже")]
)
def test_only_a_standard_account_orders_a_letter(level, error):
    user = make_person(level=level)
    with pytest.raises(DomainError) as caught:
        order_letter(user=user)
    assert error in str(caught.value)
    assert not Confirmation.objects.exists() and not SandboxMessage.objects.exists()


def test_the_registration_address_is_required():
    user = make_person(address="")
    with pytest.raises(InvalidInput, match="«Мои данные»"):
        order_letter(user=user)
    assert not Confirmation.objects.exists()


def test_without_a_profile_the_address_is_asked_for():
    user = UserFactory(level=User.Level.STANDARD)
    with pytest.raises(InvalidInput, match="адрес регистрации"):
        order_letter(user=user)


def test_three_letters_in_30_days_then_refused_until_the_first_is_30_days_old(person):
    for day in (0, 1, 2):
        with time_machine.travel(START + timedelta(days=day), tick=False):
            order_letter(user=person)
    with (
        time_machine.travel(START + timedelta(days=29), tick=False),
        pytest.raises(RateLimited, match=r"01\.04\.2026 12:00"),  # Moscow time
    ):
        order_letter(user=person)
    with time_machine.travel(START + timedelta(days=30, seconds=1), tick=False):
        order_letter(user=person)
    assert Confirmation.objects.filter(user=person).count() == 4


def test_the_letter_limit_is_per_person(frozen, person):
    for _i in range(3):
        order_letter(user=person)
    order_letter(user=make_person())


def test_a_new_letter_cancels_the_pending_one(frozen, person):
    old = order_letter(user=person)
    old_code = code_in_letter(old)
    new = order_letter(user=person)
    old.refresh_from_db()
    assert old.status == Confirmation.Status.CANCELLED
    assert new.status == Confirmation.Status.PENDING
    with pytest.raises(InvalidInput, match="Неверный код из письма"):
        enter_letter_code(user=person, code=old_code)


def test_an_undeliverable_address_still_gets_a_letter_that_is_returned(frozen):
    user = make_person(address="нет такого адреса")
    letter = order_letter(user=user)
    assert letter.tracking_number


# --- the code ------------------------------------------------------------------------


def test_the_right_code_confirms_the_identity(frozen, person):
    letter = order_letter(user=person)
    confirmed = enter_letter_code(user=person, code=code_in_letter(letter))
    assert confirmed.status == Confirmation.Status.CONFIRMED
    assert confirmed.decided_at == START
    person.refresh_from_db()
    assert person.level == User.Level.CONFIRMED
    assert AuditEvent.objects.filter(
        action="accounts.level_raised", details__reason="post_letter"
    ).exists()
    assert AuditEvent.objects.filter(action="identity.post_letter_confirmed").exists()
    # The confirmation notice (a second one says two-factor sign-in is now on).
    texts = [
        event.payload["text"]
        for event in OutboxEvent.objects.filter(name="accounts.security_notice")
    ]
    assert any("Почты России" in text for text in texts)


def test_the_code_ignores_case_spaces_and_hyphens(frozen, person):
    code = code_in_letter(order_letter(user=person))
    typed = f" {code[:3].lower()} {code[3:5]}-{code[5:].lower()} "
    enter_letter_code(user=person, code=typed)
    person.refresh_from_db()
    assert person.level == User.Level.CONFIRMED


def test_a_wrong_code_is_refused_and_counted(frozen, person):
    letter = order_letter(user=person)
    with pytest.raises(InvalidInput, match="Неверный код из письма") as caught:
        enter_letter_code(user=person, code="AAAAAAAAAA")
    assert caught.value.field == "code"
    letter.refresh_from_db()
    assert letter.attempts == 1 and letter.status == Confirmation.Status.PENDING
    person.refresh_from_db()
    assert person.level == User.Level.STANDARD


def test_five_tries_per_10_minutes_then_refused_then_open_again(frozen, person):
    code = code_in_letter(order_letter(user=person))
    for _i in range(5):
        with pytest.raises(InvalidInput):
            enter_letter_code(user=person, code="AAAAAAAAAA")
    with pytest.raises(RateLimited, match="Слишком много попыток"):
        enter_letter_code(user=person, code=code)  # even the right one
    frozen.shift(timedelta(minutes=10))
    enter_letter_code(user=person, code=code)
    person.refresh_from_db()
    assert person.level == User.Level.CONFIRMED


def test_the_code_expires_after_30_days(person):
    with time_machine.travel(START, tick=False):
        letter = order_letter(user=person)
    with (
        time_machine.travel(START + timedelta(days=30), tick=False),
        pytest.raises(InvalidInput, match="Срок действия кода истёк"),
    ):
        enter_letter_code(user=person, code=code_in_letter(letter))
    letter.refresh_from_db()
    assert letter.status == Confirmation.Status.EXPIRED


def test_the_code_works_on_the_last_day(person):
    with time_machine.travel(START, tick=False):
        letter = order_letter(user=person)
    with time_machine.travel(START + timedelta(days=29, hours=23), tick=False):
        enter_letter_code(user=person, code=code_in_letter(letter))


def test_another_persons_code_does_not_confirm(frozen, person):
    other = make_person()
    other_code = code_in_letter(order_letter(user=other))
    order_letter(user=person)
    with pytest.raises(InvalidInput):
        enter_letter_code(user=person, code=other_code)


def test_a_code_without_a_letter_is_refused(frozen, person):
    with pytest.raises(Conflict, match="Закажите письмо"):
        enter_letter_code(user=person, code="AAAAAAAAAA")


def test_the_code_is_not_stored_in_clear(frozen, person):
    letter = order_letter(user=person)
    code = code_in_letter(letter)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM identity_confirmation WHERE id = %s", [letter.pk])
        row = cursor.fetchone()
    raw = " ".join(str(value) for value in row)
    assert code not in raw and code.lower() not in raw
    assert ADDRESS not in raw  # the address is encrypted too
    assert len(letter.code_hash) == 64


# --- the page ------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client):
    for url in (PAGE, ORDER):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(ORDER)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Confirmation.objects.exists()


def test_the_page_explains_the_method_and_shows_the_address(client, person):
    page = sign_in_as(client, person).get(PAGE).content.decode()
    assert "<h1>Подтверждение личности письмом Почты России</h1>" in page
    assert ADDRESS in page and "Заказать письмо" in page
    assert "Код из письма" not in page  # nothing ordered yet


def test_ordering_needs_a_recent_sign_in(client, person):
    sign_in_as(client, person, reauthenticated=False)
    response = client.post(ORDER)
    assert response.status_code == 302 and "/accounts/confirm/" in response["Location"]
    assert not Confirmation.objects.exists()


def test_ordering_from_the_page_shows_the_tracking_number_and_timeline(client, person):
    with time_machine.travel(START, tick=False):
        sign_in_as(client, person)
        response = client.post(ORDER)
        assert response.status_code == 302 and response["Location"] == PAGE
        letter = Confirmation.objects.get(user=person)
        assert "Письмо заказано" in client.get(PAGE).content.decode()
    with time_machine.travel(START + timedelta(days=3), tick=False):
        page = sign_in_as(client, person).get(PAGE).content.decode()
    assert letter.tracking_number in page
    assert "Сортировочный центр" in page and "Прибыло в место вручения" in page
    assert "Вручено адресату" not in page
    assert "Код из письма" in page


def test_the_code_entered_on_the_page_confirms(client, frozen, person):
    letter = order_letter(user=person)
    response = sign_in_as(client, person).post(PAGE, {"code": code_in_letter(letter)})
    assert response.status_code == 302
    page = client.get(PAGE).content.decode()
    assert "Личность уже подтверждена" in page


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Введите код из письма"),
        ("ABC", "10 символов"),
        ("x" * 41, "10 символов"),
        ("ЖЖЖЖЖЖЖЖЖЖ", "10 символов"),
        ("AAAAAAAAAA", "Неверный код из письма"),
    ],
)
def test_bad_codes_are_explained_without_errors(client, frozen, person, code, message):
    order_letter(user=person)
    response = sign_in_as(client, person).post(PAGE, {"code": code})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Проверьте данные формы" in response.content.decode()


def test_a_refused_order_is_explained(client):
    user = make_person(address="")
    response = sign_in_as(client, user).post(ORDER, follow=True)
    assert response.status_code == 200
    assert "Укажите адрес регистрации" in response.content.decode()


def test_the_fourth_letter_is_refused_on_the_page(client, frozen, person):
    for _i in range(3):
        order_letter(user=person)
    sign_in_as(client, person)
    page = client.get(PAGE).content.decode()
    assert ORDER not in page and "Следующее письмо можно заказать 01.04.2026" in page
    response = client.post(ORDER, follow=True)
    assert "не больше трёх писем" in response.content.decode()
    assert Confirmation.objects.filter(user=person).count() == 3


def test_a_simplified_account_is_sent_to_fill_in_its_data(client):
    user = make_person(level=User.Level.SIMPLIFIED)
    page = sign_in_as(client, user).get(PAGE).content.decode()
    assert "/profile/edit/" in page and ORDER not in page


def test_a_confirmed_account_is_told_so(client):
    user = make_person(level=User.Level.CONFIRMED)
    page = sign_in_as(client, user).get(PAGE).content.decode()
    assert "Личность уже подтверждена" in page and ORDER not in page


def test_the_page_shows_only_the_own_letter(client, frozen, person):
    other = make_person(address="г. Омск, ул. Ленина, д. 1")
    others_letter = order_letter(user=other)
    first = order_letter(user=person)
    own = order_letter(user=person)
    page = sign_in_as(client, person).get(PAGE).content.decode()
    assert own.tracking_number in page
    assert first.tracking_number in page and "Отменено" in page  # the history of letters
    assert others_letter.tracking_number not in page and "Омск" not in page


def test_another_persons_code_on_the_page_does_not_confirm(client, frozen, person):
    other = make_person()
    other_code = code_in_letter(order_letter(user=other))
    order_letter(user=person)
    response = sign_in_as(client, person).post(PAGE, {"code": other_code})
    assert "Неверный код из письма" in response.content.decode()
    other.refresh_from_db()
    person.refresh_from_db()
    assert other.level == person.level == User.Level.STANDARD


def test_get_of_the_order_address_goes_back_to_the_page(client, person):
    response = sign_in_as(client, person).get(ORDER)
    assert response.status_code == 302 and response["Location"] == PAGE
    assert not Confirmation.objects.exists()
