"""Web push (MOB-1): the user's devices that allowed notifications and the sending of a
notification to them with VAPID (``pywebpush``).

The push service only gets the notification id, its title and the portal link: no
text, no personal data beyond the title. The service worker (``/sw.js``) shows it and
opens the link on click.
"""

import base64
import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from pywebpush import WebPushException, webpush

from gosportal.accounts.devices import describe
from gosportal.accounts.models import User
from gosportal.core import audit
from gosportal.core.crypto import blind_index
from gosportal.core.errors import InvalidInput, NotFound
from gosportal.notifications.models import Delivery, PushSubscription

logger = logging.getLogger(__name__)

MAX_DEVICES = 10
TIMEOUT_SECONDS = 10
GONE = (404, 410)  # the browser dropped the subscription: never try it again


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@lru_cache(maxsize=4)
def _public_key_of(private_key: str) -> str:
    number = int.from_bytes(_unb64(private_key), "big")
    key = ec.derive_private_key(number, ec.SECP256R1())
    raw = key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return _b64(raw)


def public_key() -> str:
    """The VAPID public key for ``PushManager.subscribe`` (``applicationServerKey``)."""
    return _public_key_of(settings.VAPID_PRIVATE_KEY)


# --- subscriptions --------------------------------------------------------------------------


@dataclass(frozen=True)
class SubscriptionData:
    endpoint: str
    p256dh: str
    auth: str


def parse_subscription(data: object) -> SubscriptionData:
    """Validate ``PushSubscription.toJSON()`` as the browser sends it."""
    if not isinstance(data, dict):
        raise InvalidInput(_("Браузер прислал подписку в неверном формате."), field="endpoint")
    endpoint = data.get("endpoint")
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    if not isinstance(endpoint, str) or len(endpoint) > 1000 or not _allowed(endpoint):
        raise InvalidInput(
            _("Адрес подписки не принадлежит известной службе push-уведомлений."),
            field="endpoint",
        )
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    try:
        point = _unb64(p256dh) if isinstance(p256dh, str) else b""
        secret = _unb64(auth) if isinstance(auth, str) else b""
        if len(point) == 65 and point[0] == 4:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
        else:
            point = b""
    except ValueError:
        point = secret = b""
    if not point:
        raise InvalidInput(_("Ключ p256dh подписки неверен."), field="p256dh")
    if len(secret) != 16:
        raise InvalidInput(_("Ключ auth подписки неверен."), field="auth")
    return SubscriptionData(endpoint=endpoint, p256dh=p256dh, auth=auth)


def _allowed(endpoint: str) -> bool:
    """Only a push service's HTTPS address: the portal must not post anywhere a user says."""
    try:
        parts = urlsplit(endpoint)
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password:
        return False
    if parts.scheme == "http":
        return host in getattr(settings, "WEB_PUSH_INSECURE_HOSTS", ())
    if parts.scheme != "https":
        return False
    return any(host == h or host.endswith("." + h) for h in settings.WEB_PUSH_HOSTS)


def _index(endpoint: str) -> str:
    return blind_index(endpoint, purpose="push-endpoint")


@transaction.atomic
def subscribe(*, user: User, data: object, user_agent: str = "") -> PushSubscription:
    """Add (or move to ``user``) the device's subscription; one row per endpoint."""
    parsed = parse_subscription(data)
    device = describe(user_agent or "")
    label = ", ".join(p for p in (device.browser, device.os) if p) or device.device_label
    index = _index(parsed.endpoint)
    # The same browser signed in as someone else: the device now belongs to this user.
    PushSubscription.objects.filter(endpoint_index=index).exclude(user=user).delete()
    existing = PushSubscription.objects.select_for_update().filter(endpoint_index=index).first()
    if existing is None:
        if PushSubscription.objects.filter(user=user).count() >= MAX_DEVICES:
            raise InvalidInput(
                _("Подключено слишком много устройств. Отключите ненужные и повторите."),
                field="endpoint",
            )
        try:
            with transaction.atomic():
                subscription = PushSubscription.objects.create(
                    user=user,
                    endpoint=parsed.endpoint,
                    endpoint_index=index,
                    p256dh=parsed.p256dh,
                    auth=parsed.auth,
                    label=label[:100],
                )
        except IntegrityError:  # the same device subscribed twice at once
            return PushSubscription.objects.get(endpoint_index=index)
        audit.record("notifications.push_subscribed", obj=subscription, actor=user)
        return subscription
    existing.p256dh, existing.auth, existing.label = parsed.p256dh, parsed.auth, label[:100]
    existing.failures = 0
    existing.save(update_fields=["p256dh", "auth", "label", "failures"])
    return existing


