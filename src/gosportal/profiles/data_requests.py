"""Birth date and sex change through support (PROF-3).

Once set, birth date and sex are not edited in «Мои данные»: the person files a request
with the new value, a reason and a supporting document (kept encrypted in the vault);
an operator with ``profiles.review_data_change`` approves it — the change is applied
through ``services.update_profile`` with the SUPPORT channel, recorded in the history
and checked in the registries like any data change — or rejects it with a reason. One
pending request per field; a request is decided once, never by its own author.
"""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gosportal.accounts.models import User
from gosportal.accounts.notices import send_security_notice
from gosportal.core import audit, vault
from gosportal.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gosportal.core.files import KINDS, SCAN_KINDS, check_upload
from gosportal.core.ratelimit import check as check_rate
from gosportal.profiles.models import DataChangeRequest, Profile, ProfileChange, Sex
from gosportal.profiles.selectors import same_person
from gosportal.profiles.services import mask_value, update_profile

PERMISSION = "profiles.review_data_change"
MAX_BYTES = 5 * 1024 * 1024  # PROF-2/PROF-3: scans up to 5 MB
SUBMIT_RATE = "5/d"  # requests a person may file per day
Status = DataChangeRequest.Status
Field = DataChangeRequest.Field


def _raw(field: str, value) -> str:
    if field == Field.BIRTH_DATE:
        if not isinstance(value, date):
            raise InvalidInput(_("Новая дата рождения: укажите дату."), field="new_value")
        return value.isoformat()
    if value not in Sex.values:
        raise InvalidInput(_("Новый пол: выберите значение из списка."), field="new_value")
    return value


def shown_value(field: str, raw: str) -> str:
    """A stored or requested value as people read it: ДД.ММ.ГГГГ or «мужской»."""
    if not raw:
        return ""
    if field == Field.BIRTH_DATE:
        return mask_value("birth_date", date.fromisoformat(raw))
    return mask_value("sex", raw)


def current_value(user: User, field: str) -> str:
    profile = Profile.objects.filter(user=user).first()
    value = getattr(profile, field, None) if profile is not None else None
    if isinstance(value, date):
        return value.isoformat()
    return value or ""


def check_can_request(user: User, field: str) -> None:
    """A request is for a value already set (an empty one is filled in «Мои данные») and
    only one per field may wait."""
    if field not in Field.values:
        raise NotFound(_("Заявка не найдена."))
    if not current_value(user, field):
        if field == Field.BIRTH_DATE:
            raise Conflict(_("Дата рождения ещё не указана: заполните её в разделе «Мои данные»."))
        raise Conflict(_("Пол ещё не указан: заполните его в разделе «Мои данные»."))
    if DataChangeRequest.objects.filter(user=user, field=field, status=Status.PENDING).exists():
        raise Conflict(
            _(
                "Заявка на изменение этих данных уже на рассмотрении: дождитесь решения "
                "или отзовите её."
            )
        )


def submit_data_change_request(
    *, user: User, field: str, value, reason: str, upload
) -> DataChangeRequest:
    """File a request; the document is checked (PDF/JPEG/PNG ≤ 5 MB) and stored encrypted."""
    check_can_request(user, field)
    raw = _raw(field, value)
    if raw == current_value(user, field):
        raise InvalidInput(
            _("Новое значение совпадает с указанным в ваших данных."), field="new_value"
        )
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Причина: заполните поле."), field="reason")
    if upload is None:
        raise InvalidInput(_("Подтверждающий документ: приложите файл."), field="document")
    # Each request stores a document and reaches an operator: a few a day at most.
    check_rate(f"profiles:data-request:user:{user.pk}", SUBMIT_RATE)
    checked = check_upload(upload, allowed=SCAN_KINDS, max_bytes=MAX_BYTES, field="document")
    name = vault.store(checked.content, purpose=DataChangeRequest.VAULT_PURPOSE)
    try:
        with transaction.atomic():
            request = DataChangeRequest.objects.create(
                user=user,
                field=field,
                new_value=raw,
                reason=reason,
                document_name=name,
                document_kind=checked.kind,
                document_filename=checked.name[:150],
            )
            audit.record(
                "profiles.data_request_submitted",
                actor=user,
                obj=request,
                details={"field": field},
            )
            send_security_notice(
                user,
                subject=_("Заявка на изменение данных"),
                text=_(
                    "Ваша заявка на изменение данных («%(field)s») принята и передана в службу "
                    "поддержки. Если это были не вы, обратитесь в службу поддержки."
                )
                % {"field": Field(field).label},
            )
    except IntegrityError as exc:  # a second request for the field at the same moment
        vault.delete(name)
        raise Conflict(
            _(
                "Заявка на изменение этих данных уже на рассмотрении: дождитесь решения "
                "или отзовите её."
            )
        ) from exc
    except Exception:
        vault.delete(name)
        raise
    return request


