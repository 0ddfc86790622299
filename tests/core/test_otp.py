"""One-time codes: format, storage, lifetime, tries, limits and the audit trail (AUTH-4)."""

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import override_settings

from gosportal.core import otp
from gosportal.core.crypto import blind_index
from gosportal.core.errors import InvalidInput, RateLimited
from gosportal.core.models import AuditEvent, OneTimeCode

pytestmark = pytest.mark.django_db

START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
PHONE = "+79161234567"
OTHER_PHONE = "+79169876543"
IP = "203.0.113.5"

EXPIRED = "Код устарел. Запросите новый код."
BURNT = "Код больше не действует: превышено число попыток. Запросите новый."


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def at(clock, seconds: float) -> None:
    clock.move_to(START + timedelta(seconds=seconds))


def issue(purpose: str = "login", destination: str = PHONE, ip: str | None = None):
    return otp.issue_code(purpose=purpose, destination=destination, ip=ip)


def verify(code: str, purpose: str = "login", destination: str = PHONE) -> None:
    otp.verify_code(purpose=purpose, destination=destination, code=code)


def wrong(code: str) -> str:
    """Another code of the same length."""
    return f"{(int(code) + 1) % 10 ** len(code):0{len(code)}d}"


def otp_settings(**changes):
    return override_settings(OTP={**settings.OTP, **changes})


def fixed_codes(monkeypatch, *values: int) -> None:
    numbers = iter(values)
    monkeypatch.setattr(otp.secrets, "randbelow", lambda _upper: next(numbers))


