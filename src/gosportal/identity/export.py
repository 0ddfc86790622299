"""The identity part of the account export (PROF-7): confirmations without their codes."""

from gosportal.accounts.models import User
from gosportal.identity.models import Confirmation


def identity_confirmations_part(user: User) -> list[dict]:
    # The code hash and index are secrets of the confirmation, never exported.
    return [
        {
            "method": row.method,
            "method_name": str(row.get_method_display()),
            "status": row.status,
            "status_name": str(row.get_status_display()),
            "created_at": row.created_at,
            "expires_at": row.expires_at,
            "decided_at": row.decided_at,
            "tracking_number": row.tracking_number,
            "address": row.address,
            "reason": row.reason,
        }
        for row in Confirmation.objects.filter(user=user).order_by("created_at", "id")
    ]
