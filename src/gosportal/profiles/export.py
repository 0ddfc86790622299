"""Files of personal data in «Скачать мои данные» (PROF-7), plugged into accounts' archive.

Each builder reads the person's own rows only. Secrets stay out: the history gives the
masked displays, never the encrypted old values kept for undo (PROF-4), and identity
confirmations never carry the hash of their code.
"""

from gosportal.accounts.models import User
from gosportal.profiles.models import Profile
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
