"""REG-3: identity confirmed by a bank card registered to the person's name. The portal
opens a card check at the bank, the person types the card on the bank's page and the
3-D Secure code from an SMS, and the portal reads the result over the back channel."""

import datetime
import re
from datetime import UTC

import pytest
import time_machine

from gosportal.accounts.models import User
from gosportal.core.models import AuditEvent
from gosportal.identity.models import Confirmation
from gosportal.integrations.bank.sandbox import load_test_customers
from gosportal.integrations.models import SandboxCardCheck, SandboxMessage
from gosportal.profiles.models import Profile
from tests.conftest import sign_in_as
from tests.factories import UserFactory
from tests.integrations.bank_helpers import HOST

pytestmark = [pytest.mark.django_db]

PETROV_CARD = "4276380012345679"  # Банк «Северный», Петров Иван Сергеевич, 12/30
BLOCKED_CARD = "4276380011112229"  # Банк «Северный», Фёдорова, blocked
OUTAGE_CARD = "2200700055556665"  # Волга-Банк, Недоступнов: the bank is unavailable
START = "/identity/bank/card/start/"
NOW = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def customers():
    load_test_customers()


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def make_person(*, level=User.Level.STANDARD, **changes) -> User:
    user = UserFactory(level=level)
    data = {
        "last_name": "Петров",
        "first_name": "Иван",
        "middle_name": "Сергеевич",
        "birth_date": datetime.date(1985, 3, 14),
        **changes,
    }
    Profile.objects.create(user=user, **data)
    return user


def start_check(client, bank="severny") -> str:
    response = client.post(START, {"bank": bank})
    assert response.status_code == 302, response.content[:300]
    page = response["Location"]
    assert page.startswith(f"{HOST}/sandbox/bank/{bank}/card/")
    return page


def submit_card(client, page, number=PETROV_CARD, expiry="12/30"):
    return client.post(page, {"number": number, "expiry": expiry})


def sms_code() -> str:
    body = SandboxMessage.objects.filter(channel=SandboxMessage.Channel.SMS).first().body
    return re.search(r"код (\d{6})", body).group(1)


def pass_card(client, *, bank="severny", number=PETROV_CARD, expiry="12/30"):
    """Start, type the card and the right SMS code; returns the portal's final page."""
    page = start_check(client, bank)
    code_page = submit_card(client, page, number, expiry)
    assert code_page.status_code == 302, code_page.content.decode()[:2000]
    back = client.post(code_page["Location"], {"code": sms_code()})
    assert back["Location"].startswith(f"{HOST}/identity/bank/card/return/?check=")
    return client.get(back["Location"], follow=True)


def test_the_card_check_starts_at_the_banks_card_page(client):
    user = make_person()
    sign_in_as(client, user)
    page = start_check(client)
    pending = Confirmation.objects.get(user=user)
    assert pending.method == Confirmation.Method.CARD
    assert pending.status == Confirmation.Status.PENDING
    check = SandboxCardCheck.objects.get()
    assert pending.details == {"bank": "severny", "check_id": str(check.pk)}
    html = client.get(page).content.decode()
    assert "Банк «Северный»" in html and "Номер карты" in html


def test_a_card_in_the_persons_name_confirms_the_identity(client):
    user = make_person()
    sign_in_as(client, user)
    page = pass_card(client)
    assert "Личность подтверждена. Учётная запись — подтверждённая." in page.content.decode()
    confirmation = Confirmation.objects.get(user=user)
    assert confirmation.status == Confirmation.Status.CONFIRMED
    assert confirmation.details["matched"] == [
        "last_name",
        "first_name",
        "middle_name",
        "birth_date",
    ]
    assert PETROV_CARD not in str(confirmation.details)
    user.refresh_from_db()
    assert user.level == User.Level.CONFIRMED
    assert AuditEvent.objects.filter(action="identity.card_confirmed").count() == 1


def test_the_3ds_code_goes_by_sms_to_the_card_holders_phone(client):
    sign_in_as(client, make_person())
    submit_card(client, start_check(client))
    sms = SandboxMessage.objects.get(channel=SandboxMessage.Channel.SMS)
    assert sms.recipient == "+79161000001"
    assert "*5679" in sms.body and "Банк «Северный»" in sms.body


