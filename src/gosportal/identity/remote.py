"""Remote identity check (REG-3): the person uploads the passport page with the photo
and a selfie holding the open passport; an OCR pre-check compares the page with the
typed data; an operator with ``identity.review_remote_check`` looks at both pictures
and confirms or refuses.

Files go through ``core.files.check_upload`` and are kept only encrypted in
``core.vault``; they are deleted as soon as the request ends (decided, cancelled,
replaced or expired): the decision, the operator and the OCR outcome stay. One open
request per person (``identity.pending``); a request lives 30 days.
"""

import json
import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gosportal.accounts.models import User
from gosportal.accounts.notices import send_security_notice
from gosportal.accounts.services import raise_level
from gosportal.core import audit, ocr, vault
from gosportal.core.crypto import DecryptionError, blind_index
from gosportal.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gosportal.core.files import JPEG, PNG, SCAN_KINDS, check_upload
from gosportal.core.ratelimit import check as check_rate
from gosportal.identity.models import Confirmation, RemoteCheck
from gosportal.identity.pending import cancel_pending, open_pending
from gosportal.identity.service_centre import check_can_request
from gosportal.profiles.models import Profile
from gosportal.profiles.selectors import profile_of, same_person

logger = logging.getLogger(__name__)

METHOD = Confirmation.Method.REMOTE
PERMISSION = "identity.review_remote_check"
VALIDITY = timedelta(days=30)  # an unreviewed request and its files end after 30 days
MAX_BYTES = 5 * 1024 * 1024  # PROF-2: ≤ 5 MB per file
PASSPORT_KINDS = SCAN_KINDS  # PDF, JPEG, PNG
SELFIE_KINDS = (JPEG, PNG)
UPLOAD_RATE = "5/h"  # per person: each upload costs an antivirus scan and an OCR run
PASSPORT_PURPOSE = "remote_passport"
SELFIE_PURPOSE = "remote_selfie"
REASON_MIN, REASON_MAX = 5, 300
Ocr = RemoteCheck.Ocr

FIELD_LABELS = {
    "series": gettext_lazy("Серия паспорта"),
    "number": gettext_lazy("Номер паспорта"),
    "last_name": gettext_lazy("Фамилия"),
    "first_name": gettext_lazy("Имя"),
    "middle_name": gettext_lazy("Отчество"),
    "birth_date": gettext_lazy("Дата рождения"),
    "issued_on": gettext_lazy("Дата выдачи"),
    "department_code": gettext_lazy("Код подразделения"),
}


class CheckNotFound(NotFound):
    default_message = gettext_lazy("Заявка не найдена.")


# --- reads -----------------------------------------------------------------------------


def _open_requests() -> QuerySet[RemoteCheck]:
    return RemoteCheck.objects.filter(
        confirmation__method=METHOD,
        confirmation__status=Confirmation.Status.PENDING,
        confirmation__expires_at__gt=timezone.now(),
    ).select_related("confirmation", "confirmation__user")


def current_check(user: User) -> RemoteCheck | None:
    """The person's open request, if any."""
    return _open_requests().filter(confirmation__user=user).order_by("-confirmation_id").first()


def check_of(user: User, check_id: int) -> RemoteCheck:
    """The person's own open request ``check_id``; anybody else's is not found."""
    check = _open_requests().filter(confirmation__user=user, pk=check_id).first()
    if check is None:
        raise CheckNotFound()
    return check


def mismatches_of(check: RemoteCheck) -> list[dict]:
    """What the OCR pre-check found different: field label, typed and read."""
    if not check.ocr_mismatches:
        return []
    return [
        {**row, "label": str(FIELD_LABELS.get(row["field"], row["field"]))}
        for row in json.loads(check.ocr_mismatches)
    ]


# --- the person's side -----------------------------------------------------------------


def _check_files(passport, selfie) -> tuple:
    if not passport:
        raise InvalidInput(
            _("Загрузите фото или скан страницы паспорта с фотографией."), field="passport"
        )
    if not selfie:
        raise InvalidInput(_("Загрузите фото, на котором вы держите паспорт."), field="selfie")
    checked_passport = check_upload(
        passport, allowed=PASSPORT_KINDS, max_bytes=MAX_BYTES, field="passport"
    )
    checked_selfie = check_upload(selfie, allowed=SELFIE_KINDS, max_bytes=MAX_BYTES, field="selfie")
    return checked_passport, checked_selfie


