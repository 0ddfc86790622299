"""The installable app (MOB-1): web app manifest, service worker and offline page, all
served from the site root so the service worker's scope is the whole portal."""

import json

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

OFFLINE_URL = "/offline/"


@require_GET
@cache_control(max_age=3600)
def manifest_view(request):
    name = str(settings.PORTAL_NAME)
    manifest = {
        "name": _("%(portal)s — личный кабинет") % {"portal": name},
        "short_name": name,
        "description": _("Государственные услуги, заявления и уведомления"),
        "lang": "ru",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "id": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0d4cd3",
        "icons": [
            {
                "src": static(f"img/app-icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any",
            }
            for size in (192, 512)
        ],
    }
    return HttpResponse(
        json.dumps(manifest, ensure_ascii=False), content_type="application/manifest+json"
    )


@require_GET
@cache_control(no_cache=True)
def service_worker_view(request):
    """The service worker script; browsers re-check it on every visit (no-cache)."""
    script = render_to_string(
        "notifications/sw.js",
        {
            "offline_url": OFFLINE_URL,
            "precache": [
                OFFLINE_URL,
                static("css/tokens.css"),
                static("css/app.css"),
                static("img/emblem.svg"),
                static("img/app-icon-192.png"),
            ],
            "icon": static("img/app-icon-192.png"),
        },
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
@cache_control(max_age=3600)
def offline_view(request):
    """Shown by the service worker when the network is down; cached, so it carries no
    personal data: rendered as for a visitor who is not signed in."""
    return render(request, "notifications/offline.html", {"user": AnonymousUser()})
