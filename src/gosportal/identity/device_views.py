"""Pages of confirmation from a signed-in phone (REG-3): the computer shows a QR code
and waits for the result; the phone asks the person to approve."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from gosportal.accounts.levels import has_level
from gosportal.core.errors import DomainError
from gosportal.identity import device

# The link is shown only in the browser that asked for it; the database keeps a hash.
SESSION_KEY = "identity_device_link"


def _current(request):
    stored = request.session.get(SESSION_KEY) or {}
    confirmation = device.confirmation_of(request.user, stored.get("id"))
    return confirmation, (stored.get("token") if confirmation else None)


@login_required
@require_http_methods(["GET", "POST"])
def start_view(request):
    user = request.user
    if request.method == "POST":
        try:
            confirmation, token = device.request_device_confirmation(user=user)
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            request.session[SESSION_KEY] = {"id": confirmation.pk, "token": token}
        return redirect("identity:device:start")
    confirmation, token = _current(request)
    state = device.state_of(confirmation) if confirmation else ""
    link = ""
    if state == "pending" and token:
        link = request.build_absolute_uri(reverse("identity:device:approve", args=[token]))
    context = {
        "is_confirmed": has_level(user, "confirmed"),
        "is_standard": has_level(user, "standard"),
        "confirmation": confirmation,
        "state": state,
        "link": link,
        "qr": device.qr_data_uri(link) if link else "",
    }
    return render(request, "identity/device.html", context)


@login_required
@require_GET
def status_view(request):
    """For the waiting page's script: the state of this browser's request."""
    confirmation, _token = _current(request)
    return JsonResponse({"state": device.state_of(confirmation) if confirmation else ""})


@require_http_methods(["GET", "POST"])
def approve_view(request, token):
    user = request.user
    if not user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        return render(
            request,
            "identity/device_approve.html",
            {"state": "signin", "login_url": _login_url(request)},
        )
    try:
        if request.method == "POST":
            confirmation = device.approve_device_confirmation(approver=user, token=token)
        else:
            confirmation = device.look_up_token(approver=user, token=token)
    except DomainError as error:
        return render(
            request,
            "identity/device_approve.html",
            {"state": "refused", "message": str(error.message)},
            status=error.status,
        )
    context = {
        "state": "done" if request.method == "POST" else "ask",
        "login": confirmation.user.masked_login(),
    }
    return render(request, "identity/device_approve.html", context)


def _login_url(request) -> str:
    response = redirect_to_login(request.get_full_path())
    return response["Location"]