def _delete_files(check: RemoteCheck) -> None:
    """Forget the files now, remove them once the transaction commits."""
    files = [
        (name, purpose)
        for name, purpose in (
            (check.passport_file, PASSPORT_PURPOSE),
            (check.selfie_file, SELFIE_PURPOSE),
        )
        if name
    ]
    transaction.on_commit(lambda: [vault.delete(name, purpose=purpose) for name, purpose in files])
    check.passport_file = ""
    check.selfie_file = ""
    check.save(update_fields=["passport_file", "selfie_file"])


def _end_earlier(user: User, reason: str) -> list[int]:
    cancelled = cancel_pending(user=user, method=METHOD, reason=reason)
    for old in RemoteCheck.objects.filter(confirmation_id__in=cancelled):
        _delete_files(old)
    return cancelled


def end_for_changed_data(user: User, reason: str) -> list[int]:
    """The person changed the identity data: the open request ends, its files go."""
    return _end_earlier(user, reason)


def start_remote_check(*, user: User, passport, selfie) -> RemoteCheck:
    """Check and store both files encrypted, open a request (ending an earlier one and
    deleting its files) and queue the OCR pre-check after commit."""
    check_can_request(user)
    check_rate(f"identity:remote-upload:user:{user.pk}", UPLOAD_RATE)
    checked_passport, checked_selfie = _check_files(passport, selfie)
    passport_name = vault.store(checked_passport.content, purpose=PASSPORT_PURPOSE)
    selfie_name = vault.store(checked_selfie.content, purpose=SELFIE_PURPOSE)
    try:
        with transaction.atomic():
            User.objects.select_for_update().only("pk").get(pk=user.pk)
            cancelled = _end_earlier(user, _("Загружены новые фотографии"))
            confirmation = open_pending(user=user, method=METHOD, code_hash="", validity=VALIDITY)
            check = RemoteCheck.objects.create(
                confirmation=confirmation,
                passport_file=passport_name,
                passport_kind=checked_passport.kind,
                passport_size=checked_passport.size,
                selfie_file=selfie_name,
                selfie_kind=checked_selfie.kind,
                selfie_size=checked_selfie.size,
            )
            audit.record(
                "identity.remote_uploaded",
                actor=user,
                obj=confirmation,
                details={"cancelled": cancelled, "passport_kind": checked_passport.kind},
            )
            transaction.on_commit(lambda: _enqueue_ocr(check.pk))
    except BaseException:
        vault.delete(passport_name, purpose=PASSPORT_PURPOSE)
        vault.delete(selfie_name, purpose=SELFIE_PURPOSE)
        raise
    return check


def _enqueue_ocr(check_id: int) -> None:
    from gosportal.identity.tasks import run_remote_ocr

    run_remote_ocr.enqueue(check_id)


# The data the operator confirms by comparing the person and the passport with them.
IDENTITY_FIELDS = (
    "last_name",
    "first_name",
    "middle_name",
    "birth_date",
    "passport_series",
    "passport_number",
    "passport_issued_on",
    "passport_department_code",
    "snils",
)


def identity_hash(profile: Profile) -> str:
    """A keyed hash of the identity data in «Мои данные» (no personal data in clear)."""
    values = [str(getattr(profile, field) or "").strip() for field in IDENTITY_FIELDS]
    return blind_index(json.dumps(values, ensure_ascii=False), purpose="remote_check_identity")


def _compare(check: RemoteCheck, reading: dict) -> list[dict]:
    profile = profile_of(check.confirmation.user)
    mismatches = ocr.compare_passport(
        ocr.PassportReading(text="", mrz=None, **reading),
        last_name=profile.last_name,
        first_name=profile.first_name,
        middle_name=profile.middle_name,
        birth_date=profile.birth_date,
        series=profile.passport_series,
        number=profile.passport_number,
        issued_on=profile.passport_issued_on,
        department_code=profile.passport_department_code,
    )
    return [{"field": m.field, "typed": m.typed, "read": m.read} for m in mismatches]


