"""Passport scans (PROF-2): a change of a passport already on file needs a scan or photo
of the new passport.

The file is checked by ``core.files.check_upload`` (PDF/JPEG/PNG ≤ 5 MB) and stored
encrypted in the vault when the form is sent, as a draft; the one-time code that saves
the change also submits the scan. A task then reads the page with ``core.ocr`` and
compares it with the saved passport data, outside the request; the outcome (the fields
that differ) is kept with the scan, shown in «Мои данные» and sent to the person. The
registry check (REG-2) runs as for every change of identity data.
"""

import json
import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gosportal.accounts.models import User
from gosportal.accounts.notices import send_security_notice
from gosportal.core import audit, vault
from gosportal.core.files import SCAN_KINDS, check_upload
from gosportal.profiles.models import PassportScan, Profile

logger = logging.getLogger(__name__)

Status = PassportScan.Status
MAX_BYTES = 5 * 1024 * 1024  # PROF-2
PASSPORT_FIELDS = (
    "passport_series",
    "passport_number",
    "passport_issued_on",
    "passport_issuer",
    "passport_department_code",
)
# Waits before the 2nd, 3rd and 4th reading while OCR cannot run.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


def needs_scan(profile: Profile | None, changes: dict) -> bool:
    """PROF-2: a change of a passport already on file needs a scan of the new one."""
    if profile is None or not (profile.passport_series or profile.passport_number):
        return False
    return any(name in changes for name in PASSPORT_FIELDS)


def receive_passport_scan(*, user: User, upload) -> PassportScan:
    """Check and store the scan as a draft until the change is confirmed; earlier drafts
    of the person are dropped."""
    checked = check_upload(upload, allowed=SCAN_KINDS, max_bytes=MAX_BYTES, field="passport_scan")
    name = vault.store(checked.content, purpose=PassportScan.VAULT_PURPOSE)
    try:
        with transaction.atomic():
            _drop_drafts(user)
            scan = PassportScan.objects.create(
                user=user, vault_name=name, file_kind=checked.kind, size=checked.size
            )
            audit.record("profiles.passport_scan_received", actor=user, obj=scan)
    except Exception:
        vault.delete(name)
        raise
    return scan


def _drop_drafts(user: User) -> None:
    drafts = PassportScan.objects.filter(user=user, status=Status.DRAFT)
    names = list(drafts.values_list("vault_name", flat=True))
    drafts.delete()
    transaction.on_commit(lambda: [vault.delete(name) for name in names])


def submit_passport_scan(*, user: User, scan_id: int) -> PassportScan | None:
    """The change is saved: the draft goes to the OCR check (a task, after commit)."""
    scan = (
        PassportScan.objects.select_for_update()
        .filter(pk=scan_id, user=user, status=Status.DRAFT)
        .first()
    )
    if scan is None:
        return None
    scan.status = Status.PENDING
    scan.uploaded_at = timezone.now()
    scan.save(update_fields=["status", "uploaded_at"])
    audit.record("profiles.passport_scan_submitted", actor=user, obj=scan)
    transaction.on_commit(lambda: _enqueue(scan.pk))
    return scan


def _enqueue(scan_id: int, *, run_after=None) -> None:
    from gosportal.profiles.tasks import check_passport_scan

    task = (
        check_passport_scan if run_after is None else check_passport_scan.using(run_after=run_after)
    )
    task.enqueue(scan_id)


