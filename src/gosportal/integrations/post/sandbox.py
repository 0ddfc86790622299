"""Sandbox Russian Post: letters go to the sandbox table (readable on /dev/outbox/).

Tracking numbers are real UPU S10 numbers ("RA" + 8 digits + check digit + "RU").
The tracking timeline follows the time since sending: accepted on day 0, at the
sorting centre on day 1, arrived at the delivery office on day 3, delivered on day 4.
An address containing «нет такого адреса» is returned to the sender on day 3
(docs/sandbox.md, «Почта России»).
"""

import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gosportal.integrations.models import SandboxMessage
from gosportal.integrations.post.base import PostError, TrackingEvent, s10_check_digit

UNKNOWN_ADDRESS_MARK = "нет такого адреса"


def make_tracking_number(serial: int) -> str:
    digits = f"{serial:08d}"
    return f"RA{digits}{s10_check_digit(digits)}RU"


def _returned(address: str) -> bool:
    return UNKNOWN_ADDRESS_MARK in address.casefold()


class SandboxPostOffice:
    def send_letter(self, *, address: str, recipient: str, text: str) -> str:
        if not address.strip():
            raise PostError("no address")
        if not text.strip():
            raise PostError("empty letter")
        status = (
            SandboxMessage.Status.PERMANENT_FAILURE
            if _returned(address)
            else SandboxMessage.Status.DELIVERED
        )
        for _attempt in range(5):
            tracking_number = make_tracking_number(secrets.randbelow(10**8))
            try:
                with transaction.atomic():
                    SandboxMessage.objects.create(
                        channel=SandboxMessage.Channel.POST,
                        provider_id=tracking_number,
                        recipient=address[:500],
                        subject=tracking_number,
                        body=text,
                        status=status,
                    )
            except IntegrityError:
                continue  # the serial is taken: draw another
            return tracking_number
        raise PostError("no free tracking number")

    def track(self, tracking_number: str) -> list[TrackingEvent]:
        letter = SandboxMessage.objects.filter(
            channel=SandboxMessage.Channel.POST, provider_id=tracking_number
        ).first()
        if letter is None:
            return []
        steps = [(0, _("Принято в отделении связи")), (1, _("Сортировочный центр"))]
        if _returned(letter.recipient):
            steps.append((3, _("Возвращено отправителю")))
        else:
            steps += [(3, _("Прибыло в место вручения")), (4, _("Вручено адресату"))]
        now = timezone.now()
        events = []
        for day, status in steps:
            date = letter.created_at + timedelta(days=day)
            if date <= now:
                events.append(TrackingEvent(date=date, status=status))
        return events