def audit_rows(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


# The code and what is stored


def test_code_is_six_digits(clock):
    assert re.fullmatch(r"\d{6}", issue().code)


def test_code_keeps_its_leading_zeros(clock, monkeypatch):
    fixed_codes(monkeypatch, 7)
    assert issue().code == "000007"


def test_only_a_keyed_hash_of_the_code_is_stored(clock):
    issued = issue()
    row = OneTimeCode.objects.get()
    assert row.code_hash != issued.code
    assert row.code_hash != hashlib.sha256(issued.code.encode()).hexdigest()
    assert len(row.code_hash) == 64


def test_neither_the_code_nor_the_phone_appears_in_any_column(clock, monkeypatch):
    fixed_codes(monkeypatch, 480913)
    issue(ip=IP)
    row = OneTimeCode.objects.get()
    for column in OneTimeCode._meta.concrete_fields:
        stored = str(getattr(row, column.attname))
        assert "480913" not in stored, column.name
        assert "9161234567" not in stored, column.name


def test_destination_is_stored_as_its_blind_index(clock):
    issue()
    assert OneTimeCode.objects.get().destination_index == blind_index(
        PHONE, purpose="otp-destination"
    )


def test_issued_code_tells_when_it_expires_and_when_to_resend(clock):
    issued = issue()
    assert issued.expires_at == START + timedelta(minutes=5)
    assert issued.resend_available_at == START + timedelta(seconds=60)


def test_issued_code_does_not_show_the_code_in_its_repr(clock, monkeypatch):
    fixed_codes(monkeypatch, 480913)
    assert "480913" not in repr(issue())


# Lifetime and single use


def test_code_is_accepted_just_before_it_expires(clock):
    issued = issue()
    at(clock, 4 * 60 + 59)
    verify(issued.code)
    assert OneTimeCode.objects.get().used_at == START + timedelta(seconds=299)


def test_code_is_refused_just_after_it_expires(clock):
    issued = issue()
    at(clock, 5 * 60 + 1)
    with pytest.raises(InvalidInput, match=EXPIRED) as caught:
        verify(issued.code)
    assert caught.value.field == "code"


def test_code_works_only_once(clock):
    issued = issue()
    verify(issued.code)
    with pytest.raises(InvalidInput, match=EXPIRED):
        verify(issued.code)


def test_code_is_refused_for_another_purpose(clock):
    issued = issue(purpose="login")
    with pytest.raises(InvalidInput, match=EXPIRED):
        verify(issued.code, purpose="password-reset")


def test_new_code_supersedes_the_earlier_one(clock, monkeypatch):
    fixed_codes(monkeypatch, 111111, 222222)
    first = issue()
    at(clock, 60)
    second = issue()
    with pytest.raises(InvalidInput):
        verify(first.code)
    verify(second.code)
    assert OneTimeCode.objects.get(superseded=True).created_at == START


def test_code_with_spaces_is_accepted(clock, monkeypatch):
    fixed_codes(monkeypatch, 123456)
    issue()
    verify(" 123 456 ")


# Tries


def test_wrong_code_says_how_many_tries_are_left(clock):
    issued = issue()
    with pytest.raises(InvalidInput, match=r"^Неверный код\. Осталось попыток: 2\.$") as caught:
        verify(wrong(issued.code))
    assert caught.value.field == "code"


def test_wrong_try_is_stored_although_the_check_raises(clock):
    issued = issue()
    with pytest.raises(InvalidInput):
        verify(wrong(issued.code))
    assert OneTimeCode.objects.get().attempts == 1


def test_three_wrong_tries_burn_the_code_even_if_the_fourth_is_right(clock):
    issued = issue()
    for _ in range(2):
        with pytest.raises(InvalidInput, match="Неверный код"):
            verify(wrong(issued.code))
    with pytest.raises(InvalidInput, match=BURNT):
        verify(wrong(issued.code))
    with pytest.raises(InvalidInput, match=BURNT):
        verify(issued.code)


def test_code_that_is_not_six_digits_costs_a_try(clock):
    issue()
    with pytest.raises(InvalidInput, match=r"^Код — 6 цифр из сообщения\.$"):
        verify("12ab56")
    assert OneTimeCode.objects.get().attempts == 1


@pytest.mark.parametrize("blank", ["", "   "])
def test_blank_code_costs_no_try(clock, blank):
    issue()
    with pytest.raises(InvalidInput, match="Введите код из сообщения"):
        verify(blank)
    assert OneTimeCode.objects.get().attempts == 0


def fail_codes(clock, count: int, *, first_at: int = 0) -> Exception:
    """Enter ``count`` wrong codes, asking for a new code (a minute apart) every three."""
    error = None
    for attempt in range(count):
        if attempt % 3 == 0:
            at(clock, first_at + 60 * (attempt // 3))
            issued = issue()
        try:
            verify(wrong(issued.code))
        except (InvalidInput, RateLimited) as exc:
            error = exc
    return error


def test_ten_wrong_codes_in_a_row_lock_the_code_step_for_fifteen_minutes(clock):
    # Allowed: nine wrong codes across three codes are only wrong codes.
    assert isinstance(fail_codes(clock, 9), InvalidInput)
    # Blocked: the tenth in a row (on the fourth code, sent at 3:00) locks the step.
    at(clock, 180)
    issued = issue()
    with pytest.raises(RateLimited, match="Повторите через 15 мин") as caught:
        verify(wrong(issued.code))
    assert caught.value.retry_after == 15 * 60
    # Still blocked a second before the lock ends: no new code, no check.
    at(clock, 180 + 15 * 60 - 1)
    with pytest.raises(RateLimited, match="заблокирован"):
        issue()
    with pytest.raises(RateLimited, match="заблокирован"):
        verify(issued.code)
    # Open when the lock ends.
    at(clock, 180 + 15 * 60)
    verify(issue().code)


def test_right_code_ends_the_run_of_wrong_codes(clock):
    fail_codes(clock, 9)
    at(clock, 180)
    verify(issue().code)
    at(clock, 240)
    issued = issue()
    with pytest.raises(InvalidInput, match="Осталось попыток: 2"):
        verify(wrong(issued.code))


# Limits on issuing


def test_resend_waits_sixty_seconds(clock):
    issue()
    with pytest.raises(RateLimited, match=r"^Повторно запросить код можно через 60 с\.$") as caught:
        issue()
    assert caught.value.retry_after == 60
    at(clock, 59)
    with pytest.raises(RateLimited, match="через 1 с"):
        issue()
    at(clock, 60)
    issue()


def test_five_codes_per_fifteen_minutes_per_phone(clock):
    for minute in range(5):
        at(clock, 60 * minute)
        issue()
    at(clock, 300)
    with pytest.raises(RateLimited, match="на этот номер или адрес") as caught:
        issue()
    assert caught.value.retry_after == 600
    at(clock, 15 * 60 - 1)
    with pytest.raises(RateLimited):
        issue()
    at(clock, 15 * 60)
    issue()


def test_fifteen_minute_cap_counts_codes_for_every_purpose(clock):
    for minute in range(5):
        at(clock, 60 * minute)
        issue(purpose="login")
    with pytest.raises(RateLimited, match="на этот номер или адрес"):
        issue(purpose="password-reset")


def test_fifteen_minute_cap_does_not_touch_another_phone(clock):
    for minute in range(5):
        at(clock, 60 * minute)
        issue()
    issue(destination=OTHER_PHONE)


def test_ten_codes_per_day_per_phone_across_two_purposes(clock):
    # Two callers (sign-in and password reset, as two accounts would) share the phone.
    for n in range(5):
        at(clock, 60 * n)
        issue(purpose="login")
    for n in range(5):
        at(clock, 15 * 60 + 60 * n)
        issue(purpose="password-reset")
    # Blocked: the fifteen-minute window is empty again, the day holds ten codes.
    at(clock, 15 * 60 + 4 * 60 + 15 * 60)
    with pytest.raises(RateLimited, match="на этот номер или адрес") as caught:
        issue(purpose="login")
    assert caught.value.retry_after == 86400 - (34 * 60)
    at(clock, 86400 - 1)
    with pytest.raises(RateLimited):
        issue(purpose="login")
    at(clock, 86400)
    issue(purpose="login")


def test_resend_time_accounts_for_the_phone_cap(clock):
    for minute in range(4):
        at(clock, 60 * minute)
        issue()
    at(clock, 240)
    assert issue().resend_available_at == START + timedelta(minutes=15)


def test_twenty_codes_per_hour_per_address_across_phones(clock):
    phones = [f"+7916000{n:04d}" for n in range(21)]
    for phone in phones[:20]:
        issue(destination=phone, ip=IP)
    with pytest.raises(RateLimited, match="с вашего IP-адреса") as caught:
        issue(destination=phones[20], ip=IP)
    assert caught.value.retry_after == 3600
    at(clock, 3600 - 1)
    with pytest.raises(RateLimited):
        issue(destination=phones[20], ip=IP)
    at(clock, 3600)
    issue(destination=phones[20], ip=IP)


def test_address_cap_does_not_touch_another_address(clock):
    for n in range(20):
        issue(destination=f"+7916000{n:04d}", ip=IP)
    issue(destination=OTHER_PHONE, ip="198.51.100.7")


def test_email_destination_is_case_insensitive(clock):
    issue(destination="ivanov@example.ru")
    with pytest.raises(RateLimited, match="Повторно"):
        issue(destination="Ivanov@Example.RU")


# Audit trail


def test_issuing_is_audited_with_the_blind_index_not_the_phone(clock):
    issue()
    (row,) = audit_rows("otp.issued")
    assert row.details == {
        "purpose": "login",
        "destination": blind_index(PHONE, purpose="otp-destination"),
    }
    assert "9161234567" not in json.dumps(row.details)


def test_refused_request_is_audited(clock):
    issue()
    with pytest.raises(RateLimited):
        issue()
    (row,) = audit_rows("otp.refused")
    assert row.details["reason"] == "cooldown"


def test_right_code_is_audited(clock):
    verify(issue().code)
    assert len(audit_rows("otp.verified")) == 1
    assert audit_rows("otp.failed") == []


def test_wrong_code_is_audited(clock):
    issued = issue()
    with pytest.raises(InvalidInput):
        verify(wrong(issued.code))
    (row,) = audit_rows("otp.failed")
    assert row.details["reason"] == "wrong"
    assert row.object_id == str(OneTimeCode.objects.get().pk)


def test_lock_is_audited(clock):
    fail_codes(clock, 10)
    (row,) = audit_rows("otp.locked")
    assert row.details["destination"] == blind_index(PHONE, purpose="otp-destination")


# Numbers come from settings


def test_code_length_follows_settings(clock):
    with otp_settings(LENGTH=8):
        assert re.fullmatch(r"\d{8}", issue().code)


def test_lifetime_follows_settings(clock):
    with otp_settings(TTL_SECONDS=60):
        issued = issue()
        at(clock, 61)
        with pytest.raises(InvalidInput, match=EXPIRED):
            verify(issued.code)


def test_tries_per_code_follow_settings(clock):
    with otp_settings(MAX_ATTEMPTS=5):
        issued = issue()
        with pytest.raises(InvalidInput, match="Осталось попыток: 4"):
            verify(wrong(issued.code))


def test_resend_cooldown_follows_settings(clock):
    with otp_settings(RESEND_COOLDOWN_SECONDS=10):
        issue()
        at(clock, 10)
        issue()


def test_phone_caps_follow_settings(clock):
    with otp_settings(DESTINATION_LIMITS=[(3600, 2)]):
        issue()
        at(clock, 60)
        issue()
        at(clock, 120)
        with pytest.raises(RateLimited, match="на этот номер или адрес"):
            issue()


def test_address_cap_follows_settings(clock):
    with otp_settings(IP_LIMIT=(3600, 1)):
        issue(ip=IP)
        with pytest.raises(RateLimited, match="с вашего IP-адреса"):
            issue(destination=OTHER_PHONE, ip=IP)


def test_lock_follows_settings(clock):
    with otp_settings(LOCK_AFTER_FAILURES=2, LOCK_SECONDS=60):
        issued = issue()
        with pytest.raises(InvalidInput):
            verify(wrong(issued.code))
        with pytest.raises(RateLimited) as caught:
            verify(wrong(issued.code))
        assert caught.value.retry_after == 60
