"""Files of personal data in «Скачать мои данные» (PROF-7), plugged into accounts' archive.

Each builder reads the person's own rows only. Secrets stay out: the history gives the
masked displays, never the encrypted old values kept for undo (PROF-4), and identity
confirmations never carry the hash of their code.
"""

import json

from gosportal.accounts.models import User
from gosportal.profiles.data_requests import shown_value
from gosportal.profiles.documents import FIELDS
from gosportal.profiles.models import DataChangeRequest, PassportScan, PersonalDocument, Profile
from gosportal.profiles.services import EDITABLE_FIELDS, field_label


def profile_part(user: User) -> dict:
    """«Мои данные» decrypted; dates become ISO strings in the JSON."""
    profile = Profile.objects.filter(user=user).first()
    if profile is None:
        return {}
    data = {name: getattr(profile, name) for name in EDITABLE_FIELDS}
    data["sex_name"] = str(profile.get_sex_display()) if profile.sex else ""
    data["address_confirmed_at"] = profile.address_confirmed_at
    data["updated_at"] = profile.updated_at
    return data


def profile_changes_part(user: User) -> list[dict]:
    return [
        {
            "field": change.field,
            "field_name": field_label(change.field),
            "old": change.old_display,
            "new": change.new_display,
            "changed_at": change.changed_at,
            "channel": change.channel,
            "channel_name": str(change.get_channel_display()),
            "undone_at": change.undone_at,
        }
        for change in user.profile_changes.order_by("changed_at", "id")
    ]


def registry_checks_part(user: User) -> list[dict]:
    return [
        {
            "registry": check.registry,
            "registry_name": str(check.get_registry_display()),
            "status": check.status,
            "status_name": str(check.get_status_display()),
            "mismatch_field": check.mismatch_field,
            "message": check.message,
            "requested_at": check.requested_at,
            "completed_at": check.completed_at,
        }
        for check in user.registry_checks.order_by("requested_at", "id")
    ]


def consents_part(user: User) -> list[dict]:
    return [
        {
            "scope": consent.scope,
            "scope_name": str(consent.get_scope_display()),
            "version": consent.version,
            "granted_at": consent.granted_at,
            "revoked_at": consent.revoked_at,
        }
        for consent in user.consents.order_by("granted_at", "id")
    ]


def documents_part(user: User) -> list[dict]:
    """PROF-1: the further documents decrypted, each with the fields of its kind."""
    return [
        {
            "kind": document.kind,
            "kind_name": str(document.get_kind_display()),
            **{attr: getattr(document, attr) for attr in FIELDS[document.kind]},
            "created_at": document.created_at,
            "updated_at": document.updated_at,
        }
        for document in PersonalDocument.objects.filter(user=user).order_by("created_at", "id")
    ]


def data_requests_part(user: User) -> list[dict]:
    """PROF-3: the requests (the supporting documents themselves stay in the vault)."""
    return [
        {
            "field": item.field,
            "field_name": str(item.get_field_display()),
            "new_value": shown_value(item.field, item.new_value),
            "reason": item.reason,
            "status": item.status,
            "status_name": str(item.get_status_display()),
            "decision_reason": item.decision_reason,
            "created_at": item.created_at,
            "decided_at": item.decided_at,
        }
        for item in DataChangeRequest.objects.filter(user=user).order_by("created_at", "id")
    ]


def passport_scans_part(user: User) -> list[dict]:
    """PROF-2: when each passport scan came and what its check found."""
    return [
        {
            "status": scan.status,
            "status_name": str(scan.get_status_display()),
            "file_kind": scan.file_kind,
            "size": scan.size,
            "mismatches": json.loads(scan.mismatches) if scan.mismatches else [],
            "uploaded_at": scan.uploaded_at,
            "checked_at": scan.checked_at,
        }
        for scan in PassportScan.objects.filter(user=user).order_by("uploaded_at", "id")
    ]
