"""Writes of organisations: adding an entrepreneur (REG-5) and ending memberships."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from gosportal.accounts.levels import check_level
from gosportal.accounts.models import User
from gosportal.accounts.notices import send_security_notice
from gosportal.core import audit, ratelimit
from gosportal.core.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    RateLimited,
    ServiceUnavailable,
)
from gosportal.core.validators import check_ogrnip
from gosportal.integrations.egr.base import EgrUnavailable, EntrepreneurRecord, get_egr_gateway
from gosportal.organizations.models import Membership, Organization
from gosportal.profiles.models import Profile, RegistryCheck
from gosportal.profiles.selectors import profile_of, registry_confirms_current_data

# Each attempt asks ЕГРИП; the limit keeps the form from being a register-lookup tool.
REGISTER_RATE = ratelimit.Rate(limit=10, period=3600)


class InnMissing(InvalidInput):
    """The person has no INN in «Мои данные», which ЕГРИП is compared with."""


class InnNotConfirmed(Conflict):
    """ФНС has not (yet) confirmed the INN stored now for this person (REG-2)."""


def _same_name(left: str, right: str) -> bool:
    # As the registers compare names: case-insensitive, «ё» equal to «е».
    def norm(value: str) -> str:
        return " ".join(value.split()).casefold().replace("ё", "е")

    return norm(left) == norm(right)


def entrepreneur_name(record: EntrepreneurRecord) -> str:
    """«ИП Петров Иван Сергеевич», as the register names an entrepreneur (not translated)."""
    person = " ".join(p for p in (record.last_name, record.first_name, record.middle_name) if p)
    return f"ИП {person}"


def check_can_register(user: User) -> Profile:
    """Raise when ``user`` may not add an entrepreneur; return the profile to compare with."""
    if user.kind == User.Kind.CIVIL_SERVANT:
        raise Forbidden(
            _(
                "Учётная запись государственного служащего не может добавить "
                "предпринимателя. Войдите в личную учётную запись."
            ),
            code="civil_servant",
        )
    check_level(user, User.Level.CONFIRMED)
    profile = profile_of(user)
    if not profile.inn:
        raise InnMissing(
            _("Укажите ИНН в разделе «Мои данные»: по нему мы найдём вас в ЕГРИП."),
            code="no_inn",
        )
    if not registry_confirms_current_data(user, RegistryCheck.Registry.FNS):
        raise InnNotConfirmed(
            _(
                "ИНН в разделе «Мои данные» ещё не подтверждён ФНС. Дождитесь окончания "
                "проверки данных и повторите попытку."
            ),
            code="inn_not_confirmed",
        )
    return profile


def _check_record(record: EntrepreneurRecord | None, profile: Profile) -> EntrepreneurRecord:
    if record is None:
        raise InvalidInput(
            _("ОГРНИП не найден в ЕГРИП. Проверьте номер в листе записи ЕГРИП."),
            field="ogrnip",
            code="not_found",
        )
    if record.inn != profile.inn:
        raise InvalidInput(
            _("ОГРНИП зарегистрирован на другого человека: ИНН в ЕГРИП не совпадает с вашим."),
            field="ogrnip",
            code="other_person",
        )
    names = ("last_name", "first_name", "middle_name")
    if not all(_same_name(getattr(record, n), getattr(profile, n) or "") for n in names):
        raise InvalidInput(
            _(
                "ФИО в ЕГРИП не совпадает с ФИО в «Мои данные». Проверьте свои данные "
                "или обратитесь в налоговую инспекцию."
            ),
            field="ogrnip",
            code="name_mismatch",
        )
    if not record.is_active:
        raise InvalidInput(
            _("Предприниматель с этим ОГРНИП прекратил деятельность %(date)s.")
            % {"date": formats.date_format(record.closed_on, "d.m.Y") if record.closed_on else ""},
            field="ogrnip",
            code="closed",
        )
    return record


def _check_not_on_portal(ogrnip: str, user: User) -> None:
    existing = Organization.objects.filter(ogrn=ogrnip).first()
    if existing is None:
        return
    if existing.memberships.filter(user=user, ended_at__isnull=True).exists():
        raise Conflict(
            _("Этот предприниматель уже есть в ваших организациях."),
            field="ogrnip",
            code="already_yours",
        )
    raise Conflict(
        _(
            "Предприниматель с этим ОГРНИП уже зарегистрирован на портале другой учётной "
            "записью. Если это ваша учётная запись, войдите в неё; если нет — обратитесь "
            "в службу поддержки."
        ),
        field="ogrnip",
        code="already_registered",
    )


def register_entrepreneur(*, user: User, ogrnip: str) -> Organization:
    """REG-5: add the person's own active entrepreneur from ЕГРИП; the person owns it.

    Either everything is stored (organisation, owner membership, audit row, notice) or
    nothing is.
    """
    profile = check_can_register(user)
    try:
        ogrnip = check_ogrnip(ogrnip or "")
    except ValidationError as error:
        raise InvalidInput(error.messages[0], field="ogrnip", code="ogrnip_format") from error
    usage = ratelimit.hit(f"organizations.register:user:{user.pk}", REGISTER_RATE)
    if usage.exceeded:
        raise RateLimited(
            _("Слишком много попыток добавить предпринимателя. Повторите через %(minutes)s мин.")
            % {"minutes": max(1, (usage.retry_after + 59) // 60)},
            field="ogrnip",
            retry_after=usage.retry_after,
        )
    try:
        record = get_egr_gateway().find_entrepreneur(ogrnip=ogrnip)
    except EgrUnavailable as error:
        raise ServiceUnavailable(
            _("ЕГРИП сейчас не отвечает. Ничего не сохранено — повторите попытку позже."),
            code="egr_unavailable",
        ) from error
    record = _check_record(record, profile)
    _check_not_on_portal(ogrnip, user)
    now = timezone.now()
    try:
        with transaction.atomic():
            organization = Organization.objects.create(
                kind=Organization.Kind.ENTREPRENEUR,
                full_name=entrepreneur_name(record),
                ogrn=record.ogrnip,
                inn=record.inn,
                registered_on=record.registered_on,
                status=Organization.Status.ACTIVE,
                region_code=record.region_code,
                region_name=record.region_name,
                okved_code=record.okved_code,
                okved_name=record.okved_name,
                verified_at=now,
                created_at=now,
            )
            Membership.objects.create(
                user=user, organization=organization, role=Membership.Role.OWNER, created_at=now
            )
            audit.record("organizations.entrepreneur_registered", actor=user, obj=organization)
            send_security_notice(
                user,
                subject=_("Добавлен индивидуальный предприниматель"),
                text=_(
                    "Госпортал: к вашей учётной записи добавлен индивидуальный "
                    "предприниматель, ОГРНИП %(ogrnip)s. Если это были не вы, позвоните "
                    "на горячую линию."
                )
                % {"ogrnip": organization.ogrn},
            )
    except IntegrityError as error:
        # Someone registered the same ОГРНИП between the check and the insert.
        _check_not_on_portal(ogrnip, user)
        raise Conflict(_("Не удалось добавить предпринимателя, повторите попытку.")) from error
    return organization


def end_membership(*, membership: Membership, reason: str) -> Membership:
    """End an active membership (the person no longer acts for the organisation)."""
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.ended_at is not None:
            return locked
        locked.ended_at = timezone.now()
        locked.save(update_fields=["ended_at"])
        audit.record(
            "organizations.membership_ended",
            obj=locked,
            details={"reason": reason, "role": locked.role},
        )
    return locked


def erase_organizations(user: User) -> None:
    """REC-4 on account deletion: an entrepreneur is the person, so their entries go;
    memberships in other organisations end."""
    owned = Organization.objects.filter(
        kind=Organization.Kind.ENTREPRENEUR,
        memberships__user=user,
        memberships__role=Membership.Role.OWNER,
    )
    for organization in owned:
        audit.record(
            "organizations.entrepreneur_erased",
            actor=user,
            object_type="organizations.organization",
            object_id=str(organization.pk),
        )
        organization.memberships.all().delete()
        organization.delete()
    for membership in Membership.objects.filter(user=user, ended_at__isnull=True):
        end_membership(membership=membership, reason="account_deleted")


def export_part(user: User) -> list[dict]:
    """The person's memberships with the organisations' requisites, for the data export."""
    rows = Membership.objects.filter(user=user).select_related("organization").order_by("pk")
    return [
        {
            "organization": m.organization.full_name,
            "kind": m.organization.kind,
            "ogrn": m.organization.ogrn,
            "inn": m.organization.inn,
            "status": m.organization.status,
            "role": m.role,
            "since": m.created_at,
            "until": m.ended_at,
        }
        for m in rows
    ]