_READ_FIELDS = (
    "series",
    "number",
    "last_name",
    "first_name",
    "middle_name",
    "birth_date",
    "issued_on",
    "department_code",
)
_DATE_FIELDS = ("birth_date", "issued_on")


def _dump_reading(reading: ocr.PassportReading) -> str:
    values = {name: getattr(reading, name) for name in _READ_FIELDS}
    for name in _DATE_FIELDS:
        values[name] = values[name].isoformat() if values[name] else None
    return json.dumps(values, ensure_ascii=False)


def _load_reading(text: str) -> dict:
    from datetime import date

    values = json.loads(text)
    for name in _DATE_FIELDS:
        values[name] = date.fromisoformat(values[name]) if values[name] else None
    return values


def _store_comparison(check: RemoteCheck) -> None:
    rows = _compare(check, _load_reading(check.ocr_reading))
    check.ocr_status = Ocr.MISMATCH if rows else Ocr.MATCH
    check.ocr_fields = [row["field"] for row in rows]
    check.ocr_mismatches = json.dumps(rows, ensure_ascii=False)


def run_ocr(*, check_id: int) -> str:
    """The OCR pre-check of one request (run by the task); returns the OCR status."""
    check = RemoteCheck.objects.select_related("confirmation").filter(pk=check_id).first()
    if (
        check is None
        or check.ocr_status != Ocr.PENDING
        or check.confirmation.status != Confirmation.Status.PENDING
        or not check.passport_file
    ):
        return check.ocr_status if check is not None else ""
    try:
        content = vault.read(check.passport_file, purpose=PASSPORT_PURPOSE)
    except (FileNotFoundError, DecryptionError):
        return check.ocr_status  # the request ended meanwhile and its files went with it
    try:
        # Outside any transaction: OCR takes seconds and must not hold locks.
        reading = ocr.read_passport(content, kind=check.passport_kind)
    except ocr.OcrUnavailable:
        logger.warning("OCR unavailable for remote check %s", check_id)
        reading = None
    except Exception:
        # A file OCR chokes on ends the step as «not read»: never a request left pending.
        logger.exception("OCR failed for remote check %s", check_id)
        reading = None
    with transaction.atomic():
        check = (
            RemoteCheck.objects.select_for_update().select_related("confirmation").get(pk=check_id)
        )
        if check.ocr_status != Ocr.PENDING:
            return check.ocr_status
        check.ocr_finished_at = timezone.now()
        if reading is None:
            check.ocr_status = Ocr.UNAVAILABLE
        else:
            check.ocr_reading = _dump_reading(reading)
            if reading.mrz is None:
                check.ocr_mrz = RemoteCheck.Mrz.ABSENT
            elif reading.mrz.valid_check_digits:
                check.ocr_mrz = RemoteCheck.Mrz.VALID
            else:
                check.ocr_mrz = RemoteCheck.Mrz.INVALID
            _store_comparison(check)
        check.save()
        audit.record(
            "identity.remote_ocr_done",
            obj=check.confirmation,
            details={"ocr": check.ocr_status, "mrz": check.ocr_mrz, "fields": check.ocr_fields},
        )
    return check.ocr_status


@transaction.atomic
def compare_again(*, user: User, check_id: int) -> RemoteCheck:
    """After the person corrected «Мои данные»: the page read earlier against the data now."""
    check = check_of(user, check_id)
    check = (
        RemoteCheck.objects.select_for_update()
        .select_related("confirmation__user")
        .get(pk=check.pk)
    )
    if check.submitted_at is not None:
        raise Conflict(_("Заявка уже отправлена оператору."))
    if check.ocr_reading:
        _store_comparison(check)
        check.save(update_fields=["ocr_status", "ocr_fields", "ocr_mismatches"])
    return check


