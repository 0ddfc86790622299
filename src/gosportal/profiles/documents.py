"""Writers of the further documents of «Мои данные» (PROF-1): driver licence, OMS policy,
vehicle registration certificates (СТС) and children's birth certificates.

Like the profile itself, every addition, edit and deletion waits for a one-time code
(``services.start_confirmation``), writes one ``ProfileChange`` per field with masked
displays and the old value encrypted, names the document on each row, and can be undone
within 30 minutes (PROF-4): undoing an addition deletes the document, undoing a deletion
brings it back under the same id.
"""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gosportal.accounts.models import User
from gosportal.accounts.notices import send_security_notice
from gosportal.core import audit
from gosportal.core.errors import Conflict, InvalidInput, NotFound
from gosportal.profiles.models import PersonalDocument, ProfileChange
from gosportal.profiles.services import (
    check_confirmation_code,
    mask_value,
    start_confirmation,
)

Kind = PersonalDocument.Kind
PURPOSE = "document_save"
SESSION_KEY = "profile_pending_document"
ADD, EDIT, DELETE = "add", "edit", "delete"
OPERATIONS = (ADD, EDIT, DELETE)

# The fields each kind uses, in the order pages and history show them.
FIELDS = {
    Kind.DRIVER_LICENCE: ("series", "number", "issued_on", "valid_until", "categories"),
    Kind.OMS_POLICY: ("number", "issued_on"),
    Kind.VEHICLE: ("series", "number", "vehicle_model", "plate_number", "vin", "issued_on"),
    Kind.BIRTH_CERTIFICATE: (
        "series",
        "number",
        "child_last_name",
        "child_first_name",
        "child_middle_name",
        "child_birth_date",
        "issued_on",
    ),
}
DATE_FIELDS = ("issued_on", "valid_until", "child_birth_date")


def change_name(kind: str, attr: str) -> str:
    """The ``ProfileChange.field`` of a document's field: «driver_licence.number»."""
    return f"{kind}.{attr}"


