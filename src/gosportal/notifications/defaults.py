"""Default Russian texts of every event type per channel (NOT-3), used by the data
migration that creates the ``NotificationTemplate`` rows. Django template syntax over
the event payload; ``site_url`` is added to every payload for absolute links.

Per type: title (inbox title, e-mail subject, push title), text (inbox, e-mail, push
body) and a short SMS text. E-mail bodies are built from the text and the link.
"""

TEXTS = {
    "application_submitted": (
        "Заявление {{ application_number }} отправлено",
        "Ваше заявление «{{ service }}» № {{ application_number }} отправлено в ведомство.",
        "Госпортал: заявление {{ application_number }} отправлено в ведомство.",
    ),
    "status_changed": (
        "Новый статус заявления {{ application_number }}",
        "Статус заявления «{{ service }}» № {{ application_number }}: {{ status }}.",
        "Госпортал: заявление {{ application_number }} — {{ status }}.",
    ),
    "clarification_requested": (
        "Уточните заявление {{ application_number }}",
        "Ведомство просит уточнить заявление «{{ service }}» № {{ application_number }}: "
        "{{ question }}",
        "Госпортал: ведомство просит уточнить заявление {{ application_number }}. "
        "Подробности в личном кабинете.",
    ),
    "deadline_approaching": (
        "Срок: {{ what }} до {{ date }}",
        "Напоминаем: {{ what }} — до {{ date }}.",
        "Госпортал: {{ what }} — до {{ date }}.",
    ),
    "document_ready": (
        "Документ готов: {{ document }}",
        "Документ «{{ document }}» готов. Его можно скачать в личном кабинете.",
        "Госпортал: документ «{{ document }}» готов.",
    ),
    "new_charge": (
        "Новое начисление: {{ what }}",
        "Вам выставлено начисление «{{ what }}» на сумму {{ amount }}.",
        "Госпортал: новое начисление «{{ what }}», {{ amount }}.",
    ),
    "payment_made": (
        "Платёж проведён: {{ what }}",
        "Платёж «{{ what }}» на сумму {{ amount }} проведён.",
        "Госпортал: платёж «{{ what }}» на {{ amount }} проведён.",
    ),
    "new_sign_in": (
        "Вход в учётную запись",
        "Выполнен вход в вашу учётную запись: {{ device }}, {{ time }}. Если это были не вы, "
        "смените пароль.",
        "Госпортал: вход в учётную запись {{ time }}. Если это не вы, смените пароль.",
    ),
    "profile_changed": (
        "Изменены персональные данные",
        "Изменены ваши персональные данные: {{ fields }}. Если это были не вы, обратитесь в "
        "службу поддержки.",
        "Госпортал: изменены ваши персональные данные. Если это не вы, позвоните в поддержку.",
    ),
    "appointment_reminder": (
        "Напоминание о приёме {{ time }}",
        "Вы записаны на приём: {{ place }}, {{ time }}.",
        "Госпортал: приём {{ time }}, {{ place }}.",
    ),
    "support_reply": (
        "Ответ по обращению № {{ ticket }}",
        "Служба поддержки ответила на ваше обращение № {{ ticket }}.",
        "Госпортал: получен ответ на обращение № {{ ticket }}.",
    ),
    "certificate_expiring": (
        "Истекает срок действия: {{ document }}",
        "Срок действия документа «{{ document }}» истекает {{ date }}.",
        "Госпортал: срок действия документа «{{ document }}» истекает {{ date }}.",
    ),
    "security_alert": (
        "{{ subject }}",
        "{{ text }}",
        "{{ text }}",
    ),
    "announcement": (
        "Техническое сообщение",
        "{{ text }}",
        "Госпортал: {{ text }}",
    ),
}

LINK = "{{ url }}"
EMAIL_TEXT = "Здравствуйте!\n\n{text}\n\nПодробнее: {{{{ site_url }}}}{{{{ url }}}}\n\n— Госпортал"
EMAIL_HTML = (
    '<p>Здравствуйте!</p>\n<p>{text}</p>\n<p><a href="{{{{ site_url }}}}{{{{ url }}}}">'
    "Открыть в личном кабинете</a></p>\n<p>— Госпортал</p>"
)


def default_templates() -> list[dict]:
    """Field values of one template row per (event type, channel)."""
    rows = []
    for key, (title, text, sms) in TEXTS.items():
        rows += [
            {"event_type": key, "channel": "inbox", "subject": title, "body": text, "link": LINK},
            {
                "event_type": key,
                "channel": "email",
                "subject": title,
                "body": EMAIL_TEXT.format(text=text),
                "html_body": EMAIL_HTML.format(text=text),
            },
            {"event_type": key, "channel": "sms", "body": sms},
            {"event_type": key, "channel": "push", "subject": title, "body": text, "link": LINK},
        ]
    return rows