@transaction.atomic
def submit_for_review(*, user: User, check_id: int) -> RemoteCheck:
    """Send the request to the operators, with or without OCR mismatches; the comparison
    is refreshed first, so the operator sees it against the data as they are now."""
    check = check_of(user, check_id)
    check = (
        RemoteCheck.objects.select_for_update()
        .select_related("confirmation__user")
        .get(pk=check.pk)
    )
    if check.submitted_at is not None:
        raise Conflict(_("Заявка уже отправлена оператору."))
    if check.ocr_status == Ocr.PENDING:
        raise Conflict(_("Дождитесь окончания автоматической проверки фотографий."))
    profile = Profile.objects.select_for_update().filter(user=user).first()
    if profile is None:
        raise Conflict(_("Заполните персональные данные в разделе «Мои данные»."))
    if check.ocr_reading:
        _store_comparison(check)
    check.submitted_at = timezone.now()
    check.identity_hash = identity_hash(profile)
    check.save()
    audit.record(
        "identity.remote_submitted",
        actor=user,
        obj=check.confirmation,
        details={"ocr": check.ocr_status, "fields": check.ocr_fields},
    )
    return check


@transaction.atomic
def cancel_remote_check(*, user: User, check_id: int) -> None:
    """The person withdraws the request; its files are deleted at once."""
    check_of(user, check_id)
    cancelled = _end_earlier(user, _("Отменено заявителем"))
    audit.record(
        "identity.remote_cancelled",
        actor=user,
        object_type="identity.confirmation",
        object_id=",".join(map(str, cancelled)),
    )


# --- the operator's side ---------------------------------------------------------------


def check_operator(operator: User) -> None:
    if not operator.is_authenticated or not operator.has_perm(PERMISSION):
        raise Forbidden()


def review_queue(operator: User) -> QuerySet[RemoteCheck]:
    """Requests sent for review, oldest first; never the operator's own."""
    check_operator(operator)
    return (
        _open_requests()
        .filter(submitted_at__isnull=False)
        .exclude(confirmation__user=operator)
        .order_by("submitted_at", "pk")
    )


def _for_review(operator: User, check_id: int, *, lock: bool = False) -> RemoteCheck:
    check_operator(operator)
    rows = RemoteCheck.objects.select_related("confirmation", "confirmation__user")
    if lock:
        rows = rows.select_for_update()
    check = rows.filter(pk=check_id, confirmation__method=METHOD).first()
    if check is None or check.submitted_at is None:
        raise CheckNotFound()
    if same_person(check.confirmation.user, operator):  # REG-6: one person, several accounts
        raise Forbidden(_("Свою заявку проверяет другой оператор."))
    confirmation = check.confirmation
    if confirmation.status != Confirmation.Status.PENDING:
        raise Conflict(_("Заявка уже рассмотрена."), code="already_decided")
    if confirmation.expires_at <= timezone.now():
        raise Conflict(_("Срок заявки истёк."), code="expired")
    return check


def open_for_review(*, operator: User, check_id: int) -> RemoteCheck:
    """The request an operator opens; audited, since the page shows personal data."""
    check = _for_review(operator, check_id)
    audit.record("identity.remote_viewed", actor=operator, obj=check.confirmation)
    return check


def image_for_review(*, operator: User, check_id: int, which: str) -> tuple[bytes, str]:
    """One of the two pictures, decrypted, with its content type; a PDF scan's first page
    is drawn as PNG so the desk shows it like a photo."""
    check = _for_review(operator, check_id)
    if which == "passport":
        name, purpose, kind = check.passport_file, PASSPORT_PURPOSE, check.passport_kind
    elif which == "selfie":
        name, purpose, kind = check.selfie_file, SELFIE_PURPOSE, check.selfie_kind
    else:
        raise CheckNotFound()
    try:
        content = vault.read(name, purpose=purpose)
    except (FileNotFoundError, ValueError, DecryptionError):
        raise CheckNotFound() from None
    if kind == "pdf":
        from io import BytesIO

        out = BytesIO()
        try:
            # Drawn with the OCR's cap on the page size, so each view costs bounded memory.
            ocr.render_pdf_page(content).save(out, "PNG")
        except ocr.OcrUnavailable:
            raise CheckNotFound() from None
        return out.getvalue(), "image/png"
    return content, "image/jpeg" if kind == JPEG else "image/png"


