"""Adapters for outside systems: one package per system with base.py (the Protocol),
sandbox.py (a working stand-in) and the real implementation, chosen by settings."""

from django.conf import settings
from django.utils.module_loading import import_string


def adapter(setting_name: str):
    """An instance of the adapter class named by a dotted path in settings."""
    return import_string(getattr(settings, setting_name))()
