"""Pages of the notification centre: inbox (NOT-1) with its live stream, «История
уведомлений» (NOT-4) and the preferences confirmed by a code (NOT-2)."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gosportal.accounts.contacts import mask_contact
from gosportal.core.errors import DomainError, Forbidden, NotFound, RateLimited, add_to_form
from gosportal.core.ratelimit import ratelimit
from gosportal.notifications import preferences, push, selectors, services
from gosportal.notifications.forms import CodeForm, InboxFilterForm, PreferencesForm
from gosportal.notifications.models import Delivery
from gosportal.notifications.types import Channel

PAGE_SIZE = 20


def _page_urls(request, page) -> tuple[str, str]:
    def url(number):
        query = request.GET.copy()
        query["page"] = number
        return f"?{query.urlencode()}"

    previous_url = url(page.previous_page_number()) if page.has_previous() else ""
    next_url = url(page.next_page_number()) if page.has_next() else ""
    return previous_url, next_url


@login_required
@require_GET
def inbox_view(request):
    form = InboxFilterForm(data=request.GET or None)
    unread, type_key = False, ""
    if form.is_bound and form.is_valid():
        unread, type_key = form.cleaned_data["unread"], form.cleaned_data["type"]
    rows = selectors.inbox_for(request.user, unread=unread, type_key=type_key)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    previous_url, next_url = _page_urls(request, page)
    context = {
        "form": form,
        "page": page,
        "previous_url": previous_url,
        "next_url": next_url,
        "filtered": unread or bool(type_key),
        # The live stream may only prepend to the unfiltered first page.
        "live": not (unread or type_key) and page.number == 1,
        "poll_ms": settings.NOTIFICATIONS_POLL_SECONDS * 1000,
        "latest_id": selectors.latest_id(request.user.pk),
        "failed_channels": services.undelivered_contacts(request.user),
    }
    return render(request, "notifications/inbox.html", context)


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_read_view(request, notification_id: int):
    services.mark_read(user=request.user, notification_id=notification_id)
    return _back(request)


@login_required
@require_POST
def mark_unread_view(request, notification_id: int):
    services.mark_unread(user=request.user, notification_id=notification_id)
    return _back(request)


@login_required
@require_POST
def mark_all_read_view(request):
    count = services.mark_all_read(user=request.user)
    messages.success(request, _("Отмечено прочитанными: %(count)s.") % {"count": count})
    return redirect("notifications:inbox")


@login_required
@require_GET
def history_view(request):
    channel = request.GET.get("channel", "")
    if channel not in Channel.values:
        channel = ""
    rows = selectors.deliveries_for(request.user, channel=channel)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    previous_url, next_url = _page_urls(request, page)
    context = {
        "page": page,
        "channel": channel,
        "channels": [c for c in Channel if c != Channel.INBOX],
        "previous_url": previous_url,
        "next_url": next_url,
        "failed_channels": services.undelivered_contacts(request.user),
        "statuses": Delivery.Status,
    }
    return render(request, "notifications/history.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request):
    user = request.user
    contacts = {Channel.INBOX.value} | {
        c
        for c in (Channel.EMAIL.value, Channel.SMS.value, Channel.PUSH.value)
        if services.contact_for(user, c)
    }
    form = PreferencesForm(
        data=request.POST or None,
        choices=preferences.choices_for(user),
        quiet=preferences.quiet_hours_of(user),
        contacts=contacts,
    )
    if request.method == "POST" and form.is_valid():
        try:
            pending = preferences.start_save(
                user=user, data=form.service_data(), ip=request.client_ip
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            request.session[preferences.SESSION_KEY] = pending
            return redirect("notifications:confirm")
    context = {
        "form": form,
        "phone": mask_contact(user.phone) if user.phone else "",
        "email": mask_contact(user.email) if services.contact_for(user, "email") else "",
        "devices": push.devices_of(user),
        "vapid_public_key": push.public_key(),
    }
    return render(request, "notifications/settings.html", context)


# --- web push devices (MOB-1) ---------------------------------------------------------------


@login_required
@require_POST
@ratelimit(group="notifications.push", rate="30/h")
def push_subscribe_view(request):
    """The browser's ``PushSubscription.toJSON()`` (JSON body, CSRF header)."""
    try:
        data = json.loads(request.body or b"null")
    except ValueError:
        data = None
    try:
        subscription = push.subscribe(
            user=request.user, data=data, user_agent=request.headers.get("User-Agent", "")
        )
    except DomainError as error:
        return JsonResponse({"error": str(error.message), "field": error.field}, status=400)
    return JsonResponse({"id": subscription.pk, "label": subscription.label}, status=201)


@login_required
@require_POST
def push_unsubscribe_view(request, subscription_id: int):
    """«Отключить» one device (another user's id: 404)."""
    push.unsubscribe(user=request.user, subscription_id=subscription_id)
    messages.success(request, _("Устройство отключено от push-уведомлений."))
    return redirect("notifications:settings")


# --- provider receipts (NOT-4) --------------------------------------------------------------


@csrf_exempt
@require_POST
def sms_receipt_view(request):
    """The SMS operator's delivery report, signed with ``SMS_RECEIPT_SECRET``."""
    try:
        moved = services.accept_sms_receipt(
            body=request.body, signature=request.headers.get("X-Signature", "")
        )
    except Forbidden as error:
        return JsonResponse({"error": str(error.message)}, status=403)
    except NotFound as error:
        return JsonResponse({"error": str(error.message)}, status=404)
    except DomainError as error:
        return JsonResponse({"error": str(error.message)}, status=400)
    return JsonResponse({"accepted": True, "changed": moved})


@login_required
@require_http_methods(["GET", "POST"])
def confirm_view(request):
    user = request.user
    pending = preferences.pending_from_session(request.session, user)
    if pending is None:
        messages.error(request, _("Сохранение не начато или устарело. Измените настройки заново."))
        return redirect("notifications:settings")
    form = CodeForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            preferences.confirm_save(user=user, pending=pending, code=form.cleaned_data["code"])
        except DomainError as error:
            if error.field not in ("code", None) and not isinstance(error, RateLimited):
                request.session.pop(preferences.SESSION_KEY, None)
                messages.error(request, str(error.message))
                return redirect("notifications:settings")
            add_to_form(form, error)
        else:
            request.session.pop(preferences.SESSION_KEY, None)
            messages.success(request, _("Настройки уведомлений сохранены."))
            return redirect("notifications:settings")
    context = {"form": form, "destination": mask_contact(preferences.code_destination(user))}
    return render(request, "notifications/confirm.html", context)


@login_required
@require_POST
def resend_view(request):
    user = request.user
    if preferences.pending_from_session(request.session, user) is None:
        return redirect("notifications:settings")
    try:
        preferences.send_code(user=user, ip=request.client_ip)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Новый код отправлен."))
    return redirect("notifications:confirm")
