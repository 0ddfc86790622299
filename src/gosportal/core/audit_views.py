"""The audit log's public tree head and a citizen's proof that an entry of theirs is in it."""

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from gosportal.core import audit


@require_GET
@never_cache
def latest_tree_head(request):
    """The latest signed tree head with the public key that checks it (RFC 6962 get-sth)."""
    head = audit.latest_head()
    if head is None:
        return JsonResponse({"tree_size": 0}, status=404)
    return JsonResponse(audit.head_json(head))


@require_GET
@never_cache
@login_required
def download_proof(request, event_id: int):
    """«Скачать доказательство»: the proof bundle of the user's own entry, 404 for others."""
    bundle = audit.proof_bundle(request.user, event_id)
    response = HttpResponse(
        json.dumps(bundle, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="audit-proof-{event_id}.json"'
    return response
