"""Fixed-window rate limits in the cache, the view decorator and the sign-in page's limit."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from gosportal.core import ratelimit
from gosportal.core.errors import RateLimited
from gosportal.core.ratelimit import Rate
from tests.factories import UserFactory

# A quarter-hour boundary, so the windows of every rate below start here.
START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
IP = "203.0.113.5"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def at(clock, seconds: float) -> None:
    clock.move_to(START + timedelta(seconds=seconds))


# Rates and counters


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("20/h", Rate(limit=20, period=3600)),
        ("5/15m", Rate(limit=5, period=900)),
        ("10/d", Rate(limit=10, period=86400)),
        ("3/s", Rate(limit=3, period=1)),
    ],
)
def test_rate_is_parsed_from_text(text, rate):
    assert Rate.parse(text) == rate


def test_each_hit_is_counted(clock):
    counts = [ratelimit.hit("k", "5/h").count for _ in range(3)]
    assert counts == [1, 2, 3]


def test_limit_is_exceeded_only_by_the_hit_past_it(clock):
    usages = [ratelimit.hit("k", "3/h") for _ in range(4)]
    assert [usage.exceeded for usage in usages] == [False, False, False, True]


def test_check_raises_with_the_seconds_until_the_window_ends(clock):
    at(clock, 30 * 60)
    ratelimit.check("k", "2/h")
    ratelimit.check("k", "2/h")
    with pytest.raises(RateLimited, match="Повторите через 30 мин") as caught:
        ratelimit.check("k", "2/h")
    assert caught.value.retry_after == 30 * 60


def test_window_opens_again_after_its_period(clock):
    for _ in range(5):
        ratelimit.check("k", "5/15m")
    with pytest.raises(RateLimited):
        ratelimit.check("k", "5/15m")
    at(clock, 15 * 60 - 1)
    with pytest.raises(RateLimited):
        ratelimit.check("k", "5/15m")
    # The locmem cache expires entries by time.time(), which time-machine moves too.
    at(clock, 15 * 60)
    assert ratelimit.check("k", "5/15m").count == 1


def test_keys_are_counted_apart(clock):
    for _ in range(2):
        ratelimit.check("otp:ip:203.0.113.5", "2/h")
    with pytest.raises(RateLimited):
        ratelimit.check("otp:ip:203.0.113.5", "2/h")
    assert ratelimit.check("otp:ip:198.51.100.7", "2/h").count == 1


def test_peek_does_not_count(clock):
    ratelimit.hit("k", "5/h")
    ratelimit.hit("k", "5/h")
    assert ratelimit.peek("k", "5/h").count == 2
    assert ratelimit.peek("k", "5/h").count == 2
    assert ratelimit.hit("k", "5/h").count == 3


def test_reset_clears_the_count(clock):
    for _ in range(3):
        ratelimit.hit("k", "3/h")
    ratelimit.reset("k", "3/h")
    assert ratelimit.peek("k", "3/h").count == 0
    assert not ratelimit.check("k", "3/h").exceeded


# The view decorator


@ratelimit.ratelimit(group="test-form", rate="2/h")
def limited_view(request):
    return HttpResponse("ok")


def make_request(method: str = "post", *, user=None, ip: str = IP):
    request = getattr(RequestFactory(), method)("/form/")
    request.client_ip = ip
    request.user = user if user is not None else AnonymousUser()
    return request


def test_view_is_served_up_to_the_limit_then_refused(clock):
    assert [limited_view(make_request()).status_code for _ in range(2)] == [200, 200]
    with pytest.raises(RateLimited):
        limited_view(make_request())


def test_get_is_not_counted_when_only_post_is_limited(clock):
    for _ in range(5):
        assert limited_view(make_request("get")).status_code == 200
    assert [limited_view(make_request()).status_code for _ in range(2)] == [200, 200]


def test_anonymous_visitors_are_counted_by_address(clock):
    for _ in range(2):
        limited_view(make_request(ip=IP))
    assert limited_view(make_request(ip="198.51.100.7")).status_code == 200


@pytest.mark.django_db
def test_signed_in_users_behind_one_address_have_their_own_budgets(clock):
    # Carrier NAT: many subscribers share one public address.
    first, second = UserFactory(), UserFactory()
    for _ in range(2):
        limited_view(make_request(user=first))
    assert limited_view(make_request(user=second)).status_code == 200
    with pytest.raises(RateLimited):
        limited_view(make_request(user=first))


@pytest.mark.django_db
def test_key_names_the_user_when_signed_in_and_the_address_otherwise():
    user = UserFactory()
    assert ratelimit.key_user_or_ip(make_request(user=user)) == f"user:{user.pk}"
    assert ratelimit.key_user_or_ip(make_request()) == f"ip:{IP}"
