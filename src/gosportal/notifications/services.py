"""Writers of the notification centre: events become notifications and deliveries
(NOT-5), deliveries are sent with retries and back-off (NOT-4), provider receipts move
them forward, the user marks messages read, the daily digest gathers the rest.

Nothing here is called by other apps: they emit outbox events (``core.notify.notify``
or their own domain events) and ``subscribers.py`` hands those to this module.
"""

import hashlib
import hmac
import json
import logging
import smtplib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import urlsplit
from uuid import UUID

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, connections, transaction
from django.db.models import F, Q, Subquery
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from gosportal.accounts.models import User
from gosportal.core import audit, events
from gosportal.core.claims import claim, update_each
from gosportal.core.errors import Forbidden, InvalidInput, NotFound
from gosportal.integrations.sms.base import SmsError, SmsMessage, get_sms_gateway
from gosportal.notifications import broadcast, push, unread
from gosportal.notifications.models import (
    Delivery,
    Notification,
    NotificationTemplate,
    Preference,
    ProviderReceipt,
    PushSubscription,
    QuietHours,
)
from gosportal.notifications.preferences import choices_for, next_digest_at, quiet_until
from gosportal.notifications.rendering import Rendered, render
from gosportal.notifications.types import EVENT_TYPES, Channel, Frequency

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # 1 + 7 retries: 1, 2, 4 … 60 min apart, about two hours in all
FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY_DELAY = timedelta(hours=1)
STUCK_AFTER = timedelta(hours=1)  # "sending" this long: the worker died mid-send
RECEIPT_POLL_AFTER = timedelta(minutes=1)  # accepted by the operator, no report yet: ask
NO_RECEIPT_GIVE_UP = timedelta(hours=72)  # accepted, never reported: failed for good
BATCH_SIZE = 100
SEND_BATCH = 500  # deliveries claimed, sent and recorded together
SENT_CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.PUSH)

# Receipts only move a delivery forward; a late or repeated receipt changes nothing.
_RANK = {
    Delivery.Status.QUEUED: 0,
    Delivery.Status.DIGEST: 0,
    Delivery.Status.TEMPORARY_FAILURE: 1,
    Delivery.Status.SENDING: 1,
    Delivery.Status.DELIVERED: 2,
    Delivery.Status.PERMANENT_FAILURE: 2,
}


_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


class TemporaryFailure(Exception):
    """The channel may accept the message on a later try."""


class PermanentFailure(Exception):
    """The message can never be delivered to this contact."""


# --- from events to notifications (NOT-5) -------------------------------------------------


def contact_for(user: User, channel: str, *, critical: bool = False) -> str | None:
    """The verified contact of ``user`` for ``channel`` (e-mail only once confirmed;
    security notices also go to the account's own address not yet confirmed, as they
    always did). Push: the label of the user's devices, None without any."""
    if channel == Channel.SMS:
        return user.phone or None
    if channel == Channel.EMAIL:
        return user.email if user.email and (user.email_confirmed or critical) else None
    if channel == Channel.PUSH:
        count = PushSubscription.objects.filter(user=user).count()
        return _("Устройств: %(count)s") % {"count": count} if count else None
    return None


