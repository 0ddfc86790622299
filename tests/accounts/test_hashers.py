"""Argon2id with settings' parameters, a per-process cap on concurrent hashes, a rehash
when the parameters change, and the same hashing work for unknown logins (AUTH-1/2)."""

import os
import threading
import time

import argon2
import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import check_password, get_hasher, identify_hasher

from gosportal.accounts.hashers import Argon2PasswordHasher
from tests.accounts.activity_support import browser, post_login
from tests.factories import DEFAULT_PASSWORD, UserFactory

HASHER = "gosportal.accounts.hashers.Argon2PasswordHasher"
WAIT = 30  # seconds a condition may take on a busy machine before the test gives up


@pytest.fixture
def argon2_hashing(settings):
    """Real Argon2id with small costs; ``use(**params)`` changes them for the process."""

    def use(*, parallelism=1, max_concurrent=2, memory_cost=64):
        settings.ARGON2_TIME_COST = 1
        settings.ARGON2_MEMORY_COST = memory_cost
        settings.ARGON2_PARALLELISM = parallelism
        settings.ARGON2_MAX_CONCURRENT = max_concurrent
        settings.PASSWORD_HASHERS = [HASHER]  # Django builds its hashers anew

    use()
    return use


@pytest.fixture
def argon2_calls(monkeypatch):
    """How often the real Argon2 ran, by kind ("hash" or "verify")."""
    calls = {"hash": 0, "verify": 0}
    real_hash, real_verify = argon2.low_level.hash_secret, argon2.low_level.verify_secret

    def counted_hash(*args, **kwargs):
        calls["hash"] += 1
        return real_hash(*args, **kwargs)

    def counted_verify(*args, **kwargs):
        calls["verify"] += 1
        return real_verify(*args, **kwargs)

    monkeypatch.setattr(argon2.low_level, "hash_secret", counted_hash)
    monkeypatch.setattr(argon2.low_level, "verify_secret", counted_verify)
    return calls


def test_the_parameters_come_from_settings(argon2_hashing):
    argon2_hashing(parallelism=3, memory_cost=96)
    encoded = get_hasher("default").encode("Пароль-1", get_hasher("default").salt())
    assert encoded.startswith("argon2$argon2id$v=19$m=96,t=1,p=3$")
    assert check_password("Пароль-1", encoded)
    assert not check_password("Пароль-2", encoded)


def test_lanes_and_the_cap_default_to_the_cores():
    cores = len(os.sched_getaffinity(0))
    assert cores == django_settings.ARGON2_PARALLELISM
    assert cores == django_settings.ARGON2_MAX_CONCURRENT


def test_no_more_hashes_run_at_once_than_the_cap(argon2_hashing, monkeypatch):
    argon2_hashing(max_concurrent=2)
    hasher = get_hasher("default")  # the process's instance, as check_password uses
    assert isinstance(hasher, Argon2PasswordHasher)
    encoded = hasher.encode("Пароль-1", hasher.salt())
    real_verify = argon2.low_level.verify_secret
    state = threading.Condition()
    inside = {"now": 0, "most": 0}
    release = threading.Event()

    def blocking_verify(*args, **kwargs):
        with state:
            inside["now"] += 1
            inside["most"] = max(inside["most"], inside["now"])
            state.notify_all()
        release.wait(WAIT)
        try:
            return real_verify(*args, **kwargs)
        finally:
            with state:
                inside["now"] -= 1

    monkeypatch.setattr(argon2.low_level, "verify_secret", blocking_verify)
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(hasher.verify("Пароль-1", encoded)))
        for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    try:
        # Two threads are inside Argon2 and the other four wait at the gate (the gate's
        # counters change without telling this condition, so it is checked again often).
        deadline = time.monotonic() + WAIT
        with state:
            while not (inside["now"] == 2 and hasher.gate.waiting == 4):
                assert time.monotonic() < deadline, (inside, hasher.gate.waiting)
                state.wait(0.01)
        assert hasher.gate.running == 2
    finally:
        release.set()
        for thread in threads:
            thread.join(WAIT)
    assert inside["most"] == 2
    assert results == [True] * 6
    assert identify_hasher(encoded) is hasher
    assert (hasher.gate.running, hasher.gate.waiting) == (0, 0)


@pytest.mark.django_db
def test_a_new_parallelism_rehashes_at_the_next_sign_in(argon2_hashing):
    argon2_hashing(parallelism=1)
    user = UserFactory()
    user.set_password(DEFAULT_PASSWORD)
    user.save(update_fields=["password"])
    assert ",p=1$" in user.password
    argon2_hashing(parallelism=2)
    assert get_hasher("default").must_update(user.password)
    assert post_login(browser(), user.email, DEFAULT_PASSWORD).status_code == 302
    user.refresh_from_db()
    assert ",p=2$" in user.password
    assert not get_hasher("default").must_update(user.password)
    assert check_password(DEFAULT_PASSWORD, user.password)


@pytest.mark.django_db
def test_an_unknown_login_costs_one_hash_like_a_known_one(argon2_hashing, argon2_calls):
    user = UserFactory()
    user.set_password(DEFAULT_PASSWORD)
    user.save(update_fields=["password"])
    argon2_calls.update(hash=0, verify=0)

    post_login(browser(), "nobody@example.ru", "Неверный-пароль-1")
    assert argon2_calls == {"hash": 1, "verify": 0}

    post_login(browser(), user.email, "Неверный-пароль-1")
    assert argon2_calls == {"hash": 1, "verify": 1}

    user.set_unusable_password()
    user.save(update_fields=["password"])
    post_login(browser(), user.email, DEFAULT_PASSWORD)
    assert argon2_calls == {"hash": 2, "verify": 1}