def _decide(check: RemoteCheck, operator: User, status: str, reason: str = "") -> Confirmation:
    confirmation = check.confirmation
    confirmation.status = status
    confirmation.operator_id = operator.pk
    confirmation.decided_at = timezone.now()
    confirmation.reason = reason
    confirmation.details = {
        "ocr": check.ocr_status,
        "mrz": check.ocr_mrz,
        "fields": check.ocr_fields,
    }
    confirmation.save(update_fields=["status", "operator_id", "decided_at", "reason", "details"])
    _delete_files(check)
    return confirmation


@transaction.atomic
def confirm_remote_check(*, operator: User, check_id: int) -> Confirmation:
    """The operator saw the person and the passport match the data: the account becomes
    confirmed, the pictures are deleted and the person told."""
    check = _for_review(operator, check_id, lock=True)
    # Under the lock of the profile: the data confirmed are the data stored now.
    profile = Profile.objects.select_for_update().filter(user=check.confirmation.user).first()
    if profile is None or not check.identity_hash or check.identity_hash != identity_hash(profile):
        raise Conflict(
            _(
                "Заявитель изменил ФИО, дату рождения, паспорт или СНИЛС после отправки "
                "заявки: подтвердить личность по ней нельзя. Откажите в подтверждении — "
                "заявитель отправит новую заявку."
            ),
            code="data_changed",
        )
    confirmation = _decide(check, operator, Confirmation.Status.CONFIRMED)
    raise_level(confirmation.user, level=User.Level.CONFIRMED, reason="remote")
    audit.record("identity.remote_confirmed", actor=operator, obj=confirmation)
    send_security_notice(
        confirmation.user,
        subject=_("Личность подтверждена"),
        text=_(
            "Оператор проверил фотографии паспорта %(date)s и подтвердил личность. "
            "Учётная запись стала подтверждённой. Если вы не загружали фотографии, "
            "обратитесь в службу поддержки."
        )
        % {"date": timezone.localtime(confirmation.decided_at).strftime("%d.%m.%Y %H:%M")},
    )
    return confirmation


def check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise InvalidInput(_("Укажите причину отказа: от 5 до 300 символов."), field="reason")
    return reason


@transaction.atomic
def reject_remote_check(*, operator: User, check_id: int, reason: str) -> Confirmation:
    """The pictures do not prove the identity: refused with the reason the person reads;
    the account stays standard, the pictures are deleted."""
    reason = check_reason(reason)
    check = _for_review(operator, check_id, lock=True)
    confirmation = _decide(check, operator, Confirmation.Status.REJECTED, reason)
    audit.record(
        "identity.remote_rejected", actor=operator, obj=confirmation, details={"reason": reason}
    )
    send_security_notice(
        confirmation.user,
        subject=_("Личность не подтверждена"),
        text=_(
            "Оператор отказал в подтверждении личности по фотографиям паспорта. "
            "Причина: %(reason)s. Исправьте данные или загрузите новые фотографии в "
            "разделе «Подтверждение личности»."
        )
        % {"reason": reason},
    )
    return confirmation


# --- housekeeping ----------------------------------------------------------------------


def expire_remote_checks() -> int:
    """End requests past their 30 days and delete their files; returns how many ended."""
    ended = 0
    ids = list(
        Confirmation.objects.filter(
            method=METHOD, status=Confirmation.Status.PENDING, expires_at__lte=timezone.now()
        ).values_list("pk", flat=True)
    )
    for confirmation_id in ids:
        with transaction.atomic():
            confirmation = (
                Confirmation.objects.select_for_update()
                .filter(pk=confirmation_id, status=Confirmation.Status.PENDING)
                .first()
            )
            if confirmation is None:
                continue
            confirmation.status = Confirmation.Status.EXPIRED
            confirmation.decided_at = timezone.now()
            confirmation.save(update_fields=["status", "decided_at"])
            check = RemoteCheck.objects.filter(confirmation=confirmation).first()
            if check is not None:
                _delete_files(check)
            audit.record("identity.remote_expired", obj=confirmation)
            ended += 1
    return ended


def erase_remote_files(user: User) -> None:
    """REC-4: the account is deleted, so are the pictures of its remote checks."""
    for check in RemoteCheck.objects.filter(confirmation__user=user):
        _delete_files(check)