def create_notification(
    *,
    event_id: UUID,
    user_id: int,
    type_key: str,
    payload: dict,
    only_channels: set[str] | None = None,
) -> Notification | None:
    """Turn one outbox event into a notification and its deliveries, once per event.

    Runs inside the outbox's transaction: rows exist exactly when the event is marked
    handled. The live wake-up and the sending task are started after commit.
    """
    existing = Notification.objects.filter(source_event_id=event_id).first()
    if existing is not None:
        return existing
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    etype = EVENT_TYPES[type_key]
    choice = choices_for(user)[type_key]
    channels = set(choice.channels) if only_channels is None else set(only_channels)
    if etype.critical and not channels:
        channels = {Channel.INBOX.value}
    payload = {"url": "/notifications/", **payload}
    templates = {t.channel: t for t in NotificationTemplate.objects.filter(event_type=type_key)}
    inbox = _render(templates, Channel.INBOX, payload, fallback_title=str(etype.title))
    now = timezone.now()
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user,
                event_type=type_key,
                source_event_id=event_id,
                title=inbox.subject,
                text=inbox.body,
                link=inbox.link or "/notifications/",
                in_inbox=Channel.INBOX in channels,
                created_at=now,
            )
    except IntegrityError:  # handled concurrently
        return Notification.objects.get(source_event_id=event_id)
    digest = choice.frequency == Frequency.DAILY_DIGEST and not etype.critical
    held_until = None if etype.critical else quiet_until(user, now)
    queued, created = False, []
    for channel in SENT_CHANNELS:
        destination = (
            contact_for(user, channel, critical=etype.critical) if channel in channels else None
        )
        if destination is None or (digest and channel != Channel.EMAIL):
            continue  # the digest goes by e-mail only
        rendered = _render(templates, channel, payload, fallback_title=str(etype.title))
        if digest:
            status, at = Delivery.Status.DIGEST, next_digest_at(user, now)
        else:
            status, at = Delivery.Status.QUEUED, held_until or now
            queued = queued or held_until is None
        delivery = Delivery.objects.create(
            notification=notification,
            channel=channel,
            status=status,
            destination=destination,
            subject=rendered.subject,
            body=rendered.body,
            html_body=rendered.html_body,
            template_version=templates[channel].version if channel in templates else 0,
            next_attempt_at=at,
            created_at=now,
            updated_at=now,
        )
        created.append(delivery.pk)
    if notification.in_inbox:
        unread.changed(user.pk, +1)
        transaction.on_commit(lambda: broadcast.publish(user.pk))
    if queued and etype.critical:
        # Security notices go at once, once the outbox handler that made them has
        # committed (never for a change rolled back); a failure is retried by the
        # scheduler.
        events.after_delivery(lambda: _send_now(created))
    elif queued:
        transaction.on_commit(_enqueue_sending)
    return notification


def notify_former_contact(
    *,
    event_id: UUID,
    user_id: int,
    channel: str,
    destination: str,
    subject: str,
    text: str,
) -> Notification | None:
    """A security notice to a phone or address the account no longer has (NOT-5): one
    delivery on that channel, sent at once and retried like any other, not in the inbox.
    For a deleted account the rows go once the delivery ends (``forget_deleted_accounts``).
    """
    existing = Notification.objects.filter(source_event_id=event_id).first()
    if existing is not None:
        return existing
    user = User.objects.filter(pk=user_id).first()
    if user is None or channel not in (Channel.SMS, Channel.EMAIL) or not destination:
        logger.error("former-contact notice %s cannot be delivered (%r)", event_id, channel)
        return None
    now = timezone.now()
    notification = Notification.objects.create(
        user=user,
        event_type="security_alert",
        source_event_id=event_id,
        title=subject[:200],
        text=text,
        link="/notifications/",
        in_inbox=False,
        created_at=now,
    )
    delivery = Delivery.objects.create(
        notification=notification,
        channel=channel,
        status=Delivery.Status.QUEUED,
        destination=destination,
        subject=subject,
        body=text,
        template_version=0,
        next_attempt_at=now,
        created_at=now,
        updated_at=now,
    )
    events.after_delivery(lambda: _send_now([delivery.pk]))
    return notification


def forget_deleted_accounts(*, limit: int = BATCH_SIZE) -> int:
    """REC-4: a deleted account's last notices (to its former contacts) are kept only
    until their deliveries end; returns how many notifications were erased."""
    ended = list(
        Notification.objects.filter(user__deleted_at__isnull=False)
        .exclude(deliveries__finished_at__isnull=True)
        .values_list("pk", flat=True)[:limit]
    )
    if ended:
        Notification.objects.filter(pk__in=ended).delete()
    return len(ended)


def _render(templates: dict, channel: str, payload: dict, *, fallback_title: str) -> Rendered:
    template = templates.get(channel)
    if template is None:  # a deleted template must not lose the message
        text = payload.get("text", "")
        return Rendered(subject=fallback_title, body=text or fallback_title, html_body="", link="")
    return render(template, payload)


def _enqueue_sending() -> None:
    from gosportal.notifications.tasks import send_deliveries

    try:
        send_deliveries.enqueue()
    except Exception:
        logger.exception("could not enqueue the sending of notifications")  # the scheduler will


# --- sending (NOT-4) ------------------------------------------------------------------------


