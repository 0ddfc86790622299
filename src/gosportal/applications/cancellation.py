"""APP-8: may the applicant cancel an application (or an active service) now, and if
not, why.

The service's workflow option ``Service.cancellation_policy`` (edited in the admin,
CAT-4) decides by status: before the agency starts work (the default), never once
submitted (mandatory completion: state registration, tax declarations), or at any time
while the service is active — until the decision for one-off services, and also after
approval for services that go on (a benefit, a subsidy, a place in a queue).

Modules above applications add their own refusals through
``register_cancellation_check``: the payments module refuses while a charge of the
application is unpaid (outstanding debt). A check takes the application and returns
a Russian reason, or ``None`` when it has no objection; it runs on every card view, so
it must be one cheap query at most.

The card asks ``decide`` before the person clicks; ``services.cancel`` asks again
through ``check_transition`` inside its transaction, with the row locked.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gosportal.applications.models import Application, Status
from gosportal.catalog.models import Service
from gosportal.core.errors import Conflict

Policy = Service.Cancellation
CancellationCheck = Callable[[Application], str | None]

# Before the agency starts work (APP-7 uses the same window for editing).
BEFORE_WORK = frozenset({Status.SUBMITTED, Status.ACCEPTED, Status.RESUBMITTED})
# An active service: from submission until it is completed, refused or appealed.
WHILE_ACTIVE = BEFORE_WORK | {
    Status.IN_PROGRESS,
    Status.CLARIFICATION,
    Status.APPROVED,
    Status.READY,
}
# Statuses after approval: cancelling stops the service rather than the application.
SERVICE_ACTIVE = frozenset({Status.APPROVED, Status.READY})

WORK_STARTED = gettext_lazy("Отменить заявление уже нельзя: ведомство начало работу по нему.")
MANDATORY_COMPLETION = gettext_lazy(
    "Эту услугу нельзя отменить после подачи заявления: ведомство обязано завершить "
    "её рассмотрение."
)
_FINISHED = {
    Status.COMPLETED: gettext_lazy("Услуга уже завершена — отменять нечего."),
    Status.REJECTED: gettext_lazy("По заявлению уже принято решение об отказе — отменять нечего."),
    Status.APPEALED: gettext_lazy(
        "Заявление нельзя отменить, пока ведомство рассматривает жалобу на решение."
    ),
}

_checks: list[CancellationCheck] = []


def register_cancellation_check(check: CancellationCheck) -> CancellationCheck:
    """Add a refusal rule (e.g. outstanding debt); usable as a decorator."""
    if check not in _checks:
        _checks.append(check)
    return check


def unregister_cancellation_check(check: CancellationCheck) -> None:
    if check in _checks:
        _checks.remove(check)


@dataclass(frozen=True)
class Decision:
    """Whether the applicant may cancel now; ``reason`` says why not (shown as is)."""

    allowed: bool
    reason: str = ""
    code: str = ""
    # True when cancelling stops an approved service, not an application under review.
    stops_service: bool = False
    # What the card says next to the button: when cancelling is possible and any note.
    hint: str = ""


def _refused(reason, code: str) -> Decision:
    return Decision(allowed=False, reason=str(reason), code=code)


def decide(application: Application) -> Decision:
    """The service's policy for ``application`` now, then the registered checks."""
    status = application.status
    service = application.service
    policy = service.cancellation_policy
    note = (service.cancellation_note or "").strip()
    if status == Status.DRAFT:
        return _refused(_("Черновик не отменяют: его можно просто не отправлять."), "draft")
    if status == Status.CANCELLED:
        return _refused(_("Заявление уже отменено."), "cancelled")
    if status in _FINISHED:
        return _refused(_FINISHED[status], "finished")
    if policy == Policy.NEVER:
        return _refused(f"{MANDATORY_COMPLETION} {note}".strip(), "mandatory_completion")
    if policy == Policy.WHILE_ACTIVE:
        if status not in WHILE_ACTIVE:
            return _refused(_status_refusal(status), "status")
        hint = _("Отменить услугу можно в любой момент, пока она действует.")
    else:  # Policy.BEFORE_WORK and anything unknown: the safe default
        if status not in BEFORE_WORK or application.work_started_at is not None:
            return _refused(WORK_STARTED, "work_started")
        hint = _("Отменить можно, пока ведомство не начало работу.")
    for check in list(_checks):
        reason = check(application)
        if reason:
            return _refused(reason, "check")
    return Decision(
        allowed=True,
        stops_service=status in SERVICE_ACTIVE,
        hint=f"{hint} {note}".strip(),
    )


def _status_refusal(status: str) -> str:
    return _("Заявление в статусе «%(status)s» отменить нельзя.") % {"status": Status(status).label}


def check_cancellable(application: Application) -> None:
    """Raise ``Conflict`` with the person-readable reason unless ``decide`` allows."""
    decision = decide(application)
    if not decision.allowed:
        raise Conflict(decision.reason, code=decision.code)
