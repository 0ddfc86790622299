"""Security notices to the account owner (sign-in from a new device, lock, 2FA or
password change …), sent by SMS and e-mail through the outbox.

The event carries the user id and the rendered text, never the contacts; each channel
is its own subscriber, so a failing SMS gateway is retried without re-sending the
e-mail. The notification centre will take these events over with preferences and
delivery tracking; security notices cannot be switched off.
"""

import logging

from django.core.mail import send_mail

from gosportal.accounts.models import User
from gosportal.core.events import Event, emit, subscribe
from gosportal.integrations.sms.base import SmsError, get_sms_gateway

logger = logging.getLogger(__name__)
EVENT = "accounts.security_notice"


def send_security_notice(user: User, *, subject: str, text: str) -> None:
    """Queue a notice to every bound contact of ``user`` (delivered after commit)."""
    emit(Event(EVENT, {"user_id": user.pk, "subject": str(subject), "text": str(text)}))


@subscribe(EVENT, name="accounts.security_notice.sms")
def deliver_by_sms(event) -> None:
    user = User.objects.filter(pk=event.payload["user_id"]).first()
    if user is None or not user.phone:
        return
    try:
        get_sms_gateway().send(to=user.phone, text=event.payload["text"])
    except SmsError as exc:
        if exc.temporary:
            raise  # the outbox retries with back-off
        logger.warning("security SMS to user %s refused: %s", user.pk, exc.reason)


@subscribe(EVENT, name="accounts.security_notice.email")
def deliver_by_email(event) -> None:
    user = User.objects.filter(pk=event.payload["user_id"]).first()
    if user is None or not user.email:
        return
    send_mail(event.payload["subject"], event.payload["text"], None, [user.email])