def send_due(*, limit: int = SEND_BATCH) -> int:
    """Send one batch of the deliveries that are due; returns how many were tried."""
    now = timezone.now()
    push_operator_receipts()  # reports that fell due since the last run
    poll_receipts(now=now)  # the fallback for reports the operator never posted
    # A delivery left in "sending" by a worker that died (no provider id: the gateway
    # never answered) is tried again.
    Delivery.objects.filter(
        provider_id__isnull=True, status=Delivery.Status.SENDING, updated_at__lt=now - STUCK_AFTER
    ).update(
        status=Delivery.Status.TEMPORARY_FAILURE,
        failure_reason=_("Отправка прервалась, повторим"),
        updated_at=now,
    )
    give_up_without_receipt(now=now)
    forget_deleted_accounts()
    tried = send_batch(Delivery.objects.all(), limit=limit)
    if tried:
        push_operator_receipts()  # the sandbox reports right after sending
    return tried


def push_operator_receipts() -> int:
    """Let the SMS gateway post the delivery reports it owes to the receipt endpoint (the
    sandbox does so from the worker; a real operator on its own). Never raises."""
    push = getattr(get_sms_gateway(), "push_receipts", None)
    if push is None:
        return 0
    try:
        return push()
    except Exception:
        logger.exception("the SMS gateway could not post its delivery reports")
        return 0


def send_batch(queryset, *, limit: int = SEND_BATCH) -> int:
    """Claim up to ``limit`` due deliveries of ``queryset``, send them concurrently and
    record every outcome in one statement; returns how many were tried.

    The claim (``sending``, one more attempt) commits before anything is sent, so a
    second worker never takes the same rows; a worker that dies after the claim leaves
    them in ``sending`` without a provider id, tried again after ``STUCK_AFTER``.
    """
    now = timezone.now()
    connection = connections[queryset.db]
    with transaction.atomic():
        ids = claim(
            queryset.filter(
                status__in=[Delivery.Status.QUEUED, Delivery.Status.TEMPORARY_FAILURE],
                next_attempt_at__lte=now,
            ).order_by("next_attempt_at", "id"),
            limit=limit,
            assignments="status = %s, attempts = attempts + 1, updated_at = %s",
            params=[Delivery.Status.SENDING, connection.ops.adapt_datetimefield_value(now)],
        )
        if not ids:
            return 0
        batch = list(
            Delivery.objects.filter(pk__in=ids)
            .select_related("notification")
            .defer("notification__title", "notification__text")
            .order_by("id")
        )
    outcomes = _send_all(batch)
    _record(batch, outcomes)
    return len(batch)


def _send_now(pks: list[int]) -> None:
    """Send these deliveries at once (security notices), outside any transaction."""
    try:
        send_batch(Delivery.objects.filter(pk__in=pks), limit=len(pks))
    except Exception:
        logger.exception("immediate sending of deliveries %s failed; the scheduler retries", pks)
    transaction.on_commit(push_operator_receipts)


# What a channel answered for one delivery: (provider id or None, the provider's status),
# or the failure.
Outcome = tuple[str | None, str] | TemporaryFailure | PermanentFailure


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                max_workers=settings.NOTIFICATION_SEND_THREADS, thread_name_prefix="send"
            )
        return _executor


def _concurrently(function, items: list) -> list:
    """``function`` over ``items`` on the sending threads (network only: the threads never
    touch the database), each result or the exception it raised."""

    def call(item):
        try:
            return function(item)
        except Exception as exc:
            return exc

    if len(items) <= 1:
        return [call(item) for item in items]
    return list(_pool().map(call, items))


def _send_all(batch: list[Delivery]) -> dict[int, Outcome]:
    by_channel: dict[str, list[Delivery]] = {}
    for delivery in batch:
        by_channel.setdefault(delivery.channel, []).append(delivery)
    outcomes: dict[int, Outcome] = {}
    for channel, deliveries in by_channel.items():
        results = CHANNEL_SENDERS[channel](deliveries)
        for delivery, result in zip(deliveries, results, strict=True):
            if isinstance(result, TemporaryFailure | PermanentFailure):
                outcomes[delivery.pk] = result
            elif isinstance(result, Exception):
                logger.error("sending delivery %s failed: %r", delivery.pk, result)
                outcomes[delivery.pk] = TemporaryFailure(str(result))
            else:
                outcomes[delivery.pk] = result
    return outcomes