def test_a_card_in_another_name_is_a_mismatch_naming_the_fields(client):
    user = make_person(first_name="Пётр", birth_date=datetime.date(1985, 3, 15))
    sign_in_as(client, user)
    page = pass_card(client)
    html = page.content.decode()
    assert "<li>имя</li>" in html and "<li>дата рождения</li>" in html
    confirmation = Confirmation.objects.get(user=user)
    assert confirmation.status == Confirmation.Status.REJECTED
    assert confirmation.details["differing"] == ["first_name", "birth_date"]
    user.refresh_from_db()
    assert user.level == User.Level.STANDARD


@pytest.mark.parametrize(
    ("number", "expiry", "message"),
    [
        ("", "12/30", "Введите номер карты."),
        ("4276 3800 1234 5678", "12/30", "Номер карты введён с ошибкой: проверьте цифры."),
        ("4276380012", "12/30", "Номер карты — 16 цифр."),
        ("4276abcd12345679", "12/30", "Номер карты — 16 цифр."),
        (PETROV_CARD, "13/30", "Срок действия — месяц и год в виде ММ/ГГ"),
        (PETROV_CARD, "1230", "Срок действия — месяц и год в виде ММ/ГГ"),
        (PETROV_CARD, "05/26", "Срок действия карты истёк"),
        (PETROV_CARD, "11/30", "Карта с таким номером и сроком действия не найдена"),
        ("4111111111111111", "12/30", "Карта с таким номером и сроком действия не найдена"),
    ],
)
def test_bad_card_input_is_refused_and_kept(client, number, expiry, message):
    sign_in_as(client, make_person())
    response = submit_card(client, start_check(client), number, expiry)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'value="{expiry}"' in html
    assert not SandboxMessage.objects.exists()


def test_the_card_number_with_spaces_is_accepted(client):
    sign_in_as(client, make_person())
    response = submit_card(client, start_check(client), "4276 3800 1234 5679", " 12 / 30 ")
    assert response.status_code == 302 and response["Location"].endswith("/3ds/")


def test_a_wrong_3ds_code_counts_and_the_third_declines(client):
    user = make_person()
    sign_in_as(client, user)
    code_page = submit_card(client, start_check(client))["Location"]
    wrong = "000000" if sms_code() != "000000" else "111111"
    first = client.post(code_page, {"code": wrong})
    assert "Неверный код. Осталось попыток: 2." in first.content.decode()
    bad_input = client.post(code_page, {"code": "12ab"})
    assert "Код из SMS — 6 цифр." in bad_input.content.decode()
    client.post(code_page, {"code": wrong})
    back = client.post(code_page, {"code": wrong})
    page = client.get(back["Location"], follow=True)
    assert "трижды введён неверный код из SMS" in page.content.decode()
    confirmation = Confirmation.objects.get(user=user)
    assert confirmation.status == Confirmation.Status.REJECTED
    assert confirmation.details["declined"] == "3ds_failed"


def test_a_blocked_card_is_declined(client):
    user = make_person()
    sign_in_as(client, user)
    back = submit_card(client, start_check(client), BLOCKED_CARD, "01/31")
    page = client.get(back["Location"], follow=True)
    assert "Банк отклонил проверку: карта заблокирована." in page.content.decode()
    assert Confirmation.objects.get(user=user).status == Confirmation.Status.REJECTED
    assert AuditEvent.objects.filter(action="identity.card_declined").count() == 1


def test_cancelling_at_the_bank_is_told(client):
    user = make_person()
    sign_in_as(client, user)
    back = client.post(start_check(client), {"action": "cancel"})
    page = client.get(back["Location"], follow=True)
    assert "Вы отменили проверку карты на странице банка." in page.content.decode()


def test_a_bank_outage_keeps_the_check_pending_and_says_so(client):
    user = make_person(last_name="Недоступнов")
    sign_in_as(client, user)
    page = pass_card(client, bank="volga", number=OUTAGE_CARD, expiry="05/30")
    assert page.status_code == 503
    assert "Банк сейчас не отвечает" in page.content.decode()
    assert Confirmation.objects.get(user=user).status == Confirmation.Status.PENDING


def test_coming_back_before_the_check_is_finished_is_told(client):
    sign_in_as(client, make_person())
    start_check(client)
    check = SandboxCardCheck.objects.get()
    response = client.get(f"/identity/bank/card/return/?check={check.pk}")
    assert response.status_code == 409
    assert "ещё не завершена" in response.content.decode()


