"""Brute-force defence of the password step (AUTH-5): CAPTCHA after 3 failures, then
growing temporary locks, keyed by the login and never by an address alone."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from gosportal.accounts import captcha, lockout
from gosportal.accounts.models import LoginEvent, LoginThrottle
from gosportal.core.models import AuditEvent
from tests.accounts.activity_support import browser, notices, post_login
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
WRONG = "Wrong-Password-1"
IMAGE = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")
QUESTION = re.compile(r"Сколько будет [а-яё]+ (плюс|минус) [а-яё]+\?")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def normalised(response, login: str) -> tuple[int, str]:
    body = response.content.decode()
    for pattern in (IMAGE, QUESTION, CSRF):
        body = pattern.sub("", body)
    return response.status_code, body.replace(login, "LOGIN")


def fail(client, login, times, *, solve=None):
    response = None
    for attempt in range(times):
        needs = solve if solve is not None else attempt >= 3
        response = post_login(client, login, WRONG, solve=needs)
    return response


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_fourth_attempt_demands_a_captcha():
    user = UserFactory()
    client = browser()
    assert "captcha" not in fail(client, user.email, 2).content.decode()
    third = fail(client, user.email, 1)
    assert 'name="captcha"' in third.content.decode()
    assert "Сколько будет" in third.content.decode()
    assert 'alt="Проверочная картинка с пятью цифрами' in third.content.decode()

    refused = post_login(client, user.email, DEFAULT_PASSWORD)  # the right password, no answer
    assert refused.status_code == 200 and not signed_in(client)
    assert "Введите цифры с картинки или ответ на вопрос." in refused.content.decode()

    post_login(client, user.email, DEFAULT_PASSWORD, solve=True)
    assert signed_in(client)


def test_a_wrong_captcha_answer_is_refused_counted_as_captcha_and_not_as_a_password():
    user = UserFactory()
    client = browser()
    fail(client, user.email, 3)
    response = post_login(client, user.email, DEFAULT_PASSWORD, captcha="99999x")
    assert "Ответ на проверку «я не робот» неверный" in response.content.decode()
    assert not signed_in(client)
    assert LoginEvent.objects.filter(user=user, result="captcha").count() == 1
    row = LoginThrottle.objects.get(key=lockout.throttle_keys(user.email, "198.51.100.7")[0])
    assert row.failures == 3


def test_a_captcha_answer_works_only_once(rf):
    request = rf.get("/")
    request.session = {}
    captcha.new_challenge(request)
    stored = dict(request.session[captcha.SESSION_KEY])
    answer = next(str(n) for n in range(19) if captcha.matches(stored, str(n)))
    assert captcha.verify(request, answer)
    assert not captcha.verify(request, answer)


def test_the_digits_of_the_picture_are_accepted_too(monkeypatch, rf):
    shown = {}
    real_render = captcha._render
    monkeypatch.setattr(
        captcha, "_render", lambda digits: shown.setdefault("d", digits) and real_render(digits)
    )
    request = rf.get("/")
    request.session = {}
    challenge = captcha.new_challenge(request)
    assert challenge.image_data_uri.startswith("data:image/png;base64,")
    assert captcha.matches(request.session[captcha.SESSION_KEY], shown["d"])
    assert not captcha.matches(request.session[captcha.SESSION_KEY], "abcde")


def test_allowed_then_captcha_then_locked_still_locked_just_before_expiry_then_open():
    user = UserFactory()
    client = browser()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(client, user.email, 5)  # the fifth failure locks for 1 minute
        locked = post_login(client, user.email, DEFAULT_PASSWORD, solve=True)
        assert "Неверный логин или пароль." in locked.content.decode()
        assert not signed_in(client)
    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        post_login(client, user.email, DEFAULT_PASSWORD, solve=True)
        assert not signed_in(client)
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        post_login(client, user.email, DEFAULT_PASSWORD, solve=True)
        assert signed_in(client)
    assert LoginEvent.objects.filter(user=user, result="locked").count() == 2


def test_locks_grow_one_five_thirty_sixty_minutes_and_stay_at_sixty():
    start = timezone.now()
    lengths = []
    moment = start
    for _lock in range(5):
        with time_machine.travel(moment, tick=False):
            until = None
            for _failure in range(5):
                until = lockout.record_failure("someone@example.ru", "203.0.113.1") or until
            lengths.append(round((until - moment).total_seconds() / 60))
            moment = until + timedelta(seconds=1)
    assert lengths == [1, 5, 30, 60, 60]


def test_failures_during_a_lock_are_not_counted():
    with time_machine.travel(timezone.now(), tick=False):
        for _failure in range(5):
            lockout.record_failure("someone@example.ru", "203.0.113.1")
        assert lockout.record_failure("someone@example.ru", "203.0.113.1") is None
        row = LoginThrottle.objects.get(key=lockout.throttle_keys("someone@example.ru", None)[0])
        assert (row.failures, row.lock_level) == (5, 1)


def test_existing_and_unknown_logins_answer_identically_at_every_step():
    user = UserFactory(email="known@example.ru")
    known, unknown = browser(), browser()
    for attempt in range(7):
        solve = attempt >= 3
        a = post_login(known, "known@example.ru", WRONG, solve=solve)
        b = post_login(unknown, "nobody@example.ru", WRONG, solve=solve)
        assert normalised(a, "known@example.ru") == normalised(b, "nobody@example.ru"), attempt
    assert LoginEvent.objects.filter(user=user).count() == 7


def test_a_locked_login_with_the_right_password_answers_like_a_wrong_password():
    user = UserFactory()
    client = browser()
    with time_machine.travel(timezone.now(), tick=False):
        fail(client, user.email, 5)
        wrong = post_login(client, user.email, WRONG, solve=True)
        right = post_login(client, user.email, DEFAULT_PASSWORD, solve=True)
    assert normalised(right, user.email) == normalised(wrong, user.email)
    assert not signed_in(client)


def test_the_login_is_locked_from_other_addresses_too_but_counted_per_login_not_address():
    user, other = UserFactory(), UserFactory()
    with time_machine.travel(timezone.now(), tick=False):
        fail(browser("203.0.113.1"), user.email, 5)
        elsewhere = browser("203.0.113.99")
        # The same address signs another person in without any CAPTCHA (carrier NAT).
        neighbour = browser("203.0.113.1")
        post_login(neighbour, other.email, DEFAULT_PASSWORD)
        assert signed_in(neighbour)
        post_login(elsewhere, user.email, DEFAULT_PASSWORD)
        assert not signed_in(elsewhere)


def test_the_owner_is_told_once_per_lock_with_the_unlock_time():
    user = UserFactory()
    client = browser()
    with time_machine.travel(timezone.now(), tick=False):
        fail(client, user.email, 5)
        post_login(client, user.email, WRONG, solve=True)  # refused while locked: no new notice
    texts = [t for t in notices() if "временно заблокирован" in t]
    assert len(texts) == 1
    assert "Вход в вашу учётную запись временно заблокирован после неудачных попыток" in texts[0]
    assert "Забыли пароль?" in texts[0] or "password" in texts[0]


def test_a_successful_sign_in_resets_the_counters():
    user = UserFactory()
    client = browser()
    fail(client, user.email, 3)
    post_login(client, user.email, DEFAULT_PASSWORD, solve=True)
    assert signed_in(client)
    assert lockout.state(user.email, "198.51.100.7") == lockout.ThrottleState(False, None)


def test_a_password_reset_clears_the_lock_from_every_address():
    user = UserFactory()
    with time_machine.travel(timezone.now(), tick=False):
        fail(browser("203.0.113.1"), user.email, 5)
        fail(browser("203.0.113.2"), user.phone, 3)
        lockout.reset_for_user(user)
        assert not LoginThrottle.objects.exists()
        client = browser("203.0.113.1")
        post_login(client, user.email, DEFAULT_PASSWORD)
        assert signed_in(client)


def test_the_same_login_typed_differently_is_counted_once():
    user = UserFactory(phone="+79161234567")
    client = browser()
    post_login(client, "8 (916) 123-45-67", WRONG)
    post_login(client, "+7 916 123 45 67", WRONG)
    post_login(client, "89161234567", WRONG)
    assert lockout.state(user.phone, "198.51.100.7").captcha_required


def test_failures_are_recorded_and_audited_without_the_login_in_clear():
    user = UserFactory(email="secret-login@example.ru")
    client = browser()
    post_login(client, user.email, WRONG)
    post_login(client, "ghost@example.ru", WRONG)
    event = LoginEvent.objects.get(user=user)
    assert (event.result, event.method, event.browser) == ("wrong_password", "password", "Firefox")
    audits = AuditEvent.objects.filter(action="accounts.login_failed")
    assert [a.details["reason"] for a in audits] == ["wrong_password", "wrong_password"]
    assert audits[0].actor_id == user.pk and audits[1].actor_id is None
    assert all("example.ru" not in str(a.details) for a in audits)


def test_a_disabled_account_answers_like_a_wrong_password_and_is_recorded():
    user = UserFactory(is_active=False)
    client = browser()
    response = post_login(client, user.email, DEFAULT_PASSWORD)
    assert "Неверный логин или пароль." in response.content.decode()
    assert LoginEvent.objects.get(user=user).result == "inactive"


def test_old_failures_are_forgotten_after_a_quiet_day():
    user = UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(browser(), user.email, 3)
    with time_machine.travel(start + timedelta(hours=25), tick=False):
        assert not lockout.state(user.email, "198.51.100.7").captcha_required