@transaction.atomic
def cancel_data_change_request(*, user: User, request_id: int) -> DataChangeRequest:
    """The person withdraws their own pending request."""
    request = DataChangeRequest.objects.select_for_update().filter(pk=request_id, user=user).first()
    if request is None:
        raise NotFound(_("Заявка не найдена."))
    if request.status != Status.PENDING:
        raise Conflict(_("Заявка уже рассмотрена или отозвана."))
    request.status = Status.CANCELLED
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    audit.record("profiles.data_request_cancelled", actor=user, obj=request)
    # Nobody decides a withdrawn request: its document is not kept.
    name = request.document_name
    transaction.on_commit(lambda: vault.delete(name, purpose=DataChangeRequest.VAULT_PURPOSE))
    return request


def _decidable(operator: User, request_id: int) -> DataChangeRequest:
    if not operator.is_authenticated or not operator.has_perm(PERMISSION):
        raise Forbidden(_("Нет прав на рассмотрение заявок."))
    request = (
        DataChangeRequest.objects.select_for_update()
        .select_related("user")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise NotFound(_("Заявка не найдена."))
    if same_person(request.user, operator):  # REG-6: one person may hold several accounts
        raise Forbidden(_("Нельзя рассматривать собственную заявку."))
    if request.status not in DataChangeRequest.ALLOWED:
        raise Conflict(_("Заявка уже рассмотрена или отозвана."))
    return request


def _finish(request: DataChangeRequest, operator: User, status: str, reason: str) -> None:
    request.status = status
    request.operator_id = operator.pk
    request.decision_reason = reason
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "operator_id", "decision_reason", "decided_at"])
    audit.record(
        f"profiles.data_request_{status}",
        actor=operator,
        obj=request,
        details={"user_id": request.user_id, "field": request.field},
    )


@transaction.atomic
def approve_data_change_request(*, operator: User, request_id: int) -> DataChangeRequest:
    """Apply the requested value as a change by support and tell the person."""
    request = _decidable(operator, request_id)
    update_profile(
        user=request.user,
        changes={request.field: request.new_value},
        channel=ProfileChange.Channel.SUPPORT,
        actor=operator,
    )
    _finish(request, operator, Status.APPROVED, "")
    send_security_notice(
        request.user,
        subject=_("Заявка на изменение данных одобрена"),
        text=_("Ваша заявка одобрена: «%(field)s» изменено на %(value)s.")
        % {
            "field": Field(request.field).label,
            "value": shown_value(request.field, request.new_value),
        },
    )
    return request


@transaction.atomic
def reject_data_change_request(
    *, operator: User, request_id: int, reason: str
) -> DataChangeRequest:
    """Refuse the request with a reason the person reads."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Причина отказа: заполните поле."), field="reason")
    request = _decidable(operator, request_id)
    _finish(request, operator, Status.REJECTED, reason[:1000])
    send_security_notice(
        request.user,
        subject=_("Заявка на изменение данных отклонена"),
        text=_("Ваша заявка на изменение «%(field)s» отклонена. Причина: %(reason)s")
        % {"field": Field(request.field).label, "reason": reason[:1000]},
    )
    return request


def request_for_review(*, operator: User, request_id: int) -> DataChangeRequest:
    """A request as the desk shows it; only to operators with the permission."""
    if not operator.is_authenticated or not operator.has_perm(PERMISSION):
        raise Forbidden(_("Нет прав на рассмотрение заявок."))
    request = DataChangeRequest.objects.select_related("user").filter(pk=request_id).first()
    if request is None:
        raise NotFound(_("Заявка не найдена."))
    return request


def request_document(*, operator: User, request_id: int) -> tuple[bytes, str, str]:
    """The supporting document decrypted: (content, MIME type, file name); audited."""
    request = request_for_review(operator=operator, request_id=request_id)
    content = vault.read(request.document_name, purpose=DataChangeRequest.VAULT_PURPOSE)
    audit.record("profiles.data_request_document_viewed", actor=operator, obj=request, details={})
    kind = KINDS[request.document_kind]
    return content, kind.mime_type, f"document-{request.pk}{kind.extension}"


def erase_data_requests(user: User) -> None:
    """REC-4: the requests go with the account, their documents from the vault after commit."""
    requests = DataChangeRequest.objects.filter(user=user)
    names = list(requests.values_list("document_name", flat=True))
    requests.delete()
    transaction.on_commit(lambda: [vault.delete(name) for name in names])
