"""The antivirus interface: every uploaded file is scanned before it is stored (SEC-5)."""

from dataclasses import dataclass
from typing import Protocol


class AntivirusUnavailable(Exception):
    """The scanner could not give a verdict (down, timed out, overloaded)."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""  # the engine's name for what it found, e.g. "EICAR-Test-File"


class Antivirus(Protocol):
    def scan(self, data: bytes, *, name: str) -> ScanResult:
        """Scan ``data``; raise ``AntivirusUnavailable`` when no verdict can be given.

        ``name`` is for the engine's own log only; the verdict depends on content alone.
        """
        ...


def get_antivirus() -> Antivirus:
    from gosportal.integrations import adapter

    return adapter("ANTIVIRUS_SCANNER")
