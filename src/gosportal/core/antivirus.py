"""The antivirus interface: every uploaded file is scanned before it is stored (SEC-5).

The Protocol lives in the kernel because ``core.files`` calls it for every upload; the
engines (``integrations/antivirus/``) implement it and ``ANTIVIRUS_SCANNER`` names the
one in use by dotted path, so the kernel never imports an adapter.
"""

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


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
    """An instance of the engine named by ``settings.ANTIVIRUS_SCANNER``."""
    return import_string(settings.ANTIVIRUS_SCANNER)()
