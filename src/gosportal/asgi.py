"""ASGI entry point: the portal runs as stateless ASGI processes (uvicorn)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gosportal.settings")

application = get_asgi_application()