def run_scan_check(*, scan_id: int) -> str:
    """Read the scan and compare it with the saved passport; returns the scan's status."""
    from gosportal.core import ocr

    scan = PassportScan.objects.filter(pk=scan_id).first()
    if scan is None or scan.status != Status.PENDING:
        return scan.status if scan is not None else ""
    profile = Profile.objects.filter(user_id=scan.user_id).first()
    if profile is None:
        return _finish(scan_id, Status.FAILED, message=_("Данные паспорта удалены."))
    try:
        content = vault.read(scan.vault_name, purpose=PassportScan.VAULT_PURPOSE)
    except FileNotFoundError:
        return _finish(scan_id, Status.FAILED, message=_("Файл скана не найден."))
    try:
        # Outside any transaction: OCR takes seconds and must not hold locks.
        reading = ocr.read_passport(content, kind=scan.file_kind)
    except ocr.OcrUnavailable as exc:
        logger.warning("OCR unavailable for passport scan %s: %s", scan_id, exc)
        return _retry_later(scan_id)
    except Exception:
        # A file OCR chokes on ends the check as failed: never a scan left pending.
        logger.exception("OCR failed for passport scan %s", scan_id)
        return _finish(scan_id, Status.FAILED, message=_("Скан не удалось прочитать."))
    mismatches = ocr.compare_passport(
        reading,
        last_name=profile.last_name,
        first_name=profile.first_name,
        middle_name=profile.middle_name,
        birth_date=profile.birth_date,
        series=profile.passport_series,
        number=profile.passport_number,
        issued_on=profile.passport_issued_on,
        department_code=profile.passport_department_code,
    )
    found = [
        {"field": m.field, "label": str(m.label), "typed": m.typed, "read": m.read}
        for m in mismatches
    ]
    return _finish(scan_id, Status.MISMATCH if found else Status.MATCHED, mismatches=found)


@transaction.atomic
def _finish(scan_id: int, status: str, *, mismatches=(), message: str = "") -> str:
    scan = PassportScan.objects.select_for_update().filter(pk=scan_id).first()
    if scan is None or scan.status != Status.PENDING:
        return scan.status if scan is not None else ""
    scan.status = status
    scan.mismatches = json.dumps(list(mismatches), ensure_ascii=False) if mismatches else ""
    scan.message = message[:300]
    scan.checked_at = timezone.now()
    scan.save(update_fields=["status", "mismatches", "message", "checked_at", "attempts"])
    audit.record(
        "profiles.passport_scan_checked",
        obj=scan,
        details={
            "user_id": scan.user_id,
            "status": status,
            "fields": [m["field"] for m in mismatches],
        },
    )
    _tell(scan, mismatches)
    return status


def _tell(scan: PassportScan, mismatches) -> None:
    user = User.objects.get(pk=scan.user_id)
    if scan.status == Status.MATCHED:
        subject = _("Скан паспорта проверен")
        text = _(
            "Данные на скане паспорта совпадают с указанными в профиле. Проверка в МВД "
            "идёт отдельно, о её результате мы тоже сообщим."
        )
    elif scan.status == Status.MISMATCH:
        subject = _("Скан паспорта не совпадает с данными")
        labels = ", ".join(m["label"] for m in mismatches)
        text = _(
            "На скане паспорта не удалось подтвердить: %(fields)s. Проверьте данные в "
            "разделе «Мои данные» и при необходимости загрузите более чёткий скан."
        ) % {"fields": labels}
    else:
        subject = _("Скан паспорта не проверен")
        text = _("Не удалось проверить скан паспорта: %(reason)s") % {"reason": scan.message}
    send_security_notice(user, subject=subject, text=text)


@transaction.atomic
def _retry_later(scan_id: int) -> str:
    scan = PassportScan.objects.select_for_update().filter(pk=scan_id).first()
    if scan is None or scan.status != Status.PENDING:
        return scan.status if scan is not None else ""
    scan.attempts += 1
    if scan.attempts >= MAX_ATTEMPTS:
        scan.save(update_fields=["attempts"])
        return _finish(
            scan_id,
            Status.FAILED,
            message=_("Сервис распознавания недоступен; проверка в МВД идёт отдельно."),
        )
    scan.save(update_fields=["attempts"])
    run_after = timezone.now() + RETRY_DELAYS[scan.attempts - 1]
    transaction.on_commit(lambda: _enqueue(scan_id, run_after=run_after))
    return scan.status


def erase_passport_scans(user: User) -> None:
    """REC-4: the scans go with the account, their files from the vault after commit."""
    scans = PassportScan.objects.filter(user=user)
    names = list(scans.values_list("vault_name", flat=True))
    scans.delete()
    transaction.on_commit(lambda: [vault.delete(name) for name in names])