def to_raw(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def from_raw(attr: str, raw: str):
    if attr in DATE_FIELDS:
        return date.fromisoformat(raw) if raw else None
    return raw or ""


def document_for(user: User, document_id) -> PersonalDocument:
    """The person's own document; another person's id is simply not found."""
    document = PersonalDocument.objects.filter(user=user, pk=document_id).first()
    if document is None:
        raise NotFound(_("Документ не найден."))
    return document


def check_can_add(user: User, kind: str) -> None:
    """One driver licence and one OMS policy; vehicles and children without limit."""
    if kind not in Kind.values:
        raise NotFound(_("Документ не найден."))
    if kind in PersonalDocument.SINGLE_KINDS and user.documents.filter(kind=kind).exists():
        raise Conflict(
            _("%(kind)s уже добавлен: измените его или удалите.") % {"kind": Kind(kind).label}
        )


def _values(kind: str, values: dict) -> dict:
    return {attr: values.get(attr) for attr in FIELDS[kind]}


def _changed(document: PersonalDocument, values: dict) -> dict:
    """The given fields whose values differ from the document's."""
    return {
        attr: values[attr]
        for attr in FIELDS[document.kind]
        if attr in values and to_raw(values[attr]) != to_raw(getattr(document, attr))
    }


def start_document_change(
    *,
    user: User,
    op: str,
    kind: str = "",
    document_id: int | None = None,
    values: dict | None = None,
    ip: str | None = None,
) -> dict:
    """Check the change may be made and send the code; returns the session's record."""
    if op == ADD:
        check_can_add(user, kind)
        raw = {attr: to_raw(value) for attr, value in _values(kind, values or {}).items()}
    else:
        document = document_for(user, document_id)
        kind = document.kind
        if op == EDIT:
            changed = _changed(document, values or {})
            if not changed:
                raise InvalidInput(_("Вы ничего не изменили."))
            raw = {attr: to_raw(value) for attr, value in changed.items()}
        else:
            raw = {}
    payload = {"op": op, "kind": kind, "document_id": document_id, "values": raw}
    pending = start_confirmation(user=user, purpose=PURPOSE, payload=payload, ip=ip)
    audit.record(
        "profiles.document_change_started",
        actor=user,
        details={"op": op, "kind": kind, "document_id": document_id},
    )
    return pending


def describe_document_change(*, user: User, pending: dict) -> list[dict]:
    """The pending change as the confirmation page lists it: label, was → becomes, masked."""
    kind = pending["kind"]
    document = None
    if pending["op"] != ADD:
        document = document_for(user, pending["document_id"])
    rows = []
    for attr in FIELDS[kind]:
        old = getattr(document, attr) if document is not None else None
        if pending["op"] == DELETE:
            new = None
        elif attr in pending["values"]:
            new = from_raw(attr, pending["values"][attr])
        else:
            continue
        if to_raw(old) == to_raw(new):
            continue
        series = (document.series if document is not None else "") or ""
        new_series = pending["values"].get("series", series)
        name = change_name(kind, attr)
        rows.append(
            {
                "label": PersonalDocument._meta.get_field(attr).verbose_name,
                "old": mask_value(name, old, series=series),
                "new": mask_value(name, new, series=new_series),
            }
        )
    return rows


def confirm_document_change(*, user: User, pending: dict, code: str) -> list[ProfileChange]:
    """PROF-1: a right code applies the document change waiting in the session."""
    check_confirmation_code(user=user, purpose=PURPOSE, code=code)
    return apply_document_change(
        user=user,
        op=pending["op"],
        kind=pending["kind"],
        document_id=pending.get("document_id"),
        values={attr: from_raw(attr, raw) for attr, raw in pending["values"].items()},
        channel=ProfileChange.Channel.WEB,
        actor=user,
    )


@transaction.atomic
def apply_document_change(
    *,
    user: User,
    op: str,
    kind: str,
    document_id: int | None,
    values: dict,
    channel: str,
    actor: User | None,
    restore_id: int | None = None,
) -> list[ProfileChange]:
    """Add, edit or delete a document and record one ProfileChange per field.

    ``restore_id`` brings a deleted document back under its old id (undo, PROF-4).
    """
    if op not in OPERATIONS:
        raise InvalidInput(_("Неизвестное действие с документом."))
    User.objects.select_for_update().filter(pk=user.pk).first()  # one change at a time
    now = timezone.now()
    if op == ADD:
        check_can_add(user, kind)
        document = PersonalDocument(user=user, kind=kind, created_at=now, updated_at=now)
        if restore_id is not None:
            document.pk = restore_id
        old = {attr: None for attr in FIELDS[kind]}
        new = _values(kind, values)
    else:
        document = (
            PersonalDocument.objects.select_for_update().filter(user=user, pk=document_id).first()
        )
        if document is None:
            raise NotFound(_("Документ не найден."))
        kind = document.kind
        changed = _changed(document, values) if op == EDIT else dict.fromkeys(FIELDS[kind])
        old = {attr: getattr(document, attr) for attr in changed}
        new = changed
    changed_attrs = [
        attr for attr in FIELDS[kind] if to_raw(old.get(attr)) != to_raw(new.get(attr))
    ]
    if op == EDIT and not changed_attrs:
        return []
    old_series = document.series or ""
    if op == DELETE:
        document_pk = document.pk
        document.delete()
    else:
        for attr in changed_attrs:
            value = new[attr]
            setattr(document, attr, "" if value is None and attr not in DATE_FIELDS else value)
        document.updated_at = now
        try:
            with transaction.atomic():
                document.save()
        except IntegrityError as exc:  # a second driver licence or policy meanwhile
            raise Conflict(
                _("%(kind)s уже добавлен: измените его или удалите.") % {"kind": Kind(kind).label}
            ) from exc
        document_pk = document.pk
    new_series = "" if op == DELETE else document.series
    rows = ProfileChange.objects.bulk_create(
        ProfileChange(
            user=user,
            field=change_name(kind, attr),
            old_display=mask_value(change_name(kind, attr), old.get(attr), series=old_series),
            new_display=mask_value(change_name(kind, attr), new.get(attr), series=new_series),
            old_value=to_raw(old.get(attr)),
            changed_at=now,
            actor_id=actor.pk if actor is not None else None,
            channel=channel,
            document_id=document_pk,
            document_action=op,
        )
        for attr in changed_attrs
    )
    audit.record(
        f"profiles.document_{'added' if op == ADD else 'changed' if op == EDIT else 'deleted'}",
        actor=actor,
        object_type="profiles.personaldocument",
        object_id=str(document_pk),
        details={"user_id": user.pk, "kind": kind, "fields": changed_attrs, "channel": channel},
    )
    texts = {
        ADD: _("В ваши данные добавлен документ: %(kind)s."),
        EDIT: _("Изменены данные документа: %(kind)s."),
        DELETE: _("Из ваших данных удалён документ: %(kind)s."),
    }
    send_security_notice(
        user,
        subject=_("Изменение персональных данных"),
        text=(texts[op] % {"kind": Kind(kind).label})
        + " "
        + _("Если это были не вы, обратитесь в службу поддержки."),
    )
    return rows


def undo_document_change(
    *, user: User, batch: list[ProfileChange], actor: User | None
) -> list[ProfileChange]:
    """PROF-4: reverse the last document change (the caller checked the 30 minutes)."""
    first = batch[0]
    kind = first.field.split(".", 1)[0]
    old_values = {row.field.split(".", 1)[1]: row.old_value for row in batch}
    restored = {attr: from_raw(attr, raw) for attr, raw in old_values.items()}
    undo = ProfileChange.Channel.UNDO
    if first.document_action == ADD:
        return apply_document_change(
            user=user,
            op=DELETE,
            kind=kind,
            document_id=first.document_id,
            values={},
            channel=undo,
            actor=actor,
        )
    if first.document_action == EDIT:
        return apply_document_change(
            user=user,
            op=EDIT,
            kind=kind,
            document_id=first.document_id,
            values=restored,
            channel=undo,
            actor=actor,
        )
    return apply_document_change(
        user=user,
        op=ADD,
        kind=kind,
        document_id=None,
        values=restored,
        channel=undo,
        actor=actor,
        restore_id=first.document_id,
    )


def erase_documents(user: User) -> None:
    """REC-4: the person's documents go with the account, with the history rows that keep
    their old values for undo."""
    PersonalDocument.objects.filter(user=user).delete()
    ProfileChange.objects.filter(user=user).exclude(document_action="").delete()