def _record(batch: list[Delivery], outcomes: dict[int, Outcome]) -> None:
    """Write every outcome of the batch in one statement (and audit the failures)."""
    now = timezone.now()
    failed = []
    for delivery in batch:
        outcome = outcomes[delivery.pk]
        delivery.updated_at = now
        if isinstance(outcome, PermanentFailure):
            _set_finished(delivery, Delivery.Status.PERMANENT_FAILURE, str(outcome), now)
        elif isinstance(outcome, TemporaryFailure):
            _set_retry(delivery, str(outcome), now)
        else:
            provider_id, status = outcome
            delivery.provider_id = provider_id
            status = RECEIPT_STATUSES.get(status, Delivery.Status.SENDING)
            if provider_id is None or status == Delivery.Status.DELIVERED:
                _set_finished(delivery, Delivery.Status.DELIVERED, "", now)
            elif status == Delivery.Status.PERMANENT_FAILURE:
                _set_finished(delivery, status, _receipt_reason(status), now)
            elif status == Delivery.Status.TEMPORARY_FAILURE:
                _set_retry(delivery, _receipt_reason(status), now)
            # else: accepted as "sending", the operator's report finishes it
        if delivery.status == Delivery.Status.PERMANENT_FAILURE:
            failed.append(delivery)
    with transaction.atomic():
        update_each(
            Delivery,
            [(d.pk, *(getattr(d, name) for name in _RESULT_FIELDS)) for d in batch],
            fields=_RESULT_FIELDS,
            where="status = %s",  # a receipt or a reset that came first wins
            params=[Delivery.Status.SENDING],
        )
        for delivery in failed:
            audit.record(
                "notifications.delivery_failed", obj=delivery, details={"channel": delivery.channel}
            )


_RESULT_FIELDS = [
    "status",
    "provider_id",
    "failure_reason",
    "next_attempt_at",
    "finished_at",
    "updated_at",
]


def _set_finished(delivery: Delivery, status: str, reason: str, now) -> None:
    delivery.status = status
    delivery.failure_reason = reason[:300]
    delivery.finished_at = now


def _set_retry(delivery: Delivery, reason: str, now) -> None:
    if delivery.attempts >= MAX_ATTEMPTS:
        reason = _("Не доставлено за %(count)s попыток: %(reason)s") % {
            "count": delivery.attempts,
            "reason": reason,
        }
        _set_finished(delivery, Delivery.Status.PERMANENT_FAILURE, reason, now)
        return
    delivery.status = Delivery.Status.TEMPORARY_FAILURE
    delivery.failure_reason = reason[:300]
    delivery.next_attempt_at = now + min(
        FIRST_RETRY * 2 ** (delivery.attempts - 1), MAX_RETRY_DELAY
    )


def _retry_or_fail(delivery: Delivery, reason: str) -> None:
    """A delivery still "sending" failed temporarily (an operator's report): retry it after
    the back-off, or fail it for good after the last attempt."""
    if delivery.attempts >= MAX_ATTEMPTS:
        _finish(
            delivery,
            Delivery.Status.PERMANENT_FAILURE,
            _("Не доставлено за %(count)s попыток: %(reason)s")
            % {"count": delivery.attempts, "reason": reason},
        )
        return
    delay = min(FIRST_RETRY * 2 ** (delivery.attempts - 1), MAX_RETRY_DELAY)
    now = timezone.now()
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(
        status=Delivery.Status.TEMPORARY_FAILURE,
        failure_reason=reason[:300],
        next_attempt_at=now + delay,
        updated_at=now,
    )


