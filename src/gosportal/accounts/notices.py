"""Security notices to the account owner (sign-in from a new device, lock, 2FA or
password change …).

``send_security_notice`` only records an outbox event with the user id and the
rendered text, never the contacts. The notification centre handles it as a
«Предупреждение безопасности»: an inbox row and SMS, e-mail and push deliveries by the
user's preferences (security notices cannot be switched off entirely and are sent at
once), each with its delivery history and retries (docs/notifications.md).

NOT-5: both functions only write an outbox row, so call them inside the transaction of
the change they tell about: a rolled-back change tells nobody, a committed one is told
exactly once, even when the process dies right after the commit.
"""

from gosportal.accounts.models import User
from gosportal.core.crypto import encrypt
from gosportal.core.events import Event, emit

EVENT = "accounts.security_notice"
FORMER_CONTACT_EVENT = "accounts.former_contact_notice"
# Encryption context of the address in a former-contact event (core.crypto).
FORMER_CONTACT_CONTEXT = "outbox:former-contact"


def send_security_notice(user: User, *, subject: str, text: str) -> None:
    """Queue a notice to every bound contact of ``user`` (delivered after commit)."""
    emit(Event(EVENT, {"user_id": user.pk, "subject": str(subject), "text": str(text)}))


def send_notice_to_former_contact(user: User, *, contact: str, subject: str, text: str) -> None:
    """Queue a notice to a phone or e-mail address the account no longer has (a replaced
    contact, a deleted account). The address is the one thing the account cannot give
    later, so it travels in the outbox row, encrypted; the notification centre wipes it
    from the row once it has taken the message."""
    emit(
        Event(
            FORMER_CONTACT_EVENT,
            {
                "user_id": user.pk,
                "channel": "email" if "@" in contact else "sms",
                "contact": encrypt(contact, context=FORMER_CONTACT_CONTEXT),
                "subject": str(subject),
                "text": str(text),
            },
        )
    )
