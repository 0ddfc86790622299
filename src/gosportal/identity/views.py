"""Pages of «Подтверждение личности» (REG-3): the methods, the person's confirmations
and the service-centre code with its QR code."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from gosportal.accounts.levels import has_level
from gosportal.core.errors import DomainError
from gosportal.core.net import allow_form_targets
from gosportal.identity import bank, service_centre

# The code is shown only to the browser that asked for it; the database keeps a hash.
CODE_SESSION_KEY = "identity_service_centre_code"


@login_required
@require_GET
def index_view(request):
    user = request.user
    context = {
        "is_confirmed": has_level(user, "confirmed"),
        "is_standard": has_level(user, "standard"),
        "pending": service_centre.pending_service_centre(user),
        "confirmations": service_centre.confirmations_of(user),
        "banks": bank.banks(),
    }
    response = render(request, "identity/index.html", context)
    # «Проверить карту» posts here and is answered by a redirect to the bank's card page.
    allow_form_targets(response, [b.issuer for b in context["banks"] if not b.is_sandbox])
    return response


@login_required
@require_http_methods(["GET", "POST"])
def service_centre_view(request):
    user = request.user
    if request.method == "POST":
        try:
            confirmation, code = service_centre.request_service_centre_confirmation(user=user)
        except DomainError as error:
            messages.error(request, str(error.message))
            return redirect("identity:index")
        request.session[CODE_SESSION_KEY] = {"id": confirmation.pk, "code": code}
        return redirect("identity:service_centre")
    pending = service_centre.pending_service_centre(user)
    if pending is None:
        return redirect("identity:index")
    stored = request.session.get(CODE_SESSION_KEY) or {}
    code = stored.get("code") if stored.get("id") == pending.pk else None
    context = {
        "pending": pending,
        "code": service_centre.format_code(code) if code else "",
        "qr": service_centre.qr_data_uri(code) if code else "",
    }
    return render(request, "identity/service_centre.html", context)
