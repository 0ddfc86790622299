"""Writers of agencies and their staff (OFF-1, REG-5).

A civil-servant account is created by an administrator of the agency from the
person's service ID and staff number. It starts with no usable password and the
confirmed level: the administrator has seen the service ID and the HR records, just
as a service-centre operator sees the passport (REG-3), so the agency vouches for the
identity. The person gets a single-use activation link by e-mail (72 hours) and on it
proves the phone with a code by SMS, sets a password under the usual policy (AUTH-2)
and, with the same proof, gets SMS codes as a second factor: civil servants never
sign in on a password alone.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gosportal.accounts import mfa, passwords
from gosportal.accounts.models import User
from gosportal.accounts.notices import send_security_notice
from gosportal.accounts.services import create_user, deactivate_user, mark_email_confirmed
from gosportal.catalog.models import (
    RECENT_LIMIT,
    Agency,
    Category,
    Favourite,
    Invitation,
    Officer,
    RecentService,
    Service,
    service_id_index,
)
from gosportal.catalog.selectors import administered_officer, staff_member_for
from gosportal.core import audit, otp
from gosportal.core.crypto import blind_index
from gosportal.core.errors import Conflict, Forbidden, InvalidInput, ServiceUnavailable
from gosportal.core.validators import (
    check_name_part,
    check_ogrn,
    check_organization_inn,
    normalize_phone,
)
from gosportal.integrations.sms.base import SmsError, get_sms_gateway
from gosportal.profiles.models import ProfileChange
from gosportal.profiles.services import update_profile

INVITATION_VALIDITY = timedelta(hours=72)  # REG-5: the activation link lives 3 days
ACTIVATION_PURPOSE = "officer_activation"
LINK_LENGTH = 43
LINK_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_SERVICE_ID = re.compile(r"^[0-9A-ZА-ЯЁ][0-9A-ZА-ЯЁ \-/№]{2,29}$")
_STAFF_NUMBER = re.compile(r"^[0-9A-ZА-ЯЁ][0-9A-ZА-ЯЁ\-/]{0,19}$")
_REGION = re.compile(r"^[0-9]{2}$")


class InvitationNotValid(InvalidInput):
    """Unknown, used, revoked and expired links answer alike."""

    default_message = gettext_lazy(
        "Ссылка недействительна или устарела. Попросите администратора ведомства "
        "прислать новое приглашение."
    )


# --- agencies ------------------------------------------------------------------------


@transaction.atomic
def create_agency(
    *,
    full_name: str,
    short_name: str,
    inn: str,
    ogrn: str,
    region_code: str,
    slug: str = "",
    actor: User | None = None,
) -> Agency:
    """A new agency with a checked INN (10 digits) and OGRN (13 digits), unique by both."""
    full_name, short_name = (full_name or "").strip(), (short_name or "").strip()
    if not full_name:
        raise InvalidInput(_("Полное наименование: заполните поле."), field="full_name")
    if not short_name:
        raise InvalidInput(_("Краткое наименование: заполните поле."), field="short_name")
    inn = _checked(check_organization_inn, inn, field="inn")
    ogrn = _checked(check_ogrn, ogrn, field="ogrn")
    region_code = (region_code or "").strip()
    if not _REGION.match(region_code):
        raise InvalidInput(_("Код региона: две цифры, например 71."), field="region_code")
    if Agency.objects.filter(inn=inn).exists():
        raise Conflict(_("Ведомство с этим ИНН уже есть."), field="inn")
    if Agency.objects.filter(ogrn=ogrn).exists():
        raise Conflict(_("Ведомство с этим ОГРН уже есть."), field="ogrn")
    slug = slugify(slug or "", allow_unicode=False) or f"agency-{inn}"
    if Agency.objects.filter(slug=slug).exists():
        raise Conflict(_("Краткое имя в адресе уже занято."), field="slug")
    agency = Agency.objects.create(
        full_name=full_name,
        short_name=short_name,
        inn=inn,
        ogrn=ogrn,
        region_code=region_code,
        slug=slug,
    )
    audit.record("catalog.agency_created", actor=actor, obj=agency)
    return agency


# --- creating officers (REG-5) ---------------------------------------------------------


def create_civil_servant(
    *,
    admin: User,
    last_name: str,
    first_name: str,
    middle_name: str = "",
    phone: str,
    email: str,
    service_id: str,
    staff_number: str,
    position: str,
    role: str,
) -> Officer:
    """An agency administrator adds a member of their own agency and invites them.

    Raises ``Forbidden`` for anyone who is not an administrator of an active agency.
    """
    me = administered_officer(admin)
    if me is None:
        raise Forbidden(_("Добавлять сотрудников может только администратор ведомства."))
    return _create_officer(
        agency=me.agency,
        actor=admin,
        last_name=last_name,
        first_name=first_name,
        middle_name=middle_name,
        phone=phone,
        email=email,
        service_id=service_id,
        staff_number=staff_number,
        position=position,
        role=role,
    )


def create_first_administrator(*, agency: Agency, actor: User | None = None, **data) -> Officer:
    """The portal's administrator appoints an agency's first administrator (command, demo)."""
    return _create_officer(agency=agency, actor=actor, role=Officer.Role.ADMINISTRATOR, **data)


def _create_officer(*, agency: Agency, actor: User | None, **data) -> Officer:
    clean = check_officer_data(**data)
    with transaction.atomic():
        # One writer per agency at a time: the uniqueness checks below then hold.
        Agency.objects.select_for_update().filter(pk=agency.pk).values_list("pk").first()
        if not agency.is_active:
            raise Conflict(_("Ведомство не действует: добавлять сотрудников нельзя."))
        taken = Officer.objects.filter(agency=agency)
        if taken.filter(staff_number=clean["staff_number"]).exists():
            raise Conflict(
                _("Табельный номер уже есть у другого сотрудника ведомства."), field="staff_number"
            )
        if taken.filter(service_id_index=service_id_index(clean["service_id"])).exists():
            raise Conflict(
                _("Номер служебного удостоверения уже есть у другого сотрудника ведомства."),
                field="service_id",
            )
        user = create_user(
            email=clean["email"],
            phone=clean["phone"],
            password=None,  # unusable until the person sets one through the link
            kind=User.Kind.CIVIL_SERVANT,
            level=User.Level.CONFIRMED,  # the agency vouches (see the module docstring)
            must_change_password=True,
            display_name=f"{clean['first_name']} {clean['last_name']}",
        )
        try:
            with transaction.atomic():
                officer = Officer.objects.create(
                    user=user,
                    agency=agency,
                    role=clean["role"],
                    service_id=clean["service_id"],
                    staff_number=clean["staff_number"],
                    position=clean["position"],
                    created_by=actor,
                )
        except IntegrityError as exc:  # a racing request took the number meanwhile
            raise Conflict(
                _("Табельный номер уже есть у другого сотрудника ведомства."), field="staff_number"
            ) from exc
        names = {key: clean[key] for key in ("last_name", "first_name", "middle_name")}
        update_profile(
            user=user,
            changes={key: value for key, value in names.items() if value},
            channel=ProfileChange.Channel.REGISTRY,
            actor=actor,
        )
        audit.record(
            "catalog.officer_created",
            actor=actor,
            obj=officer,
            details={"agency_id": agency.pk, "role": officer.role, "user_id": user.pk},
        )
        _issue_invitation(officer, actor=actor)
    return officer


def check_officer_data(
    *,
    last_name: str,
    first_name: str,
    middle_name: str = "",
    phone: str,
    email: str,
    service_id: str,
    staff_number: str,
    position: str,
    role: str,
) -> dict:
    """Every field checked and normalised; the first problem raises ``InvalidInput``."""
    clean = {
        "last_name": _checked(check_name_part, last_name, field="last_name", label=_("Фамилия")),
        "first_name": _checked(check_name_part, first_name, field="first_name", label=_("Имя")),
        "middle_name": "",
    }
    if (middle_name or "").strip():
        clean["middle_name"] = _checked(
            check_name_part, middle_name, field="middle_name", label=_("Отчество")
        )
    clean["phone"] = _checked(normalize_phone, phone, field="phone")
    email = (email or "").strip().lower()
    if not email:
        raise InvalidInput(
            _("Электронная почта: укажите адрес, на него придёт приглашение."), field="email"
        )
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidInput(
            _("Электронная почта указана неверно. Пример: ivanov@example.ru."), field="email"
        ) from exc
    clean["email"] = email
    service_id = re.sub(r"\s+", " ", (service_id or "").strip().upper())
    if not _SERVICE_ID.match(service_id):
        raise InvalidInput(
            _(
                "Номер служебного удостоверения: от 3 до 30 символов — буквы, цифры, "
                "пробел, дефис или «/»."
            ),
            field="service_id",
        )
    clean["service_id"] = service_id
    staff_number = (staff_number or "").strip().upper()
    if not _STAFF_NUMBER.match(staff_number):
        raise InvalidInput(
            _("Табельный номер: до 20 символов — буквы, цифры, дефис или «/»."),
            field="staff_number",
        )
    clean["staff_number"] = staff_number
    position = re.sub(r"\s+", " ", (position or "").strip())
    if not 2 <= len(position) <= 200:
        raise InvalidInput(_("Должность: от 2 до 200 символов."), field="position")
    clean["position"] = position
    if role not in Officer.Role.values:
        raise InvalidInput(_("Роль: выберите роль из списка."), field="role")
    clean["role"] = role
    return clean


def _checked(check, value, *, field: str, **kwargs):
    try:
        return check(value, **kwargs)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], field=field) from exc


# --- invitations ------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return blind_index(token, purpose="officer-invitation")


def activation_url(token: str) -> str:
    return settings.SITE_URL + reverse("backoffice:activate", kwargs={"token": token})


def _issue_invitation(officer: Officer, *, actor: User | None) -> Invitation:
    """Revoke the open links of ``officer`` and mail a new one (after commit)."""
    now = timezone.now()
    officer.invitations.filter(used_at=None, revoked_at=None).update(revoked_at=now)
    token = get_random_string(LINK_LENGTH, LINK_ALPHABET)
    invitation = Invitation.objects.create(
        officer=officer,
        token_hash=_token_hash(token),
        created_by=actor,
        created_at=now,
        expires_at=now + INVITATION_VALIDITY,
    )
    audit.record("catalog.invitation_issued", actor=actor, obj=invitation)
    email = officer.user.email
    subject = _("Приглашение на Госпортал: служебная учётная запись")
    text = _(
        "Здравствуйте!\n\nАдминистратор ведомства «%(agency)s» создал для вас служебную "
        "учётную запись Госпортала. Чтобы начать работу, перейдите по ссылке, введите код из "
        "SMS и придумайте пароль:\n%(link)s\n\nСсылка действует 72 часа и только один раз. "
        "Если вы не ждали этого письма, сообщите администратору ведомства."
    ) % {"agency": officer.agency.short_name, "link": activation_url(token)}
    transaction.on_commit(lambda: send_mail(subject, text, None, [email]))
    return invitation


def invitation_for_token(token: str) -> Invitation:
    """The open invitation this link carries, or ``InvitationNotValid``."""
    token = (token or "").strip()
    if len(token) != LINK_LENGTH or any(char not in LINK_ALPHABET for char in token):
        raise InvitationNotValid()
    invitation = (
        Invitation.objects.select_related("officer__user", "officer__agency")
        .filter(token_hash=_token_hash(token))
        .first()
    )
    if (
        invitation is None
        or not invitation.is_open()
        or not invitation.officer.is_active
        or not invitation.officer.agency.is_active
        or not invitation.officer.user.is_active
    ):
        raise InvitationNotValid()
    return invitation


def send_activation_code(*, token: str, ip: str | None = None) -> otp.IssuedCode:
    """Text a one-time code to the phone the administrator gave (core.otp limits apply)."""
    invitation = invitation_for_token(token)
    user = invitation.officer.user
    issued = otp.issue_code(purpose=ACTIVATION_PURPOSE, destination=user.phone, ip=ip)
    text = _("Код для активации служебной учётной записи Госпортала: %(code)s.") % {
        "code": issued.code
    }
    try:
        get_sms_gateway().send(to=user.phone, text=text)
    except SmsError as exc:
        audit.record("catalog.activation_code_not_sent", obj=invitation)
        raise ServiceUnavailable(_("Не удалось отправить SMS. Попробуйте позже.")) from exc
    audit.record("catalog.activation_code_sent", obj=invitation)
    return issued


def activate_officer(*, token: str, code: str, password: str) -> User:
    """Spend the link: phone proven by the code, password set, SMS codes as the second factor."""
    invitation = invitation_for_token(token)
    user = invitation.officer.user
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], field="password1") from exc
    # Outside our transaction: a wrong code's try must stay counted (core.otp).
    otp.verify_code(purpose=ACTIVATION_PURPOSE, destination=user.phone, code=code)
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_open():
            raise InvitationNotValid()
        locked.used_at = timezone.now()
        locked.save(update_fields=["used_at"])
        passwords.set_password(user=user, password=password, reason="officer_activation")
        mark_email_confirmed(user=user)  # the link reached that mailbox
        mfa.enable_default_for_confirmed(user=user)  # the phone was just proven
        audit.record("catalog.officer_activated", actor=user, obj=invitation.officer)
    return user


def reset_invitation(*, admin: User, officer_id) -> Officer:
    """Send a new activation link to an officer who has not activated yet (old ones void)."""
    officer = staff_member_for(admin, officer_id)
    with transaction.atomic():
        officer = (
            Officer.objects.select_for_update().select_related("user", "agency").get(pk=officer.pk)
        )
        if not officer.is_active:
            raise Conflict(_("Сотрудник отключён: приглашение отправить нельзя."))
        if officer.user.has_usable_password():
            raise Conflict(
                _(
                    "Сотрудник уже активировал учётную запись. Забытый пароль он "
                    "восстанавливает сам: «Забыли пароль?» на странице входа."
                )
            )
        _issue_invitation(officer, actor=admin)
        audit.record("catalog.invitation_reset", actor=admin, obj=officer)
    return officer


@transaction.atomic
def deactivate_officer(*, admin: User, officer_id) -> Officer:
    """End a membership: the account cannot sign in, its sessions end, open links void."""
    officer = staff_member_for(admin, officer_id)
    officer = Officer.objects.select_for_update().select_related("user").get(pk=officer.pk)
    if officer.user_id == admin.pk:
        raise Conflict(_("Нельзя отключить собственную учётную запись."))
    if not officer.is_active:
        raise Conflict(_("Сотрудник уже отключён."))
    now = timezone.now()
    officer.is_active = False
    officer.deactivated_at = now
    officer.save(update_fields=["is_active", "deactivated_at"])
    officer.invitations.filter(used_at=None, revoked_at=None).update(revoked_at=now)
    ended = deactivate_user(user=officer.user, reason="officer_deactivated")
    audit.record(
        "catalog.officer_deactivated", actor=admin, obj=officer, details={"sessions_ended": ended}
    )
    send_security_notice(
        officer.user,
        subject=_("Служебная учётная запись отключена"),
        text=_(
            "Администратор ведомства отключил вашу служебную учётную запись Госпортала. "
            "Если это ошибка, обратитесь к нему."
        ),
    )
    return officer


# --- the catalogue of services (CAT-1 … CAT-4) -------------------------------------------

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DOCUMENT_KEYS = {"title", "mandatory", "formats", "note"}


def check_required_documents(documents) -> list[dict]:
    """The structured list of required documents: title, mandatory, formats (core.files)."""
    from gosportal.core.files import KINDS

    if not isinstance(documents, list):
        raise InvalidInput(
            _("Необходимые документы: ожидается список."), field="required_documents"
        )
    titles = set()
    for i, document in enumerate(documents):
        where = f"[{i}]"
        if not isinstance(document, dict) or not str(document.get("title") or "").strip():
            raise InvalidInput(
                _("Необходимые документы %(where)s: укажите название.") % {"where": where},
                field="required_documents",
            )
        unknown = set(document) - _DOCUMENT_KEYS
        formats = document.get("formats", [])
        if (
            unknown
            or not isinstance(document.get("mandatory", True), bool)
            or not isinstance(formats, list)
            or any(f not in KINDS for f in formats)
        ):
            raise InvalidInput(
                _(
                    "Необходимые документы %(where)s: допустимы ключи title, mandatory, "
                    "formats (%(kinds)s), note."
                )
                % {"where": where, "kinds": ", ".join(KINDS)},
                field="required_documents",
            )
        if document["title"] in titles:
            raise InvalidInput(
                _("Необходимые документы %(where)s: документ «%(title)s» указан дважды.")
                % {"where": where, "title": document["title"]},
                field="required_documents",
            )
        titles.add(document["title"])
    return documents


def check_service(service: Service) -> None:
    """Everything a service must satisfy before it is saved (CAT-4)."""
    from gosportal.catalog.forms_schema import check_form_definition

    if not _SLUG.match(service.slug or ""):
        raise InvalidInput(
            _("Краткое имя в адресе: латинские строчные буквы, цифры и дефис."), field="slug"
        )
    if not _REGION.match(service.region_code or ""):
        raise InvalidInput(_("Регион: две цифры, 00 — вся Россия."), field="region_code")
    if not (service.for_individuals or service.for_entrepreneurs or service.for_organizations):
        raise InvalidInput(
            _("Кто может подать: отметьте хотя бы один вид заявителей."), field="for_individuals"
        )
    if (
        service.availability == Service.Availability.UNAVAILABLE
        and not service.availability_message.strip()
    ):
        raise InvalidInput(
            _("Пояснение о доступности: объясните, почему услуга недоступна и до какого срока."),
            field="availability_message",
        )
    if (
        service.cancellation_policy == Service.Cancellation.NEVER
        and not (service.cancellation_note or "").strip()
    ):
        raise InvalidInput(
            _(
                "Пояснение об отмене: объясните заявителю, почему поданное заявление "
                "нельзя отменить."
            ),
            field="cancellation_note",
        )
    documents = check_required_documents(service.required_documents)
    check_form_definition(service.form_definition, documents=[d["title"] for d in documents])


@transaction.atomic
def save_service(*, service: Service, actor: User | None = None) -> Service:
    """Check and store a service and refresh its search index (CAT-4: edited without deploy)."""
    from gosportal.catalog.search import index_service

    check_service(service)
    created = service.pk is None
    service.updated_at = timezone.now()
    service.save()
    index_service(service)
    audit.record(
        "catalog.service_created" if created else "catalog.service_changed",
        actor=actor,
        obj=service,
    )
    return service


@transaction.atomic
def set_favourite(*, user: User, service: Service, favourite: bool) -> bool:
    """Add (or remove) a service to the person's favourites; returns the new state."""
    if favourite:
        if service.is_published:
            Favourite.objects.get_or_create(user=user, service=service)
        else:
            raise InvalidInput(_("Эта услуга сейчас не опубликована."))
    else:
        Favourite.objects.filter(user=user, service=service).delete()
    return favourite


