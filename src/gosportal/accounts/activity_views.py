"""Account activity pages: «История входов» with CSV export (AUTH-8), «Активные сеансы»
(AUTH-7), «Это был не я» (AUTH-9) and the IP allow-list (AUTH-10)."""

import csv
import re
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gosportal.accounts import sessions, signin
from gosportal.accounts.activity_forms import FAILED, HistoryFilterForm, IpAllowlistForm
from gosportal.accounts.devices import device_label
from gosportal.accounts.models import LoginEvent, User
from gosportal.accounts.reauth import reauth_required
from gosportal.core.errors import InvalidInput

PAGE_SIZE = 50
CSV_MAX_ROWS = 10_000
_CURSOR = re.compile(r"^(-?\d{1,20})\.(\d{1,20})$")


# --- «История входов» (AUTH-8) ------------------------------------------------------


def _filtered_history(user: User, filters: dict) -> QuerySet[LoginEvent]:
    events = LoginEvent.objects.filter(user=user)
    zone = timezone.get_current_timezone()
    if filters.get("date_from"):
        start = datetime.combine(filters["date_from"], time.min, tzinfo=zone)
        events = events.filter(occurred_at__gte=start)
    if filters.get("date_to"):
        end = datetime.combine(filters["date_to"] + timedelta(days=1), time.min, tzinfo=zone)
        events = events.filter(occurred_at__lt=end)
    result = filters.get("result")
    if result == FAILED:
        events = events.exclude(result=LoginEvent.Result.SUCCESS)
    elif result:
        events = events.filter(result=result)
    return events.order_by("-occurred_at", "-id")


def _cursor(event: LoginEvent) -> str:
    moment = event.occurred_at
    micros = (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    return f"{micros}.{event.pk}"


def _parse_cursor(value: str | None) -> tuple[datetime, int] | None:
    match = _CURSOR.match(value or "")
    if not match:
        return None
    try:
        moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(match[1]))
    except OverflowError:
        return None
    return moment, int(match[2])