@transaction.atomic
def unsubscribe(*, user: User, subscription_id: int) -> None:
    """«Отключить»: forget one of the user's devices (another user's id: not found)."""
    subscription = PushSubscription.objects.filter(pk=subscription_id, user=user).first()
    if subscription is None:
        raise NotFound(_("Устройство не найдено."))
    audit.record("notifications.push_unsubscribed", obj=subscription, actor=user)
    subscription.delete()


def unsubscribe_endpoint(*, user: User, endpoint: str) -> bool:
    """The browser withdrew its permission: drop its row (by endpoint)."""
    if not isinstance(endpoint, str):
        return False
    deleted, _rows = PushSubscription.objects.filter(
        endpoint_index=_index(endpoint), user=user
    ).delete()
    return bool(deleted)


def devices_of(user: User) -> list[PushSubscription]:
    return list(PushSubscription.objects.filter(user=user))


def has_devices(user: User) -> bool:
    return PushSubscription.objects.filter(user=user).exists()


# --- sending --------------------------------------------------------------------------------


class PushGone(Exception):
    """Every device of the user is gone: the delivery fails for good."""


class PushUnavailable(Exception):
    """No device accepted the message, some may on a later try."""


def payload_for(delivery: Delivery) -> str:
    """The only data a push service sees: id, title and the portal link."""
    notification = delivery.notification
    return json.dumps(
        {"id": notification.pk, "title": delivery.subject, "url": notification.link},
        ensure_ascii=False,
    )


def send_many(deliveries: list[Delivery], *, run=None) -> list:
    """Post each notification to every device of its user; per delivery, how many devices
    accepted it, or ``PushGone`` (no device left) / ``PushUnavailable`` (none accepted).

    ``run(function, items)`` makes the posts (the notification centre passes its sending
    threads; they only talk to the push services). A 404/410 answer then deletes that
    device, 429 and 5xx leave it for a retry.
    """
    devices: dict[int, list[PushSubscription]] = {}
    users = {d.notification.user_id for d in deliveries}
    for device in PushSubscription.objects.filter(user_id__in=users).order_by("id"):
        devices.setdefault(device.user_id, []).append(device)
    posts = [
        (index, device, payload_for(delivery))
        for index, delivery in enumerate(deliveries)
        for device in devices.get(delivery.notification.user_id, [])
    ]
    if run is None:
        statuses = [_post(device, data) for _index, device, data in posts]
    else:
        statuses = run(lambda post: _post(post[1], post[2]), posts)
    accepted = [0] * len(deliveries)
    temporary: list[list[int]] = [[] for _ in deliveries]
    now = timezone.now()
    for (index, device, _data), status in zip(posts, statuses, strict=True):
        if isinstance(status, Exception):
            status = 503
        if status is None:
            accepted[index] += 1
            PushSubscription.objects.filter(pk=device.pk).update(last_success_at=now, failures=0)
        elif status in GONE:
            logger.info("push subscription %s is gone (%s): deleted", device.pk, status)
            PushSubscription.objects.filter(pk=device.pk).delete()
        else:
            temporary[index].append(status)
            PushSubscription.objects.filter(pk=device.pk).update(failures=F("failures") + 1)
    results: list = []
    for index, delivery in enumerate(deliveries):
        if not devices.get(delivery.notification.user_id):
            results.append(PushGone(_("Нет подключённых устройств")))
        elif accepted[index]:
            results.append(accepted[index])
        elif temporary[index]:
            results.append(
                PushUnavailable(
                    _("Служба push-уведомлений временно недоступна (%(status)s)")
                    % {"status": temporary[index][0]}
                )
            )
        else:
            results.append(PushGone(_("Устройство отключило уведомления")))
    return results


def _post(device: PushSubscription, data: str) -> int | None:
    """None when the push service accepted the message, else its HTTP status (0: none)."""
    try:
        webpush(
            subscription_info={
                "endpoint": device.endpoint,
                "keys": {"p256dh": device.p256dh, "auth": device.auth},
            },
            data=data,
            vapid_private_key=settings.VAPID_PRIVATE_KEY,
            # pywebpush adds "aud" and "exp" to the dict it gets: a fresh one every call.
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            content_encoding="aes128gcm",
            ttl=settings.WEB_PUSH_TTL,
            timeout=TIMEOUT_SECONDS,
        )
    except WebPushException as exc:
        status = exc.response.status_code if exc.response is not None else 0
        logger.warning("push to subscription %s refused: %s", device.pk, status)
        return status or 503
    except OSError as exc:  # connection refused, timeout (requests' errors are OSErrors)
        logger.warning("push to subscription %s failed: %s", device.pk, exc.__class__.__name__)
        return 503
    return None
