"""Applications in a person's data export (PROF-7) and on account deletion (REC-4).

The export lists every application with its answers and history. Deleting the account
removes the drafts (never sent to anyone) with their files and the templates; submitted
applications are the agencies' records and stay.
"""

from django.db import transaction

from gosportal.accounts.models import User
from gosportal.applications.models import (
    VAULT_PURPOSE,
    Application,
    ApplicationTemplate,
    Attachment,
    Status,
)
from gosportal.core import vault


def applications_part(user: User) -> dict:
    """JSON of the person's applications (answers, history) and templates."""
    rows = Application.objects.filter(applicant=user).select_related("service")
    templates = ApplicationTemplate.objects.filter(user=user).select_related("service")
    applications = [
        {
            "number": a.number,
            "service": a.service.title,
            "status": a.status,
            "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
            "due_date": a.due_date.isoformat() if a.due_date else None,
            "answers": a.answers,
            "history": [
                {"from": c.from_status, "to": c.to_status, "at": c.at.isoformat()}
                for c in a.changes.filter(visible_to_applicant=True)
            ],
            "files": [f.name for f in a.attachments.all()],
        }
        for a in rows.prefetch_related("changes", "attachments").order_by("created_at")
    ]
    return {
        "applications": applications,
        "templates": [
            {"name": t.name, "service": t.service.title, "answers": t.answers}
            for t in templates.order_by("name")
        ],
    }


def erase_drafts(user: User) -> None:
    """REC-4: drafts with their files, and templates."""
    drafts = Application.objects.filter(applicant=user, status=Status.DRAFT)
    names = list(
        Attachment.objects.filter(application__in=drafts).values_list("vault_name", flat=True)
    )
    drafts.delete()
    ApplicationTemplate.objects.filter(user=user).delete()
    transaction.on_commit(lambda: [vault.delete(n, purpose=VAULT_PURPOSE) for n in names])
