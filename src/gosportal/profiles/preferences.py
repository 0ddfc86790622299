"""Writers of personalisation (PROF-6) and consents to data processing (PROF-5).

Preferences — interface language, time zone, date format, low-vision mode — live on
the user and apply from the next response. Consents keep their history: revoking
stamps ``revoked_at`` on the active row, granting again adds a new row, so the
database's one-active-consent-per-scope constraint is the only invariant needed.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gosportal.accounts.models import User
from gosportal.accounts.notices import send_security_notice
from gosportal.core import audit
from gosportal.core.errors import Conflict, InvalidInput, NotFound
from gosportal.profiles.models import Consent

# PROF-6: the Russian time zones offered, west to east, with their offsets from UTC.
TIME_ZONES = [
    ("Europe/Kaliningrad", gettext_lazy("Калининград (UTC+2)")),
    ("Europe/Moscow", gettext_lazy("Москва (UTC+3)")),
    ("Europe/Samara", gettext_lazy("Самара (UTC+4)")),
    ("Asia/Yekaterinburg", gettext_lazy("Екатеринбург (UTC+5)")),
    ("Asia/Omsk", gettext_lazy("Омск (UTC+6)")),
    ("Asia/Novosibirsk", gettext_lazy("Новосибирск (UTC+7)")),
    ("Asia/Krasnoyarsk", gettext_lazy("Красноярск (UTC+7)")),
    ("Asia/Irkutsk", gettext_lazy("Иркутск (UTC+8)")),
    ("Asia/Yakutsk", gettext_lazy("Якутск (UTC+9)")),
    ("Asia/Vladivostok", gettext_lazy("Владивосток (UTC+10)")),
    ("Asia/Magadan", gettext_lazy("Магадан (UTC+11)")),
    ("Asia/Kamchatka", gettext_lazy("Петропавловск-Камчатский (UTC+12)")),
]
DATE_FORMATS = [
    ("d.m.Y", "31.12.2026"),
    ("j E Y", gettext_lazy("31 декабря 2026")),
    ("Y-m-d", "2026-12-31"),
]
PREFERENCE_FIELDS = ("language", "time_zone", "date_format", "large_text", "high_contrast")

# PROF-5: what each consent allows, shown next to its scope.
CONSENT_DESCRIPTIONS = {
    Consent.Scope.PROCESSING: gettext_lazy(
        "Без этого согласия портал не может принимать заявления и оказывать услуги."
    ),
    Consent.Scope.PARTNER_SITES: gettext_lazy(
        "Сайты-партнёры получат ваши имя и контакты, когда вы входите на них через портал."
    ),
    Consent.Scope.NOTIFICATIONS: gettext_lazy(
        "Письма и уведомления о новых услугах и возможностях портала."
    ),
    Consent.Scope.RESEARCH: gettext_lazy(
        "Обезличенная статистика использования помогает делать портал удобнее."
    ),
}
CURRENT_CONSENT_VERSION = "2026-11"


def user_time_zone(user) -> ZoneInfo | None:
    """The user's zone if it is one we offer, else None (the portal's default applies)."""
    return time_zone_named(getattr(user, "time_zone", ""))


def time_zone_named(name: str) -> ZoneInfo | None:
    """The zone ``name`` if it is one we offer, else None."""
    return ZoneInfo(name) if name in dict(TIME_ZONES) else None


def check_language(value: str) -> str:
    if value not in {code for code, _name in settings.LANGUAGES}:
        raise InvalidInput(_("Выберите язык из списка."), field="language")
    return value


def check_time_zone(value: str) -> str:
    if value not in dict(TIME_ZONES):
        raise InvalidInput(_("Выберите часовой пояс из списка."), field="time_zone")
    return value


def check_date_format(value: str) -> str:
    if value not in dict(DATE_FORMATS):
        raise InvalidInput(_("Выберите формат даты из списка."), field="date_format")
    return value


@transaction.atomic
def update_preferences(
    *,
    user: User,
    language: str,
    time_zone: str,
    date_format: str,
    large_text: bool,
    high_contrast: bool,
) -> list[str]:
    """Save the personalisation (PROF-6); returns the names of the fields that changed."""
    wanted = {
        "language": check_language(language),
        "time_zone": check_time_zone(time_zone),
        "date_format": check_date_format(date_format),
        "large_text": bool(large_text),
        "high_contrast": bool(high_contrast),
    }
    changed = [name for name in PREFERENCE_FIELDS if getattr(user, name) != wanted[name]]
    if not changed:
        return []
    before = {name: getattr(user, name) for name in changed}
    for name in changed:
        setattr(user, name, wanted[name])
    user.save(update_fields=changed)
    audit.record(
        "profile.preferences_updated",
        actor=user,
        obj=user,
        details={name: [before[name], wanted[name]] for name in changed},
    )
    return changed


@transaction.atomic
def set_language(*, user: User, language: str) -> bool:
    """Remember the language chosen with the header switch; True when it changed."""
    check_language(language)
    if user.language == language:
        return False
    before = user.language
    user.language = language
    user.save(update_fields=["language"])
    audit.record(
        "profile.preferences_updated",
        actor=user,
        obj=user,
        details={"language": [before, language]},
    )
    return True


def _check_scope(scope: str) -> Consent.Scope:
    if scope not in Consent.Scope.values:
        raise InvalidInput(_("Такого согласия нет."), field="scope")
    return Consent.Scope(scope)


@transaction.atomic
def grant_consent(*, user: User, scope: str) -> Consent:
    """Give a consent of the current text version; refuses when it is already given."""
    scope = _check_scope(scope)
    if Consent.objects.filter(user=user, scope=scope, revoked_at__isnull=True).exists():
        raise Conflict(_("Это согласие уже дано."), field="scope")
    try:
        with transaction.atomic():
            consent = Consent.objects.create(
                user=user, scope=scope, version=CURRENT_CONSENT_VERSION, granted_at=timezone.now()
            )
    except IntegrityError as exc:  # a parallel request granted it first
        raise Conflict(_("Это согласие уже дано."), field="scope") from exc
    audit.record(
        "profile.consent_granted",
        actor=user,
        obj=consent,
        details={"scope": scope.value, "version": consent.version},
    )
    return consent


@transaction.atomic
def revoke_consent(*, user: User, consent_id: int, confirmed: bool = False) -> Consent:
    """Revoke one of the user's active consents; the row stays as history (PROF-5).

    Revoking the processing consent needs ``confirmed``: services that depend on it
    become unavailable.
    """
    consent = (
        Consent.objects.select_for_update()
        .filter(user=user, pk=consent_id, revoked_at__isnull=True)
        .first()
    )
    if consent is None:
        raise NotFound(_("Согласие не найдено или уже отозвано."))
    if consent.scope == Consent.Scope.PROCESSING and not confirmed:
        raise InvalidInput(
            _("Подтвердите, что понимаете последствия отзыва согласия."), field="confirm"
        )
    consent.revoked_at = timezone.now()
    consent.save(update_fields=["revoked_at"])
    audit.record(
        "profile.consent_revoked",
        actor=user,
        obj=consent,
        details={"scope": consent.scope, "version": consent.version},
    )
    send_security_notice(
        user,
        subject=_("Согласие отозвано"),
        text=_(
            "Вы отозвали согласие «%(scope)s». Если это были не вы, смените пароль и "
            "обратитесь в службу поддержки."
        )
        % {"scope": consent.get_scope_display()},
    )
    return consent


def consents_overview(user: User) -> dict:
    """Every scope with its active consent (or None), and the revoked rows as history."""
    rows = list(Consent.objects.filter(user=user).order_by("-granted_at", "-id"))
    active = {row.scope: row for row in rows if row.revoked_at is None}
    scopes = [
        {
            "scope": scope,
            "label": scope.label,
            "description": CONSENT_DESCRIPTIONS[scope],
            "consent": active.get(scope.value),
            "revoked": next(
                (r for r in rows if r.scope == scope.value and r.revoked_at is not None), None
            ),
        }
        for scope in Consent.Scope
    ]
    return {"scopes": scopes, "history": [row for row in rows if row.revoked_at is not None]}
