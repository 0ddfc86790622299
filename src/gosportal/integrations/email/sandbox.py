"""E-mail backend for local runs: messages go into the sandbox outbox table.

Production uses Django's SMTP backend (EMAIL_BACKEND); tests of that path talk to a
real SMTP server started by the test.
"""

import uuid

from django.core.mail.backends.base import BaseEmailBackend

from gosportal.integrations.models import SandboxMessage


class CapturingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        return len(self.send_each(list(email_messages)))

    def send_each(self, email_messages: list) -> list[None]:
        """Capture a batch in one insert; the outcome of each message (None: accepted)."""
        rows = []
        for message in email_messages:
            html = ""
            for content, mimetype in getattr(message, "alternatives", []) or []:
                if mimetype == "text/html":
                    html = content
            rows.append(
                SandboxMessage(
                    channel=SandboxMessage.Channel.EMAIL,
                    provider_id=uuid.uuid4().hex,
                    recipient=", ".join(message.recipients()),
                    subject=message.subject[:300],
                    body=message.body,
                    html_body=html,
                    status=SandboxMessage.Status.DELIVERED,
                )
            )
        SandboxMessage.objects.bulk_create(rows)
        return [None] * len(rows)
