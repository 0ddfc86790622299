"""gunicorn settings of the portal's WSGI workers (``manage.py serve``).

The workers listen on a private Unix socket behind the front (``core.front``) or
nginx, which open every connection with a PROXY protocol line: that line alone sets
``REMOTE_ADDR``. No request header is trusted by gunicorn itself — not for the address,
not for the scheme (Django reads ``X-Forwarded-Proto`` only when ``BEHIND_PROXY`` is on,
and ``X-Forwarded-For`` only as far as ``TRUSTED_PROXY_COUNT`` says).

nginx's HTTP proxy sends no PROXY protocol line: behind it, keep this file and set
``GUNICORN_PROXY_PROTOCOL=false``; ``REMOTE_ADDR`` is then nginx's address and Django
takes the client's from ``X-Forwarded-For`` one hop back (``TRUSTED_PROXY_COUNT=1``).
"""

import os

worker_class = "sync"
proxy_protocol = os.environ.get("GUNICORN_PROXY_PROTOCOL", "true").lower() not in (
    "0",
    "false",
    "no",
    "off",
)
forwarded_allow_ips = ""
secure_scheme_headers = {}
forwarder_headers = ""
header_map = "drop"
accesslog = None
timeout = 60
graceful_timeout = 10