def _finish(delivery: Delivery, status: str, reason: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        changed = Delivery.objects.filter(
            pk=delivery.pk, status__in=[Delivery.Status.SENDING, Delivery.Status.DIGEST]
        ).update(status=status, failure_reason=reason[:300], finished_at=now, updated_at=now)
        if changed and status == Delivery.Status.PERMANENT_FAILURE:
            audit.record(
                "notifications.delivery_failed",
                obj=delivery,
                details={"channel": delivery.channel},
            )


def _sms_failure(exc: SmsError) -> TemporaryFailure | PermanentFailure:
    if exc.temporary:
        return TemporaryFailure(
            _("Оператор связи временно недоступен (%(reason)s)") % {"reason": exc.reason}
        )
    return PermanentFailure(
        _("Оператор не может доставить SMS на этот номер (%(reason)s)") % {"reason": exc.reason}
    )


def _send_sms(deliveries: list[Delivery]) -> list:
    """One call for the batch when the gateway takes batches (the sandbox: one insert, as a
    provider's bulk API is one round trip), else one request per message on the threads."""
    gateway = get_sms_gateway()
    messages = [SmsMessage(to=d.destination, text=d.body) for d in deliveries]
    send_many = getattr(gateway, "send_many", None)
    if send_many is not None:
        results = send_many(messages)
    else:
        results = _concurrently(lambda m: gateway.send(to=m.to, text=m.text), messages)
    outcomes = []
    for result in results:
        if isinstance(result, SmsError):
            outcomes.append(_sms_failure(result))
        elif isinstance(result, Exception):
            outcomes.append(result)
        else:
            outcomes.append((result.provider_id, result.status))
    return outcomes


def _send_push(deliveries: list[Delivery]) -> list:
    results = push.send_many(deliveries, run=_concurrently)
    outcomes = []
    for result in results:
        if isinstance(result, push.PushGone):
            outcomes.append(PermanentFailure(str(result)))
        elif isinstance(result, push.PushUnavailable):
            outcomes.append(TemporaryFailure(str(result)))
        elif isinstance(result, Exception):
            outcomes.append(result)
        else:
            outcomes.append((None, "delivered"))
    return outcomes


def _email(delivery: Delivery, connection=None) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        delivery.subject, delivery.body, None, [delivery.destination], connection=connection
    )
    if delivery.html_body:
        message.attach_alternative(delivery.html_body, "text/html")
    return message


def _send_email(deliveries: list[Delivery]) -> list:
    """A backend that reports each message of a list in one call (the sandbox: one insert)
    takes the batch; SMTP gets one connection per message on the threads."""
    backend = get_connection()
    send_each = getattr(backend, "send_each", None)
    if send_each is not None:
        results = send_each([_email(d, backend) for d in deliveries])
    else:
        results = _concurrently(lambda d: _send_message(_email(d)), deliveries)
    return [r if isinstance(r, Exception) else (None, "delivered") for r in results]


def _send_message(message: EmailMultiAlternatives) -> None:
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentFailure(_("Почтовый сервер отклонил адрес")) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise TemporaryFailure(
            _("Почтовый сервер недоступен (%(reason)s)") % {"reason": exc.__class__.__name__}
        ) from exc


CHANNEL_SENDERS = {
    Channel.SMS.value: _send_sms,
    Channel.EMAIL.value: _send_email,
    Channel.PUSH.value: _send_push,
}


def give_up_without_receipt(*, now) -> int:
    """Messages the operator accepted but never reported on for 72 hours fail for good."""
    stale = list(
        Delivery.objects.filter(
            status=Delivery.Status.SENDING,
            provider_id__isnull=False,
            updated_at__lt=now - NO_RECEIPT_GIVE_UP,
        ).values_list("pk", flat=True)[:BATCH_SIZE]
    )
    for pk in stale:
        delivery = Delivery.objects.get(pk=pk)
        _finish(
            delivery,
            Delivery.Status.PERMANENT_FAILURE,
            _("Оператор не прислал отчёт о доставке за 72 часа"),
        )
    return len(stale)


# Statuses an SMS operator's delivery report may carry, as our statuses.
RECEIPT_STATUSES = {
    "delivered": Delivery.Status.DELIVERED,
    "failed": Delivery.Status.PERMANENT_FAILURE,
    "permanent-failure": Delivery.Status.PERMANENT_FAILURE,
    "temporary-failure": Delivery.Status.TEMPORARY_FAILURE,
    "sending": Delivery.Status.SENDING,
}


def _receipt_reason(status: str) -> str:
    if status == Delivery.Status.PERMANENT_FAILURE:
        return _("Оператор сообщил, что SMS не доставлено")
    if status == Delivery.Status.TEMPORARY_FAILURE:
        return _("Оператор временно не смог доставить SMS, повторим")
    return ""


