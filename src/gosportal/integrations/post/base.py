"""The Russian Post interface (Почта России): registered letters with a tracking number."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


class PostError(ValueError):
    """The post office refused the letter (no address, undeliverable text)."""


@dataclass(frozen=True)
class TrackingEvent:
    date: datetime
    status: str  # in Russian, as the post office's tracking shows it


class PostOffice(Protocol):
    def send_letter(self, *, address: str, recipient: str, text: str) -> str:
        """Send a registered letter; return its tracking number or raise ``PostError``."""
        ...

    def track(self, tracking_number: str) -> list[TrackingEvent]:
        """What happened to the letter so far, oldest first; empty when unknown."""
        ...


S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def s10_check_digit(serial: str) -> int:
    """The UPU S10 check digit of an 8-digit serial number."""
    if len(serial) != 8 or not serial.isdigit():
        raise ValueError("an S10 serial number has 8 digits")
    check = 11 - sum(int(d) * w for d, w in zip(serial, S10_WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(check, check)


def is_valid_tracking_number(value: str) -> bool:
    """Whether ``value`` is an S10 number: 2 letters, 8 digits, check digit, 2 letters."""
    return (
        len(value) == 13
        and value[:2].isalpha()
        and value[:2].isascii()
        and value[2:11].isdigit()
        and value[11:].isalpha()
        and value[11:].isascii()
        and s10_check_digit(value[2:10]) == int(value[10])
    )


def get_post_office() -> PostOffice:
    from gosportal.integrations import adapter

    return adapter("POST_OFFICE")
