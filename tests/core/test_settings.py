"""Settings that protect production even though the test run relaxes them."""

import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.subprocess
def test_passwords_are_hashed_with_argon2id_outside_tests():
    assert (
        settings.PRODUCTION_PASSWORD_HASHERS[0] == "gosportal.accounts.hashers.Argon2PasswordHasher"
    )
    env = {k: v for k, v in os.environ.items() if k != "TESTING"}
    code = "from django.conf import settings; print(settings.PASSWORD_HASHERS[0])"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert (
        result.stdout.strip().splitlines()[-1] == "gosportal.accounts.hashers.Argon2PasswordHasher"
    )


PRODUCTION_LIKE = {
    "DEBUG": "false",
    "HTTPS": "true",
    "SECRET_KEY": "production-like-secret-key-for-the-deploy-check-0123456789abcdef",
    "FIELD_ENCRYPTION_KEYS": "k1:" + "A" * 43 + "=",
    "BLIND_INDEX_KEY": "b" * 40,
    "ALLOWED_HOSTS": "gosportal.example",
    "CSRF_TRUSTED_ORIGINS": "https://gosportal.example",
    "BANK_SANDBOX": "false",
    "CA_SANDBOX": "false",
    "BANK_OIDC_PROVIDERS": (
        '{"severny": {"name": "Банк «Северный»", "issuer": "https://id.severny.example",'
        ' "client_id": "gosportal", "client_secret": "s3cret"}}'
    ),
}


def _check_deploy(**overrides):
    """``manage.py check --deploy`` in a production-like environment; a result is reused
    by the tests of this process that ask for the same environment (each run starts
    Django anew)."""
    return _run_check_deploy(tuple(sorted(overrides.items())))


@functools.cache
def _run_check_deploy(overrides: tuple[tuple[str, str], ...]):
    env = {k: v for k, v in os.environ.items() if k not in ("TESTING", "DEBUG")}
    env.update(PRODUCTION_LIKE)
    env.update(dict(overrides))
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.subprocess
def test_check_deploy_accepts_sandboxes_off_and_banks_with_issuers():
    # Other deploy errors (secrets an app generates locally) are the E001 check's concern.
    result = _check_deploy()
    output = result.stdout + result.stderr
    assert "gosportal.E002" not in output and "gosportal.E003" not in output


@pytest.mark.subprocess
def test_check_deploy_ignores_sandboxes_while_debugging():
    result = _check_deploy(DEBUG="true", BANK_SANDBOX="true", CA_SANDBOX="true")
    output = result.stdout + result.stderr
    assert "gosportal.E002" not in output


@pytest.mark.subprocess
def test_check_deploy_fails_while_a_sandbox_is_on():
    result = _check_deploy(BANK_SANDBOX="true", CA_SANDBOX="true")
    assert result.returncode != 0
    assert "BANK_SANDBOX is on" in result.stderr and "CA_SANDBOX is on" in result.stderr
    assert result.stderr.count("gosportal.E002") == 2


@pytest.mark.subprocess
def test_check_deploy_fails_for_a_bank_without_an_issuer():
    result = _check_deploy(BANK_OIDC_PROVIDERS='{"volga": {"name": "Волга-Банк"}}')
    assert result.returncode != 0
    assert "gosportal.E003" in result.stderr and "'volga'" in result.stderr
