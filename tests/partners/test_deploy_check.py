"""The sandbox partner sites are never served on a production site (SEC-1)."""

import pytest

from tests.core.test_settings import _check_deploy

pytestmark = pytest.mark.subprocess


def test_check_deploy_fails_while_the_partner_sandbox_is_on():
    result = _check_deploy(PARTNER_SANDBOX="true")
    assert result.returncode != 0
    assert "PARTNER_SANDBOX is on" in result.stderr and "gosportal.E002" in result.stderr


def test_the_partner_sandbox_is_off_by_default_in_production():
    result = _check_deploy()
    assert "PARTNER_SANDBOX" not in result.stdout + result.stderr
