"""The client's address, taken from proxies only as far as they are trusted; the origin
of an outside system's URL, for the Content-Security-Policy of pages that send people
there."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    hops = settings.TRUSTED_PROXY_COUNT
    if hops > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= hops:
            remote = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(remote)) if remote else None
    except ValueError:
        return None


def origin(url: str) -> str:
    """``scheme://host[:port]`` of ``url`` — what a CSP source list names."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def allow_form_targets(response, urls) -> None:
    """Let the page's forms be answered by redirects to these URLs' origins (CSP
    ``form-action``: browsers check the redirect after a form post too)."""
    origins = sorted({origin(url) for url in urls if url})
    if origins:
        response._csp_update = {"form-action": origins}
