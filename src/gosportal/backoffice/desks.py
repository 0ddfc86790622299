"""The desks of staff (OFF-1, OFF-4, OFF-5) and who may use each: «Рабочие места».

``/desk/`` lists the desks the signed-in person may use. A desk is a title, the URL
name of its first page and who may open it: a permission name or a predicate taking
the user. Adding a desk is one line in ``DESKS``; the desk's own views still check
access themselves.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gosportal.appeals.services import may_review
from gosportal.catalog.selectors import is_agency_administrator, officer_of


def is_agency_officer(user) -> bool:
    """Any active officer of an active agency, whatever the role (OFF-1)."""
    return officer_of(user) is not None


def is_appeal_reviewer(user) -> bool:
    """An appeal officer or the head of an active agency (APP-9)."""
    return may_review(officer_of(user))


@dataclass(frozen=True)
class Desk:
    title: str | Promise
    url_name: str
    allowed: str | Callable  # a permission ("app.codename") or a predicate(user) -> bool

    def allows(self, user) -> bool:
        if not user.is_authenticated or not user.is_active:
            return False
        if callable(self.allowed):
            return bool(self.allowed(user))
        return user.has_perm(self.allowed)

    @property
    def url(self) -> str:
        return reverse(self.url_name)


DESKS: list[Desk] = [
    Desk(
        _("Подтверждение личности в центре обслуживания"),
        "backoffice:service_centre",
        "identity.confirm_in_service_centre",
    ),
    Desk(_("Сотрудники ведомства"), "backoffice:staff", is_agency_administrator),
    # OFF-3, DOC-3: the key the agency signs its result documents with.
    Desk(_("Сертификат подписи ведомства"), "backoffice:certificate", is_agency_administrator),
    Desk(_("Заявления ведомства"), "backoffice:applications", is_agency_officer),  # OFF-2
    Desk(_("Жалобы на решения"), "backoffice:appeals", is_appeal_reviewer),  # APP-9
    Desk(  # PROF-3
        _("Заявки на изменение даты рождения и пола"),
        "backoffice:data_requests",
        "profiles.review_data_change",
    ),
    Desk(  # REG-3
        _("Удалённая проверка паспорта"),
        "backoffice:remote_checks",
        "identity.review_remote_check",
    ),
]


def holds_desk_permission(user) -> bool:
    """Whether ``user`` holds the permission of any desk (the sign-in then always asks
    for a second factor: accounts.signin.second_factor_mandatory)."""
    return any(isinstance(desk.allowed, str) and desk.allows(user) for desk in DESKS)


def desks_for(user) -> list[Desk]:
    """The desks ``user`` may use, in the order of ``DESKS``."""
    return [desk for desk in DESKS if desk.allows(user)]


def may_enter(user) -> bool:
    """Who sees «Рабочие места»: anyone with a desk, and every active officer of an agency
    (a new officer may have none yet and is told so rather than refused).

    Every desk that is not a permission's needs an agency membership, so one membership
    read and the permissions answer it (evaluating each desk read the membership per
    desk)."""
    if officer_of(user) is not None:
        return True
    return user.is_authenticated and user.is_active and holds_desk_permission(user)


_LINK_SESSION_KEY = "backoffice_desk_link"


def remember_desk_link(sender, request, user, **kwargs) -> None:
    """On sign-in (``user_logged_in``): whether the header shows «Рабочий стол».

    Worked out once per session, because the permission lookups would cost queries on
    every page; the desks themselves check permissions on every request.
    """
    if request is not None and hasattr(request, "session"):
        request.session[_LINK_SESSION_KEY] = may_enter(user)


def desk_link(request) -> dict:
    """Template context: ``show_desk_link``, as worked out when the person signed in."""
    session = getattr(request, "session", None)
    return {"show_desk_link": bool(session and session.get(_LINK_SESSION_KEY))}
