"""Reads of profiles shared by pages, API and the sign-in."""

import re

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.utils import timezone
from django.utils.translation import gettext as _

from gosportal.accounts.models import User
from gosportal.core.validators import check_snils
from gosportal.profiles.models import Profile, ProfileChange, RegistryCheck, snils_index
from gosportal.profiles.services import UNDO_WINDOW, field_label

_SNILS_SHAPE = re.compile(r"^\d{3}-?\d{3}-?\d{3}[\s-]?\d{2}$")


def user_by_snils(login: str) -> User | None:
    """The account whose profile holds the SNILS ``login`` (any usual spelling), or None."""
    if not _SNILS_SHAPE.match(login.strip()):
        return None
    try:
        digits = check_snils(login)
    except ValidationError:
        return None
    return User.objects.filter(profile__snils_index=snils_index(digits)).first()


def profile_of(user: User) -> Profile:
    """The person's profile, or an empty unsaved one when nothing is stored yet."""
    return Profile.objects.filter(user=user).first() or Profile(user=user)


def latest_registry_checks(user: User) -> list[dict]:
    """REG-2: per registry, the newest check of ``user`` with a badge label and tone."""
    tones = {
        RegistryCheck.Status.PENDING: "info",
        RegistryCheck.Status.PASSED: "success",
        RegistryCheck.Status.MISMATCH: "danger",
        RegistryCheck.Status.FAILED: "warning",
    }
    latest: dict[str, RegistryCheck] = {}
    for check in RegistryCheck.objects.filter(user=user).order_by("-requested_at", "-id"):
        latest.setdefault(check.registry, check)
    rows = []
    for registry, title in RegistryCheck.Registry.choices:
        check = latest.get(registry)
        if check is None:
            continue
        label = check.get_status_display()
        if check.status == RegistryCheck.Status.MISMATCH and check.mismatch_field:
            label = f"{label}: {field_label(check.mismatch_field)}"
        rows.append(
            {"registry": title, "check": check, "label": label, "tone": tones[check.status]}
        )
    return rows


PAGE_SIZE = 50


def profile_history(user: User, *, page: str | int | None = None) -> Page:
    """PROF-4: the person's data changes, newest first, 50 a page; ``who`` on each row."""
    changes = ProfileChange.objects.filter(user=user).order_by("-changed_at", "-id")
    result = Paginator(changes, PAGE_SIZE).get_page(page)
    for row in result.object_list:
        row.label = field_label(row.field)
        if row.channel == ProfileChange.Channel.SUPPORT or (
            row.actor_id is not None and row.actor_id != user.pk
        ):
            row.who = _("служба поддержки")
        elif row.channel == ProfileChange.Channel.REGISTRY:
            row.who = _("ведомство")
        else:
            row.who = _("вы")
    return result


def undoable_change(user: User) -> ProfileChange | None:
    """PROF-4: the newest change when it is a save of the last 30 minutes not yet undone."""
    latest = ProfileChange.objects.filter(user=user).order_by("-changed_at", "-id").first()
    if (
        latest is None
        or latest.undone_at is not None
        or latest.channel == ProfileChange.Channel.UNDO
        or timezone.now() - latest.changed_at > UNDO_WINDOW
    ):
        return None
    return latest
