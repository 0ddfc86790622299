"""The sandbox Russian Post: S10 tracking numbers, letters in the outbox, tracking by day."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from gosportal.integrations.models import SandboxMessage
from gosportal.integrations.post.base import (
    PostError,
    get_post_office,
    is_valid_tracking_number,
    s10_check_digit,
)
from gosportal.integrations.post.sandbox import SandboxPostOffice, make_tracking_number

SENT_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ADDRESS = "г. Тула, ул. Советская, д. 5, кв. 7"


@pytest.mark.parametrize(
    ("serial", "digit"),
    [
        # 4·8+7·6+3·4+1·2+2·3+4·5+8·9+2·7 = 200; 200 mod 11 = 2; 11 − 2 = 9
        ("47312482", 9),
        # sum 0 → 11 → 5
        ("00000000", 5),
        # 6·2 = 12 (fourth weight); 12 mod 11 = 1 → 10 → 0
        ("00060000", 0),
        # 6·3 = 18 (fifth weight); 18 mod 11 = 7 → 4
        ("00006000", 4),
        # 1·8 + 2·6 + 3·4 + 4·2 + 5·3 + 6·5 + 7·9 + 8·7 = 204; 204 mod 11 = 6 → 5
        ("12345678", 5),
    ],
)
def test_s10_check_digit(serial, digit):
    assert s10_check_digit(serial) == digit


def test_s10_check_digit_needs_eight_digits():
    with pytest.raises(ValueError):
        s10_check_digit("1234567")


def test_tracking_number_is_ra_serial_check_digit_ru():
    assert make_tracking_number(47312482) == "RA473124829RU"
    assert is_valid_tracking_number("RA473124829RU")
    assert not is_valid_tracking_number("RA473124828RU")


@pytest.mark.django_db
def test_the_adapter_is_chosen_by_settings():
    assert isinstance(get_post_office(), SandboxPostOffice)


@pytest.mark.django_db
def test_a_letter_is_kept_in_the_outbox_with_its_tracking_number():
    number = SandboxPostOffice().send_letter(address=ADDRESS, recipient="Иванов И. И.", text="Код")
    assert is_valid_tracking_number(number) and number.startswith("RA") and number.endswith("RU")
    letter = SandboxMessage.objects.get(channel=SandboxMessage.Channel.POST)
    assert (letter.recipient, letter.subject, letter.body) == (ADDRESS, number, "Код")


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["", "   "])
def test_a_letter_without_address_is_refused(address):
    with pytest.raises(PostError):
        SandboxPostOffice().send_letter(address=address, recipient="Иванов", text="Код")
    assert not SandboxMessage.objects.exists()


def _statuses(number):
    return [event.status for event in SandboxPostOffice().track(number)]


@pytest.mark.django_db
def test_the_timeline_follows_the_days_since_sending():
    office = SandboxPostOffice()
    with time_machine.travel(SENT_AT, tick=False):
        number = office.send_letter(address=ADDRESS, recipient="", text="Код")
        assert _statuses(number) == ["Принято в отделении связи"]
    expected = {
        1: ["Принято в отделении связи", "Сортировочный центр"],
        2: ["Принято в отделении связи", "Сортировочный центр"],
        3: ["Принято в отделении связи", "Сортировочный центр", "Прибыло в место вручения"],
        4: [
            "Принято в отделении связи",
            "Сортировочный центр",
            "Прибыло в место вручения",
            "Вручено адресату",
        ],
    }
    for day, statuses in expected.items():
        with time_machine.travel(SENT_AT + timedelta(days=day), tick=False):
            assert _statuses(number) == statuses
    with time_machine.travel(SENT_AT + timedelta(days=4), tick=False):
        dates = [event.date for event in office.track(number)]
    assert dates == [SENT_AT + timedelta(days=d) for d in (0, 1, 3, 4)]


@pytest.mark.django_db
def test_an_unknown_address_is_returned_to_sender_and_never_delivered():
    with time_machine.travel(SENT_AT, tick=False):
        number = SandboxPostOffice().send_letter(
            address="г. Тула, НЕТ ТАКОГО АДРЕСА, д. 1", recipient="", text="Код"
        )
    with time_machine.travel(SENT_AT + timedelta(days=30), tick=False):
        assert _statuses(number) == [
            "Принято в отделении связи",
            "Сортировочный центр",
            "Возвращено отправителю",
        ]


@pytest.mark.django_db
def test_an_unknown_tracking_number_has_no_events():
    assert SandboxPostOffice().track("RA000000005RU") == []