@transaction.atomic
def record_view(*, user: User, service: Service) -> None:
    """Put the service first in the person's «Недавние», keeping the last RECENT_LIMIT."""
    now = timezone.now()
    updated = RecentService.objects.filter(user=user, service=service).update(viewed_at=now)
    if not updated:
        try:
            with transaction.atomic():
                RecentService.objects.create(user=user, service=service, viewed_at=now)
        except IntegrityError:  # the same person opened the card twice at once
            RecentService.objects.filter(user=user, service=service).update(viewed_at=now)
        else:
            Service.objects.filter(pk=service.pk).update(popularity=F("popularity") + 1)
    stale = RecentService.objects.filter(user=user).order_by("-viewed_at", "-pk")[RECENT_LIMIT:]
    stale_ids = list(stale.values_list("pk", flat=True))
    if stale_ids:
        RecentService.objects.filter(pk__in=stale_ids).delete()


def save_category(
    *, slug: str, name: str, icon: str = "", order: int = 0, parent=None
) -> tuple[Category, bool]:
    """Create or update the category with ``slug``; returns it and whether it is new."""
    if not _SLUG.match(slug or ""):
        raise InvalidInput(
            _("Краткое имя в адресе: латинские строчные буквы, цифры и дефис."), field="slug"
        )
    category, created = Category.objects.update_or_create(
        slug=slug, defaults={"name": name, "icon": icon, "order": order, "parent": parent}
    )
    return category, created
