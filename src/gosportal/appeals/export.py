"""Appeals in a person's data export (PROF-7): what they wrote, the files' names and the
agency's decisions. Appeals are the agencies' records and stay when the account goes."""

from gosportal.accounts.models import User
from gosportal.appeals.models import Appeal


def appeals_part(user: User) -> list[dict]:
    rows = (
        Appeal.objects.filter(application__applicant=user)
        .prefetch_related("evidence")
        .order_by("created_at", "id")
    )
    return [
        {
            "number": a.number,
            "status": a.status,
            "created_at": a.created_at.isoformat(),
            "reason": a.reason,
            "files": [f.name for f in a.evidence.all()],
            "decided_at": a.decided_at.isoformat() if a.decided_at else None,
            "decision": a.decision,
        }
        for a in rows
    ]
