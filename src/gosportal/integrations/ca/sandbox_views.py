"""The sandbox certification centre's published files under /sandbox/ca/: its root and
issuing CA certificates and current CRLs, as a relying party downloads them."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from gosportal.integrations.ca.sandbox import SandboxCertificationCentre

CONTENT_TYPES = {
    "root.cer": "application/pkix-cert",
    "issuing.cer": "application/pkix-cert",
    "crl.der": "application/pkix-crl",
    "root.crl": "application/pkix-crl",
}


@require_GET
def published_view(request, name: str):
    if not settings.CA_SANDBOX or name not in CONTENT_TYPES:
        raise Http404
    content = SandboxCertificationCentre().published(name)
    response = HttpResponse(content, content_type=CONTENT_TYPES[name])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-cache"
    return response
