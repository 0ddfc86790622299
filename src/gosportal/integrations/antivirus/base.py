"""The antivirus interface, kept in the kernel (``core.antivirus``) and named here too so
this package has the same rooms as every other adapter package."""

from gosportal.core.antivirus import Antivirus, AntivirusUnavailable, ScanResult, get_antivirus

__all__ = ["Antivirus", "AntivirusUnavailable", "ScanResult", "get_antivirus"]
