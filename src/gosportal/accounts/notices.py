"""Security notices to the account owner (sign-in from a new device, lock, 2FA or
password change …).

``send_security_notice`` only records an outbox event with the user id and the
rendered text, never the contacts. The notification centre handles it as a
«Предупреждение безопасности»: an inbox row and SMS, e-mail and push deliveries by the
user's preferences (security notices cannot be switched off entirely and are sent at
once), each with its delivery history and retries (docs/notifications.md).
"""

from gosportal.accounts.models import User
from gosportal.core.events import Event, emit

EVENT = "accounts.security_notice"


def send_security_notice(user: User, *, subject: str, text: str) -> None:
    """Queue a notice to every bound contact of ``user`` (delivered after commit)."""
    emit(Event(EVENT, {"user_id": user.pk, "subject": str(subject), "text": str(text)}))
