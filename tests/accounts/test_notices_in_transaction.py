"""NOT-5: a security notice is written in the transaction of the change it tells about.

A rolled-back change tells nobody. A committed one is told exactly once even when the
process dies right after the commit: the tests never run the after-commit callbacks
(as a crash would), and the next outbox drain still delivers. Notices to a contact the
account no longer has (a replaced phone, a deleted account) take the same path, with the
address encrypted in the event and wiped once taken.
"""

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings

from gosportal.accounts import contacts, signin
from gosportal.accounts.deletion import delete_account
from gosportal.accounts.notices import FORMER_CONTACT_EVENT
from gosportal.core import events
from gosportal.core.models import OutboxEvent
from gosportal.integrations.models import SandboxMessage
from gosportal.notifications import services
from gosportal.notifications.models import Delivery, Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OLD_PHONE, NEW_PHONE = "+79161110001", "+79161110002"
EMAIL = "owner@example.ru"


class Rollback(Exception):
    pass


@pytest.fixture
def user():
    return UserFactory(phone=OLD_PHONE, email=EMAIL, email_confirmed=True)


def _change_phone(user):
    contacts.apply_contact_change(
        user=user, field=contacts.PHONE, value=NEW_PHONE, session_key=None
    )


def _sms(phone: str) -> list[str]:
    return list(SandboxMessage.objects.filter(recipient=phone).values_list("body", flat=True))


def test_a_rolled_back_contact_change_tells_nobody(user):
    with pytest.raises(Rollback), transaction.atomic():
        _change_phone(user)
        raise Rollback
    assert not OutboxEvent.objects.exists()
    events.drain()
    assert not SandboxMessage.objects.exists()


def test_a_committed_contact_change_tells_the_former_phone_exactly_once(user):
    _change_phone(user)  # committed; no after-commit callback runs, as after a crash
    former = OutboxEvent.objects.get(name=FORMER_CONTACT_EVENT)
    assert OLD_PHONE not in str(former.payload)  # the address travels encrypted
    events.drain()
    events.drain()
    bodies = _sms(OLD_PHONE)
    assert len(bodies) == 1 and "Номер телефона в учётной записи Госпортала изменён" in bodies[0]
    delivery = Delivery.objects.get(notification__in_inbox=False)
    assert (delivery.destination, delivery.status) == (OLD_PHONE, Delivery.Status.DELIVERED)
    former.refresh_from_db()
    assert former.processed_at is not None and former.payload["contact"] == ""


def test_a_rolled_back_ip_allowlist_tells_nobody_and_a_committed_one_tells_once(user):
    with pytest.raises(Rollback), transaction.atomic():
        signin.set_ip_allowlist(user=user, networks=["192.0.2.0/24"])
        raise Rollback
    assert not OutboxEvent.objects.exists()
    signin.set_ip_allowlist(user=user, networks=["192.0.2.0/24"])
    assert OutboxEvent.objects.filter(name="accounts.security_notice").count() == 1
    events.drain()
    assert len(_sms(OLD_PHONE)) == 1


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_a_rolled_back_deletion_tells_nobody(user):
    with pytest.raises(Rollback), transaction.atomic():
        delete_account(user)
        raise Rollback
    events.drain()
    assert not OutboxEvent.objects.exists()
    assert not SandboxMessage.objects.exists() and not mail.outbox


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_a_deletion_tells_each_former_contact_once_and_then_forgets_them(user):
    delete_account(user)
    payloads = str(list(OutboxEvent.objects.values_list("payload", flat=True)))
    assert OLD_PHONE not in payloads and EMAIL not in payloads
    events.drain()
    events.drain()
    assert len(_sms(OLD_PHONE)) == 1 and "удалена" in _sms(OLD_PHONE)[0]
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    services.send_due()  # the worker's next run erases the delivered last notices
    assert not Notification.objects.filter(user=user).exists()
    assert not Delivery.objects.exists()
    assert all(p["contact"] == "" for p in OutboxEvent.objects.values_list("payload", flat=True))