def test_another_users_card_check_is_refused(client):
    from django.test import Client

    owner = make_person()
    sign_in_as(client, owner)
    pass_card_page = start_check(client)
    code_page = submit_card(client, pass_card_page)["Location"]
    back = client.post(code_page, {"code": sms_code()})["Location"]
    intruder = sign_in_as(Client(HTTP_HOST="127.0.0.1"), make_person(last_name="Иванов"))
    response = intruder.get(back)
    assert response.status_code == 404
    assert "Проверка карты не найдена" in response.content.decode()
    assert Confirmation.objects.get(user=owner).status == Confirmation.Status.PENDING


@pytest.mark.parametrize("check", ["", "nonsense", "00000000-0000-0000-0000-000000000000"])
def test_an_unknown_check_id_is_refused(client, check):
    sign_in_as(client, make_person())
    response = client.get(f"/identity/bank/card/return/?check={check}")
    assert response.status_code == 404


def test_a_finished_check_cannot_be_used_twice(client):
    user = make_person()
    sign_in_as(client, user)
    page = start_check(client)
    code_page = submit_card(client, page)["Location"]
    back = client.post(code_page, {"code": sms_code()})["Location"]
    client.get(back)
    again = client.get(back)
    assert again.status_code == 409  # already confirmed now
    assert Confirmation.objects.filter(user=user).count() == 1


def test_the_banks_card_page_of_a_finished_check_is_gone(client):
    sign_in_as(client, make_person())
    page = start_check(client)
    client.post(page, {"action": "cancel"})
    assert client.get(page).status_code == 404


@pytest.mark.parametrize("bank", ["", "nobank"])
def test_an_unknown_bank_in_the_card_form_is_refused(client, bank):
    sign_in_as(client, make_person())
    response = client.post(START, {"bank": bank}, follow=True)
    assert "Выберите банк" in response.content.decode()
    assert not Confirmation.objects.exists()


def test_a_simplified_account_cannot_start_a_card_check(client):
    sign_in_as(client, make_person(level=User.Level.SIMPLIFIED))
    response = client.post(START, {"bank": "severny"})
    assert response.status_code == 403
    assert 'href="/profile/edit/"' in response.content.decode()
    assert not SandboxCardCheck.objects.exists()


def test_a_confirmed_account_cannot_start_a_card_check(client):
    sign_in_as(client, make_person(level=User.Level.CONFIRMED))
    response = client.post(START, {"bank": "severny"})
    assert response.status_code == 409


def test_the_card_check_api_needs_the_client_secret(client):
    response = client.post(
        "/sandbox/bank/severny/card-checks",
        {"return_url": f"{HOST}/identity/bank/card/return/"},
    )
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_parallel_wrong_codes_all_count_so_the_third_declines(client):
    """Posts handled at the same time each read the check before the others wrote: the
    counter is re-read under a row lock, so three wrong codes still decline it."""
    from gosportal.integrations.bank import sandbox

    sign_in_as(client, make_person())
    submit_card(client, start_check(client))
    check_id = SandboxCardCheck.objects.get().pk
    first, second = (SandboxCardCheck.objects.get(pk=check_id) for _ in range(2))
    wrong = "000000" if sms_code() != "000000" else "111111"

    assert sandbox.enter_code(first, code=wrong) is False
    assert sandbox.enter_code(second, code=wrong) is False  # read before the first wrote
    assert sandbox.enter_code(first, code=wrong) is False

    check = SandboxCardCheck.objects.get(pk=check_id)
    assert check.attempts == 3
    assert check.status == SandboxCardCheck.Status.DECLINED
    assert check.decline_reason == "3ds_failed"


def test_parallel_wrong_card_numbers_all_count(client):
    from gosportal.integrations.bank import sandbox

    sign_in_as(client, make_person())
    start_check(client)
    check_id = SandboxCardCheck.objects.get().pk
    copies = [SandboxCardCheck.objects.get(pk=check_id) for _ in range(sandbox.CARD_NUMBER_TRIES)]
    for copy in copies[:-1]:
        with pytest.raises(sandbox.CardRefused):
            sandbox.submit_card(copy, number="4000000000000002", expiry=datetime.date(2030, 12, 31))
    sandbox.submit_card(copies[-1], number="4000000000000002", expiry=datetime.date(2030, 12, 31))

    check = SandboxCardCheck.objects.get(pk=check_id)
    assert check.attempts == sandbox.CARD_NUMBER_TRIES
    assert check.status == SandboxCardCheck.Status.DECLINED
