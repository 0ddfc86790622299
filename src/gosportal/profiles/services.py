"""Writers of profiles: every change of personal data goes through here."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gosportal.accounts.models import User
from gosportal.core import audit
from gosportal.core.errors import Conflict, InvalidInput
from gosportal.core.validators import check_snils
from gosportal.profiles.models import Profile, snils_index


@transaction.atomic
def set_snils(*, user: User, snils: str) -> Profile:
    """Record the person's SNILS (checksum verified; one account per SNILS)."""
    try:
        digits = check_snils(snils)
    except Exception as exc:
        raise InvalidInput(exc.messages[0], field="snils") from exc
    taken = Profile.objects.filter(snils_index=snils_index(digits)).exclude(user=user)
    if taken.exists():
        raise Conflict(_("Этот СНИЛС уже указан в другой учётной записи."), field="snils")
    profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
    profile.snils = digits
    profile.updated_at = timezone.now()
    profile.save()
    audit.record("profiles.snils_set", actor=user, obj=profile, details={"field": "snils"})
    return profile


def erase_profile(user: User) -> None:
    """REC-4: the person's personal data goes with the account (called inside deletion)."""
    Profile.objects.filter(user=user).delete()
