"""What a sign-in costs the database: its writes in one transaction, and a pinned
number of statements for the password-only sign-in and for one that stops at the
second factor (measured before this was tightened: 35 and 14)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gosportal.accounts.models import Authenticator, LoginEvent, LoginThrottle, UserSession
from gosportal.core.models import AuditEvent
from tests.accounts.activity_support import browser, post_login
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

# The test runs inside a transaction, so the sign-in's transaction shows as a savepoint.
SAVEPOINT = re.compile(r'^SAVEPOINT "?([\w]+)"?')
RELEASE = re.compile(r'^RELEASE SAVEPOINT "?([\w]+)"?')
WRITE = re.compile(r"^(INSERT|UPDATE|DELETE)\b")

# Of these, backoffice adds 3 on the sign-in: the desk-permission rule of the second
# factor reads the permissions (2), the «Рабочий стол» link worked out on
# ``user_logged_in`` the agency membership (1).
PASSWORD_SIGNIN_STATEMENTS = 21
SECOND_FACTOR_STOP_STATEMENTS = 9


def _signed_in_before(user):
    """One earlier sign-in, so the new-device check reads a real history."""
    post_login(browser(), user.email, DEFAULT_PASSWORD)


def _post_counted(user):
    client = browser()
    with CaptureQueriesContext(connection) as queries:
        response = post_login(client, user.email, DEFAULT_PASSWORD)
    assert response.status_code == 302
    return [q["sql"] for q in queries.captured_queries]


def _writes_by_outer_savepoint(statements):
    """(outermost open savepoint or None, statement) for every write."""
    stack, writes = [], []
    for sql in statements:
        if match := SAVEPOINT.match(sql):
            stack.append(match.group(1))
        elif match := RELEASE.match(sql):
            stack.remove(match.group(1))
        elif WRITE.match(sql):
            writes.append((stack[0] if stack else None, sql))
    return writes


def test_a_password_sign_in_writes_in_one_transaction_with_pinned_statements():
    user = UserFactory()
    _signed_in_before(user)
    statements = _post_counted(user)
    assert len(statements) == PASSWORD_SIGNIN_STATEMENTS, "\n".join(statements)

    writes = _writes_by_outer_savepoint(statements)
    # The session middleware stores the session once more with the response (it sets
    # the cookie); everything before it is one transaction.
    *signin_writes, last = writes
    assert last[1].startswith('UPDATE "django_session"')
    transactions = {savepoint for savepoint, _ in signin_writes}
    assert len(transactions) == 1 and None not in transactions, signin_writes
    tables = [re.search(r'(?:INTO|UPDATE|FROM) "(\w+)"', sql).group(1) for _, sql in signin_writes]
    assert tables == [
        "accounts_user",  # last_login
        "django_session",  # created once, complete
        "accounts_usersession",
        "accounts_loginevent",
        "core_auditevent",  # one INSERT: the audit log takes no chain-head lock
    ]
    assert UserSession.objects.filter(user=user).count() == 2
    assert LoginEvent.objects.filter(user=user, result="success").count() == 2
    assert AuditEvent.objects.filter(action="accounts.login_succeeded", actor_id=user.pk).count()


def test_a_sign_in_stopping_at_the_second_factor_writes_the_session_once():
    _signed_in_before(UserFactory())  # whatever a process loads once is loaded
    user = UserFactory()
    Authenticator.objects.create(user=user, kind=Authenticator.Kind.TOTP, is_default=True)
    statements = _post_counted(user)
    assert len(statements) == SECOND_FACTOR_STOP_STATEMENTS, "\n".join(statements)
    writes = [sql for _, sql in _writes_by_outer_savepoint(statements)]
    assert len(writes) == 1 and writes[0].startswith('INSERT INTO "django_session"')
    assert not UserSession.objects.filter(user=user).exists()


def test_a_correct_password_clears_earlier_failures_in_the_same_transaction():
    user = UserFactory()
    post_login(browser(), user.email, "Неверный-пароль-1")
    assert LoginThrottle.objects.count() == 2
    writes = _writes_by_outer_savepoint(_post_counted(user))
    assert writes[0][1].startswith('DELETE FROM "accounts_loginthrottle"')
    assert {savepoint for savepoint, _ in writes[:-1]} == {writes[0][0]} != {None}
    assert not LoginThrottle.objects.exists()


def test_a_correct_password_before_the_second_factor_clears_earlier_failures():
    user = UserFactory()
    Authenticator.objects.create(user=user, kind=Authenticator.Kind.TOTP, is_default=True)
    post_login(browser(), user.email, "Неверный-пароль-1")
    assert LoginThrottle.objects.count() == 2
    _post_counted(user)
    assert not LoginThrottle.objects.exists()