def _page(events: QuerySet[LoginEvent], *, after, before):
    """One keyset page (newest first) and whether older and newer rows exist."""
    if before is not None:
        moment, pk = before
        newer = events.filter(Q(occurred_at__gt=moment) | Q(occurred_at=moment, id__gt=pk))
        rows = list(newer.order_by("occurred_at", "id")[: PAGE_SIZE + 1])
        has_newer = len(rows) > PAGE_SIZE
        return rows[:PAGE_SIZE][::-1], True, has_newer
    if after is not None:
        moment, pk = after
        events = events.filter(Q(occurred_at__lt=moment) | Q(occurred_at=moment, id__lt=pk))
    rows = list(events[: PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE, after is not None


def _row(event: LoginEvent) -> dict:
    return {
        "occurred_at": event.occurred_at,
        "device": device_label(event.device_type) if event.device_type else "",
        "browser": event.browser,
        "os": event.os,
        "ip": event.ip or "",
        "method": signin.method_label(event.method),
        "result": event.get_result_display(),
        "success": event.result == LoginEvent.Result.SUCCESS,
    }


@login_required
def history_view(request):
    form = HistoryFilterForm(request.GET)
    rows, previous_url, next_url = [], "", ""
    if form.is_valid():
        filters = {k: v for k, v in request.GET.items() if k in form.fields and v}
        events = _filtered_history(request.user, form.cleaned_data)
        page, has_older, has_newer = _page(
            events,
            after=_parse_cursor(request.GET.get("after")),
            before=_parse_cursor(request.GET.get("before")),
        )
        rows = [_row(event) for event in page]
        if page and has_older:
            next_url = "?" + urlencode({**filters, "after": _cursor(page[-1])})
        if page and has_newer:
            previous_url = "?" + urlencode({**filters, "before": _cursor(page[0])})
        export_query = urlencode(filters)
    else:
        export_query = ""
    return render(
        request,
        "accounts/history.html",
        {
            "form": form,
            "rows": rows,
            "previous_url": previous_url,
            "next_url": next_url,
            "export_query": export_query,
        },
    )


def _csv_safe(value: str) -> str:
    """Text a spreadsheet will not run as a formula."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@login_required
def history_csv_view(request):
    form = HistoryFilterForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "accounts/history.html",
            {"form": form, "rows": [], "export_query": ""},
            status=400,
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="login-history.csv"'
    response.write("\ufeff")  # the BOM makes Excel read the Cyrillic as UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Дата и время"),
            _("Устройство"),
            _("Браузер"),
            _("Система"),
            _("IP-адрес"),
            _("Способ входа"),
            _("Результат"),
        ]
    )
    events = _filtered_history(request.user, form.cleaned_data)[:CSV_MAX_ROWS]
    for event in events.iterator(chunk_size=500):
        row = _row(event)
        local = timezone.localtime(row["occurred_at"])
        writer.writerow(
            [
                f"{local:%d.%m.%Y %H:%M:%S}",
                *(
                    _csv_safe(str(row[key]))
                    for key in ("device", "browser", "os", "ip", "method", "result")
                ),
            ]
        )
    return response


# --- «Активные сеансы» (AUTH-7) ------------------------------------------------------


@login_required
def sessions_view(request):
    current = request.session.session_key
    rows = [
        {"session": row, "device": device_label(row.device_type) if row.device_type else ""}
        for row in sessions.open_sessions_for(request.user)
    ]
    return render(request, "accounts/sessions.html", {"rows": rows, "current_key": current})


@login_required
@require_POST
def session_end_view(request, session_id: int):
    row = sessions.end_session(user=request.user, session_id=session_id)
    if row.session_key == request.session.session_key:
        auth_logout(request)
        messages.info(request, _("Вы завершили текущий сеанс."))
        return redirect("accounts:login")
    messages.success(request, _("Сеанс завершён."))
    return redirect("accounts:sessions")


@login_required
@require_POST
def sessions_end_others_view(request):
    ended = sessions.end_other_sessions(user=request.user, current_key=request.session.session_key)
    if ended:
        messages.success(request, _("Другие сеансы завершены: %(count)s.") % {"count": ended})
    else:
        messages.info(request, _("Других активных сеансов нет."))
    return redirect("accounts:sessions")


# --- «Это был не я» (AUTH-9) ----------------------------------------------------------


def not_me_view(request, token: str):
    try:
        event = signin.event_for_not_me_token(token)
        if request.method == "POST":
            signin.report_not_me(event=event)
            if request.user.is_authenticated and request.user.pk == event.user_id:
                auth_logout(request)
            return render(request, "accounts/not_me_done.html")
    except InvalidInput as error:
        return render(request, "accounts/not_me_invalid.html", {"error": error}, status=400)
    return render(request, "accounts/not_me.html", {"event": _row(event)})


# --- IP allow-list (AUTH-10) ----------------------------------------------------------


@reauth_required
def ip_allowlist_view(request):
    user = request.user
    current_ip = request.client_ip
    if request.method == "POST":
        form = IpAllowlistForm(request.POST, current_ip=current_ip)
        if form.is_valid():
            signin.set_ip_allowlist(user=user, networks=form.cleaned_data["networks"])
            messages.success(request, _("Список разрешённых адресов сохранён."))
            return redirect("accounts:ip_allowlist")
    else:
        form = IpAllowlistForm(initial={"networks": user.ip_allowlist}, current_ip=current_ip)
    return render(request, "accounts/ip_allowlist.html", {"form": form, "current_ip": current_ip})


@login_required
@require_POST
def session_keepalive_view(request):
    """«Продолжить сеанс» on the idle warning: counts as activity, now (AUTH-7).

    Called only when the person presses the button, so an open tab alone never
    keeps a session alive past the idle timeout.
    """
    sessions.note_activity(request, request.user, timezone.now())
    return JsonResponse({"idle_seconds": settings.SESSION_IDLE_SECONDS})
