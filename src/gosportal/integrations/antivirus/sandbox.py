"""Sandbox antivirus: a small signature engine standing in for a real scanner.

Like a real engine it looks for its signatures anywhere in the file and inside ZIP
containers (DOCX), so the standard EICAR test string is found wherever it is put. A
second test signature makes the scanner behave as if it were down, so people and tests
can see what the portal does then (docs/sandbox.md).
"""

import io
import zipfile

from gosportal.core.antivirus import AntivirusUnavailable, ScanResult
from gosportal.core.files import ZIP_ERRORS

# Built from two halves so that this source file is not itself flagged by a scanner.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
UNAVAILABLE_MARKER = b"GOSPORTAL-AV-UNAVAILABLE-TEST"

SIGNATURES: tuple[tuple[str, bytes], ...] = (("EICAR-Test-File", EICAR),)

# Archive unpacking limits, as real engines have: beyond them the rest goes unscanned.
MAX_ARCHIVE_ENTRIES = 1000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024


class SandboxAntivirus:
    def scan(self, data: bytes, *, name: str) -> ScanResult:
        for blob in (data, *self._unpacked(data)):
            if UNAVAILABLE_MARKER in blob:
                raise AntivirusUnavailable("sandbox scanner is unavailable (test signature)")
            for signature, pattern in SIGNATURES:
                if pattern in blob:
                    return ScanResult(clean=False, signature=signature)
        return ScanResult(clean=True)

    def _unpacked(self, data: bytes):
        """The members of a ZIP container, decompressed within the limits."""
        if not data.startswith(b"PK\x03\x04"):
            return
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, ValueError, OSError):
            return
        budget = MAX_UNPACKED_BYTES
        with archive:
            for info in archive.infolist()[:MAX_ARCHIVE_ENTRIES]:
                if budget <= 0:
                    return
                try:
                    with archive.open(info) as member:
                        blob = member.read(budget)
                except ZIP_ERRORS:
                    continue  # a damaged or encrypted member: the raw bytes were scanned
                budget -= len(blob)
                yield blob
