"""«Скачать мои данные» (PROF-7, REC-4): everything accounts holds about a person as a ZIP.

The archive is built in memory from the user's own rows only: the account itself,
login history, sessions, second factors (kind, name and dates — never a secret) and
the audit rows where the user is the actor. Apps above accounts (profiles now;
applications, documents, payments as they arrive) plug their files in with
``register_export_part`` from their ``AppConfig.ready()``, as they do for deletion,
so the archive stays the one download at /accounts/export/.
"""

import io
import json
import textwrap
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from gosportal.accounts.models import User
from gosportal.core import audit
from gosportal.core.models import AuditEvent

README = """Выгрузка данных учётной записи Госпортала
===========================================

Архив сформирован {created} (время UTC) по вашему запросу. В нём всё, что портал
хранит о вашей учётной записи. Файлы в формате JSON открываются любым текстовым
редактором.

account.json        — учётная запись: телефон и электронная почта для входа,
                      уровень и тип учётной записи, даты регистрации и смены пароля.
login_history.json  — история входов: время, IP-адрес, браузер, способ и результат.
sessions.json       — сеансы: когда и откуда выполнен вход, последняя активность,
                      когда и почему сеанс завершён.
security.json       — способы подтверждения входа (второй фактор): вид, название,
                      даты подключения и последнего использования. Секреты (ключи
                      приложения, резервные коды) в выгрузку не входят.
audit.json          — журнал ваших действий на портале: время, действие, IP-адрес,
                      браузер и идентификатор объекта.
{parts}
Храните архив в надёжном месте: в нём ваши персональные данные. Если вы не
запрашивали выгрузку, смените пароль и обратитесь в службу поддержки.
"""


@dataclass(frozen=True)
class ExportPart:
    name: str  # the file name in the archive, e.g. "profile.json"
    builder: Callable[[User], Any]
    description: str  # one README line; may be a lazy translation


_parts: dict[str, ExportPart] = {}


def register_export_part(name: str, builder: Callable[[User], Any], *, description="") -> None:
    """Add a file to the archive. ``builder(user)`` returns a JSON-able object (written as
    ``name``) or ``(filename, bytes)`` for a file of another format."""
    _parts[name] = ExportPart(name, builder, description)


def export_filename(now: datetime | None = None) -> str:
    return f"gosportal-export-{(now or timezone.now()):%Y-%m-%d}.zip"


def build_export(*, user: User) -> bytes:
    """The ZIP archive of the user's data; audited as «accounts.exported»."""
    now = timezone.now()
    files = {
        "account.json": _account(user),
        "login_history.json": _login_history(user),
        "sessions.json": _sessions(user),
        "security.json": _security(user),
        "audit.json": _audit_rows(user),
    }
    contents = {name: _json(data) for name, data in files.items()}
    described = []
    for part in _parts.values():
        filename, content = _built(part, user)
        contents[filename] = content
        described.append((filename, str(part.description)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in contents.items():
            archive.writestr(name, content)
        readme = README.format(created=f"{now:%Y-%m-%d %H:%M}", parts=_readme_lines(described))
        archive.writestr("README.txt", readme)
    audit.record("accounts.exported", actor=user, obj=user, details={"files": sorted(contents)})
    return buffer.getvalue()


def _built(part: ExportPart, user: User) -> tuple[str, str | bytes]:
    result = part.builder(user)
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], bytes):
        return result
    return part.name, _json(result)


def _readme_lines(described: list[tuple[str, str]]) -> str:
    """README entries of the registered parts, aligned like the fixed ones above them."""
    lines = []
    for filename, description in described:
        head = f"{filename:<19} — " if len(filename) < 20 else f"{filename} — "
        wrapped = textwrap.wrap(description, width=80 - 22) or [""]
        lines.append(head + wrapped[0])
        lines += [" " * 22 + line for line in wrapped[1:]]
    return "".join(f"{line}\n" for line in lines)


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)


def _account(user: User) -> dict:
    return {
        "id": str(user.public_id),
        "phone": user.phone,
        "email": user.email,
        "email_confirmed": user.email_confirmed,
        "display_name": user.display_name,
        "level": user.level,
        "level_name": str(user.get_level_display()),
        "kind": user.kind,
        "kind_name": str(user.get_kind_display()),
        "date_joined": user.date_joined,
        "password_changed_at": user.password_changed_at,
        "last_login": user.last_login,
        "ip_allowlist": [line for line in user.ip_allowlist.splitlines() if line.strip()],
    }


def _login_history(user: User) -> list[dict]:
    return list(
        user.login_events.order_by("occurred_at", "id").values(
            "occurred_at", "ip", "user_agent", "device_type", "browser", "os", "method", "result"
        )
    )


def _sessions(user: User) -> list[dict]:
    # The session key is a bearer secret: it is never exported.
    return list(
        user.sessions.order_by("created_at", "id").values(
            "created_at",
            "last_activity",
            "ip",
            "user_agent",
            "device_type",
            "browser",
            "os",
            "method",
            "ended_at",
            "end_reason",
        )
    )


def _security(user: User) -> list[dict]:
    return [
        {
            "kind": row.kind,
            "kind_name": str(row.get_kind_display()),
            "name": row.name,
            "is_default": row.is_default,
            "created_at": row.created_at,
            "last_used_at": row.last_used_at,
        }
        for row in user.authenticators.order_by("created_at", "id")
    ]


def _audit_rows(user: User) -> list[dict]:
    return list(
        AuditEvent.objects.filter(actor_id=user.pk)
        .order_by("id")
        .values("occurred_at", "action", "ip", "user_agent", "object_type", "object_id", "details")
    )
