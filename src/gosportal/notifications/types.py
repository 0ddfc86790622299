"""The registry of notification event types (NOT-3) and the channels they go through.

Each type says whether it is critical (security: never switched off entirely, never
held back by quiet hours or the digest), which channels it uses by default and how
often. The Russian texts per channel live in ``NotificationTemplate`` rows, created by
a data migration from ``defaults.py`` and editable in the admin.
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    INBOX = "inbox", _("В личном кабинете")
    EMAIL = "email", _("Электронная почта")
    SMS = "sms", _("SMS")
    PUSH = "push", _("Push-уведомление")


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("Сразу")
    DAILY_DIGEST = "daily", _("Раз в день сводкой")


# Channels offered in the preferences.
USER_CHANNELS = (Channel.INBOX, Channel.EMAIL, Channel.SMS, Channel.PUSH)


@dataclass(frozen=True)
class EventType:
    key: str
    title: str
    critical: bool = False
    channels: frozenset[str] = frozenset({Channel.INBOX, Channel.EMAIL})
    frequency: str = Frequency.IMMEDIATELY
    sample: dict = field(default_factory=dict)  # payload for the admin preview and tests


_APP = {"application_number": "2026-000123", "service": "Замена паспорта", "url": "/"}

EVENT_TYPES: dict[str, EventType] = {
    t.key: t
    for t in [
        EventType("application_submitted", _("Заявление отправлено"), sample=_APP),
        EventType(
            "status_changed",
            _("Статус заявления изменён"),
            channels=frozenset({Channel.INBOX, Channel.EMAIL, Channel.PUSH}),
            sample={**_APP, "status": "Принято в работу"},
        ),
        EventType(
            "clarification_requested",
            _("Требуется уточнение по заявлению"),
            channels=frozenset({Channel.INBOX, Channel.EMAIL, Channel.SMS}),
            sample={**_APP, "question": "Приложите скан страницы с регистрацией"},
        ),
        EventType(
            "deadline_approaching",
            _("Приближается срок"),
            channels=frozenset({Channel.INBOX, Channel.EMAIL, Channel.SMS}),
            sample={"what": "Оплата пошлины", "date": "01.12.2026", "url": "/"},
        ),
        EventType(
            "document_ready",
            _("Документ готов"),
            sample={"document": "Справка об отсутствии судимости", "url": "/"},
        ),
        EventType(
            "new_charge",
            _("Новое начисление"),
            sample={"what": "Штраф ГИБДД", "amount": "500,00 ₽", "url": "/"},
        ),
        EventType(
            "payment_made",
            _("Платёж проведён"),
            sample={"what": "Госпошлина", "amount": "1 500,00 ₽", "url": "/"},
        ),
        EventType(
            "new_sign_in",
            _("Вход в учётную запись"),
            critical=True,
            channels=frozenset({Channel.INBOX, Channel.EMAIL, Channel.SMS}),
            sample={"device": "Chrome, Windows", "time": "23.11.2026 10:00", "url": "/"},
        ),
        EventType(
            "profile_changed",
            _("Изменены персональные данные"),
            critical=True,
            sample={"fields": "адрес регистрации", "url": "/profile/"},
        ),
        EventType(
            "appointment_reminder",
            _("Напоминание о приёме"),
            channels=frozenset({Channel.INBOX, Channel.SMS}),
            sample={"place": "МФЦ «Мои документы»", "time": "24.11.2026 11:30", "url": "/"},
        ),
        EventType(
            "support_reply",
            _("Ответ службы поддержки"),
            sample={"ticket": "45021", "url": "/"},
        ),
        EventType(
            "certificate_expiring",
            _("Истекает срок действия документа"),
            frequency=Frequency.DAILY_DIGEST,
            sample={"document": "Заграничный паспорт", "date": "15.01.2027", "url": "/"},
        ),
        EventType(
            "security_alert",
            _("Предупреждение безопасности"),
            critical=True,
            channels=frozenset({Channel.INBOX, Channel.EMAIL, Channel.SMS}),
            sample={
                "subject": "Вход с нового устройства",
                "text": "Выполнен вход с нового устройства.",
                "url": "/accounts/security/",
            },
        ),
        EventType(
            "announcement",
            _("Техническое сообщение"),
            channels=frozenset({Channel.INBOX}),
            frequency=Frequency.DAILY_DIGEST,
            sample={"text": "25.11.2026 с 02:00 до 04:00 портал будет недоступен.", "url": "/"},
        ),
    ]
}

EVENT_TYPE_CHOICES = [(t.key, t.title) for t in EVENT_TYPES.values()]


def event_type(key: str) -> EventType:
    """The registered type; ``KeyError`` for an unknown key (callers validate first)."""
    return EVENT_TYPES[key]
