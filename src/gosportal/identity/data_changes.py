"""A change of the person's identity data ends their pending confirmations.

A confirmation vouches for the data stored when it was asked for; once the name, birth
date, passport or SNILS change (``profiles.changed``), a code, letter or bank answer
still on its way would confirm other data. So every method's pending request is
cancelled (a remote check's pictures are deleted). A remote check not yet sent to the
operators stays: the person may correct «Мои данные» and compare the page again, and
the data are fixed when it is sent (``identity.remote.identity_hash``).
"""

from django.db import transaction
from django.utils.translation import gettext as _

from gosportal.accounts.models import User
from gosportal.core import audit
from gosportal.core.events import subscribe
from gosportal.identity import remote
from gosportal.identity.models import Confirmation, RemoteCheck
from gosportal.identity.pending import cancel_pending

IDENTITY_FIELDS = frozenset(
    {
        "last_name",
        "first_name",
        "middle_name",
        "birth_date",
        "passport_series",
        "passport_number",
        "passport_issued_on",
        "passport_issuer",
        "passport_department_code",
        "snils",
    }
)


@subscribe("profiles.changed", name="identity.cancel_on_data_change")
def cancel_on_data_change(event) -> None:
    """Payload: ``user_id`` and ``fields`` (names of changed Profile fields; all if absent)."""
    fields = event.payload.get("fields")
    if fields is not None and not IDENTITY_FIELDS.intersection(fields):
        return
    user = User.objects.filter(pk=event.payload.get("user_id")).first()
    if user is not None:
        cancel_for_changed_data(user)


@transaction.atomic
def cancel_for_changed_data(user: User) -> list[int]:
    """Cancel the person's pending confirmations of every method; returns their ids."""
    User.objects.select_for_update().only("pk").get(pk=user.pk)
    reason = _("Изменены персональные данные")
    cancelled = []
    for method in Confirmation.Method:
        if method == Confirmation.Method.REMOTE:
            continue
        cancelled += cancel_pending(user=user, method=method, reason=reason)
    submitted = RemoteCheck.objects.filter(
        confirmation__user=user,
        confirmation__method=Confirmation.Method.REMOTE,
        confirmation__status=Confirmation.Status.PENDING,
        submitted_at__isnull=False,
    ).exists()
    if submitted:
        cancelled += remote.end_for_changed_data(user, reason)
    if cancelled:
        audit.record(
            "identity.pending_cancelled",
            obj=user,
            details={"reason": "data_changed", "confirmations": cancelled},
        )
    return cancelled
