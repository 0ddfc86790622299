"""Reads of profiles shared by pages, API and the sign-in."""

import json
import re
from datetime import date

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.utils import timezone
from django.utils.translation import gettext as _

from gosportal.accounts.models import User
from gosportal.core.validators import check_snils
from gosportal.profiles.models import (
    DataChangeRequest,
    PassportScan,
    PersonalDocument,
    Profile,
    ProfileChange,
    RegistryCheck,
    snils_index,
)
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


def full_name(user: User) -> str:
    """Surname, name and patronymic from the profile, else the account's name."""
    profile = profile_of(user)
    parts = [profile.last_name, profile.first_name, profile.middle_name]
    return " ".join(part for part in parts if part) or user.display_name or str(user)


def same_person(user: User, other: User) -> bool:
    """REG-6: whether two accounts may belong to one person, who must not decide their
    own request from another account: the same account, the same SNILS (by its blind
    index; unique among profiles today, kept should that change), the same passport, or
    the same full name and birth date. Errs on the side of «the same»: another operator
    then decides."""
    if user.pk == other.pk:
        return True
    profiles = {p.user_id: p for p in Profile.objects.filter(user_id__in=[user.pk, other.pk])}
    if len(profiles) != 2:
        return False
    mine, theirs = profiles[user.pk], profiles[other.pk]
    if mine.snils_index and mine.snils_index == theirs.snils_index:
        return True
    passport = (mine.passport_series, mine.passport_number)
    if all(passport) and passport == (theirs.passport_series, theirs.passport_number):
        return True

    def person(profile: Profile) -> tuple:
        names = (profile.last_name, profile.first_name, profile.middle_name or "")
        return (*(n.strip().casefold().replace("ё", "е") for n in names), profile.birth_date)

    return bool(mine.last_name and mine.birth_date) and person(mine) == person(theirs)


def registry_confirms_current_data(user: User, registry: str) -> bool:
    """REG-2: whether the newest check of ``registry`` passed for the data stored now
    (a check remembers a hash of the data it asked about; changed data needs a new one)."""
    from gosportal.profiles.checks import data_hash, is_complete, latest_check

    profile = Profile.objects.filter(user=user).first()
    if profile is None or not is_complete(profile, registry):
        return False
    latest = latest_check(user, registry)
    return (
        latest is not None
        and latest.status == RegistryCheck.Status.PASSED
        and latest.data_hash == data_hash(profile, registry)
    )


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


# --- Further documents (PROF-1) ------------------------------------------------------------


def document_summary(document: PersonalDocument) -> list[dict]:
    """The document's filled fields as the person reads them: label and value."""
    from gosportal.profiles.documents import FIELDS

    rows = []
    for attr in FIELDS[document.kind]:
        value = getattr(document, attr)
        if value in (None, ""):
            continue
        if isinstance(value, date):
            value = value.strftime("%d.%m.%Y")
        elif attr == "categories":
            value = value.replace(",", ", ")
        label = PersonalDocument._meta.get_field(attr).verbose_name
        rows.append({"label": label, "value": value})
    return rows


def documents_of(user: User) -> list[PersonalDocument]:
    return list(PersonalDocument.objects.filter(user=user).order_by("kind", "created_at", "id"))


def documents_by_kind(user: User) -> list[dict]:
    """PROF-1: the person's documents grouped by kind, with whether one more may be added."""
    by_kind: dict[str, list] = {kind: [] for kind in PersonalDocument.Kind.values}
    for document in PersonalDocument.objects.filter(user=user).order_by("created_at", "id"):
        by_kind[document.kind].append({"document": document, "rows": document_summary(document)})
    return [
        {
            "kind": kind,
            "label": PersonalDocument.Kind(kind).label,
            "items": items,
            "can_add": not items or kind not in PersonalDocument.SINGLE_KINDS,
        }
        for kind, items in by_kind.items()
    ]


# --- Passport scans (PROF-2) -----------------------------------------------------------------


def latest_passport_scan(user: User) -> PassportScan | None:
    """The newest passport scan sent with a saved change (drafts not yet confirmed left out)."""
    return (
        PassportScan.objects.filter(user=user)
        .exclude(status=PassportScan.Status.DRAFT)
        .order_by("-uploaded_at", "-id")
        .first()
    )


SCAN_TONES = {
    PassportScan.Status.PENDING: "info",
    PassportScan.Status.MATCHED: "success",
    PassportScan.Status.MISMATCH: "danger",
    PassportScan.Status.FAILED: "warning",
}


def passport_scan_state(user: User) -> dict:
    """«Мои данные»: the newest scan, its badge tone and the mismatches the OCR found."""
    scan = latest_passport_scan(user)
    if scan is None:
        return {"passport_scan": None, "scan_tone": "", "scan_mismatches": []}
    try:
        mismatches = json.loads(scan.mismatches) if scan.mismatches else []
    except ValueError:
        mismatches = []
    return {
        "passport_scan": scan,
        "scan_tone": SCAN_TONES.get(scan.status, "neutral"),
        "scan_mismatches": mismatches,
    }


# --- Birth date and sex change requests (PROF-3) -----------------------------------------


def pending_request_count(user: User) -> int:
    return DataChangeRequest.objects.filter(
        user=user, status=DataChangeRequest.Status.PENDING
    ).count()


def data_requests_of(user: User) -> list[DataChangeRequest]:
    return list(DataChangeRequest.objects.filter(user=user).order_by("-created_at", "-id"))


def data_request_queue(*, status: str = DataChangeRequest.Status.PENDING):
    """The desk's queue: oldest first, so nobody waits longest."""
    return (
        DataChangeRequest.objects.filter(status=status)
        .select_related("user")
        .order_by("created_at", "id")
    )