def receipt_signature(body: bytes) -> str:
    """``sha256=<hex>`` of the body with ``SMS_RECEIPT_SECRET``, as the operator signs."""
    digest = hmac.new(settings.SMS_RECEIPT_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def accept_sms_receipt(*, body: bytes, signature: str) -> bool:
    """A delivery report pushed by the SMS operator; True when it moved a delivery.

    Bad signature: ``Forbidden``; unreadable body: ``InvalidInput``; unknown message id:
    ``NotFound``; a repeated report changes nothing.
    """
    if not hmac.compare_digest(receipt_signature(body), signature or ""):
        raise Forbidden(_("Подпись отчёта о доставке неверна."))
    try:
        data = json.loads(body)
        provider_id, status = str(data["provider_id"])[:64], RECEIPT_STATUSES[data["status"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidInput(_("Отчёт о доставке не разобран."), field="status") from exc
    if not Delivery.objects.filter(channel=Channel.SMS, provider_id=provider_id).exists():
        raise NotFound(_("Сообщение с таким идентификатором не отправлялось."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                ProviderReceipt.objects.create(
                    channel=Channel.SMS, provider_id=provider_id, status=status
                )
        except IntegrityError:
            return False  # the same report again
        return apply_receipt(
            channel=Channel.SMS,
            provider_id=provider_id,
            status=status,
            reason=_receipt_reason(status),
        )


def poll_receipts(*, now, limit: int = BATCH_SIZE) -> int:
    """Ask the SMS gateway for the delivery reports of messages it accepted as "sending";
    returns how many moved forward."""
    waiting = list(
        Delivery.objects.filter(
            channel=Channel.SMS,
            status=Delivery.Status.SENDING,
            provider_id__isnull=False,
            updated_at__lte=now - RECEIPT_POLL_AFTER,
        ).values_list("provider_id", flat=True)[:limit]
    )
    moved = 0
    gateway = get_sms_gateway() if waiting else None
    for provider_id in waiting:
        try:
            receipt = gateway.status(provider_id=provider_id)
        except SmsError as exc:
            logger.warning("no delivery report for SMS %s: %s", provider_id, exc.reason)
            continue
        if apply_receipt(
            channel=Channel.SMS,
            provider_id=provider_id,
            status=receipt.status,
            reason=_receipt_reason(receipt.status),
        ):
            moved += 1
    return moved


@transaction.atomic
def apply_receipt(*, channel: str, provider_id: str, status: str, reason: str = "") -> bool:
    """Record a provider's delivery receipt; True when it moved the delivery forward.

    Unknown ids, repeated and late receipts change nothing (GOV.UK Notify's rule). A
    temporary failure of a message still "sending" (the phone is off) is tried again
    after the usual back-off, and fails for good after the last attempt (NOT-4).
    """
    delivery = (
        Delivery.objects.select_for_update()
        .filter(channel=channel, provider_id=provider_id)
        .first()
    )
    if delivery is None or status not in _RANK:
        return False
    if status == Delivery.Status.TEMPORARY_FAILURE:
        if delivery.status != Delivery.Status.SENDING or delivery.finished_at is not None:
            return False
        _retry_or_fail(delivery, reason or _("Оператор временно не смог доставить SMS, повторим"))
        return True
    if _RANK[status] <= _RANK[delivery.status] or delivery.finished_at is not None:
        return False
    now = timezone.now()
    delivery.status = status
    delivery.updated_at = now
    fields = ["status", "updated_at"]
    if _RANK[status] == 2:
        delivery.finished_at = now
        delivery.failure_reason = reason[:300]
        fields += ["finished_at", "failure_reason"]
    delivery.save(update_fields=fields)
    return True


# --- the inbox (NOT-1) -------------------------------------------------------------------


def _own(user: User, notification_id: int) -> Notification:
    notification = (
        Notification.objects.select_for_update()
        .filter(pk=notification_id, user=user, in_inbox=True)
        .first()
    )
    if notification is None:
        raise NotFound(_("Уведомление не найдено."))
    return notification


@transaction.atomic
def mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (a no-op when it already is)."""
    notification = _own(user, notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        unread.changed(user.pk, -1)
    return notification


@transaction.atomic
def mark_unread(*, user: User, notification_id: int) -> Notification:
    notification = _own(user, notification_id)
    if notification.read_at is not None:
        notification.read_at = None
        notification.save(update_fields=["read_at"])
        unread.changed(user.pk, +1)
    return notification


@transaction.atomic
def mark_all_read(*, user: User) -> int:
    marked = Notification.objects.filter(user=user, in_inbox=True, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    unread.changed(user.pk, -marked)
    return marked


# --- the daily digest --------------------------------------------------------------------


def send_digests(*, limit: int = 500) -> int:
    """Send one e-mail per user gathering the deliveries held for the digest and now due;
    returns the number of e-mails sent. A failed e-mail leaves them for the next run."""
    now = timezone.now()
    waiting = (
        Delivery.objects.filter(
            status=Delivery.Status.DIGEST, channel=Channel.EMAIL, next_attempt_at__lte=now
        )
        .select_related("notification")
        .order_by("notification__user_id", "created_at", "id")[:limit]
    )
    by_user: dict[int, list[Delivery]] = {}
    for delivery in waiting:
        by_user.setdefault(delivery.notification.user_id, []).append(delivery)
    sent = 0
    for user_id, deliveries in by_user.items():
        if _send_digest(user_id, deliveries, now):
            sent += 1
    return sent


def _send_digest(user_id: int, deliveries: list[Delivery], now) -> bool:
    items = [
        {"title": d.notification.title, "text": d.notification.text, "link": d.notification.link}
        for d in deliveries
    ]
    context = {"items": items, "site_url": settings.SITE_URL}
    message = EmailMultiAlternatives(
        _("Сводка уведомлений Госпортала: %(count)s") % {"count": len(items)},
        render_to_string("notifications/digest.txt", context),
        None,
        [deliveries[-1].destination],
    )
    message.attach_alternative(render_to_string("notifications/digest.html", context), "text/html")
    try:
        _send_message(message)
    except (TemporaryFailure, PermanentFailure) as exc:
        logger.warning("digest for user %s not sent: %s", user_id, exc)
        Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
            failure_reason=str(exc)[:300], attempts=F("attempts") + 1, updated_at=now
        )
        return False
    Delivery.objects.filter(
        pk__in=[d.pk for d in deliveries], status=Delivery.Status.DIGEST
    ).update(status=Delivery.Status.DELIVERED, finished_at=now, updated_at=now, failure_reason="")
    return True


def undelivered_contacts(user: User) -> set[str]:
    """Channels whose last finished delivery failed for good: the user should fix them.

    One query: the last finished delivery of each channel, found by a subquery each."""
    last_of_each = Q()
    for channel in SENT_CHANNELS:
        last_of_each |= Q(
            pk=Subquery(
                Delivery.objects.filter(notification__user_id=user.pk, channel=channel)
                .filter(~Q(finished_at=None))
                .order_by("-finished_at", "-id")
                .values("pk")[:1]
            )
        )
    return set(
        Delivery.objects.filter(last_of_each)
        .filter(status=Delivery.Status.PERMANENT_FAILURE)
        .values_list("channel", flat=True)
    )


# --- the account's data (REC-4, PROF-7) --------------------------------------------------


def erase_notifications(user: User) -> None:
    """REC-4: messages, their deliveries (texts and contacts) and preferences go with the
    account."""
    Notification.objects.filter(user=user).delete()
    unread.changed(user.pk, None)
    Preference.objects.filter(user=user).delete()
    QuietHours.objects.filter(user=user).delete()
    PushSubscription.objects.filter(user=user).delete()


def export_push_devices(user: User) -> list[dict]:
    """PROF-7: the devices that receive web push — name, dates and the push service's host
    only; the full address and the keys identify the device to that service and stay out."""
    rows = PushSubscription.objects.filter(user=user).order_by("created_at", "id")
    return [
        {
            "device": row.label,
            "created_at": row.created_at.isoformat(),
            "last_used_at": row.last_success_at.isoformat() if row.last_success_at else None,
            "push_service": urlsplit(row.endpoint).hostname or "",
        }
        for row in rows
    ]


def export_notifications(user: User) -> list[dict]:
    """PROF-7: the user's notifications with their deliveries, for «Скачать мои данные»."""
    rows = Notification.objects.filter(user=user).prefetch_related("deliveries").order_by("id")
    return [
        {
            "type": n.event_type,
            "title": n.title,
            "text": n.text,
            "created_at": n.created_at.isoformat(),
            "read_at": n.read_at.isoformat() if n.read_at else None,
            "deliveries": [
                {
                    "channel": d.channel,
                    "status": d.status,
                    "failure_reason": d.failure_reason,
                    "created_at": d.created_at.isoformat(),
                }
                for d in n.deliveries.all()
            ],
        }
        for n in rows
    ]
