"""Reads of agencies and their staff; every one takes the acting user (OFF-1)."""

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from gosportal.accounts.models import User
from gosportal.catalog.models import (
    ALL_RUSSIA,
    RECENT_LIMIT,
    Category,
    Favourite,
    Officer,
    Service,
)
from gosportal.core.db import read_replica
from gosportal.core.errors import NotFound


def officer_of(user: User) -> Officer | None:
    """The active membership of ``user`` in an active agency, or None."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Officer.objects.select_related("agency")
        .filter(user=user, is_active=True, agency__is_active=True, user__is_active=True)
        .first()
    )


def administered_officer(user: User) -> Officer | None:
    """``user``'s membership when it is an agency administrator's, else None."""
    officer = officer_of(user)
    return officer if officer is not None and officer.is_administrator else None


def is_agency_administrator(user: User) -> bool:
    return administered_officer(user) is not None


def staff_for(admin: User) -> QuerySet[Officer]:
    """The officers of the administrator's own agency (never another agency's)."""
    me = administered_officer(admin)
    if me is None:
        return Officer.objects.none()
    return (
        Officer.objects.filter(agency=me.agency)
        .select_related("user", "agency")
        .order_by("-is_active", "staff_number", "pk")
    )


def staff_member_for(admin: User, officer_id) -> Officer:
    """One officer of the administrator's agency; anyone else's id is simply not found."""
    try:
        pk = int(officer_id)
    except (TypeError, ValueError):
        pk = None
    officer = staff_for(admin).filter(pk=pk).first() if pk else None
    if officer is None:
        raise NotFound(_("Сотрудник не найден."))
    return officer


# --- the catalogue of services (CAT-1 … CAT-3) -------------------------------------------

APPLICANT_FIELDS = {
    "individual": "for_individuals",
    "entrepreneur": "for_entrepreneurs",
    "organization": "for_organizations",
}


def published_services() -> QuerySet[Service]:
    """Services anyone may see, with what a list row shows."""
    return Service.objects.filter(is_published=True).select_related("agency", "category")


def filtered_services(
    *,
    category: Category | None = None,
    applicant: str = "",
    region: str = "",
    availability: str = "",
    price: str = "",
    service_type: str = "",
) -> QuerySet[Service]:
    """Published services narrowed by the catalogue's filters (CAT-1); empty = any."""
    services = published_services()
    if category is not None:
        services = services.filter(Q(category=category) | Q(category__parent=category))
    if applicant in APPLICANT_FIELDS:
        services = services.filter(**{APPLICANT_FIELDS[applicant]: True})
    if region:
        services = services.filter(region_code__in=[ALL_RUSSIA, region])
    if availability:
        services = services.filter(availability=availability)
    if price == "free":
        services = services.filter(fee_kopecks=0)
    elif price == "paid":
        services = services.filter(fee_kopecks__gt=0)
    if service_type:
        services = services.filter(service_type=service_type)
    return services


def published_service(slug: str) -> Service:
    """The published service with ``slug``; unpublished and unknown ones are NotFound."""
    service = published_services().filter(slug=slug).first()
    if service is None:
        raise NotFound(_("Услуга не найдена."))
    return service


CATEGORY_CHOICES_KEY = "catalog:category-choices"
CATEGORY_CHOICES_SECONDS = 3600  # a backstop: every change of a category drops them at once


def category_choices() -> list[tuple[str, str]]:
    """(slug, name) of the top-level categories for the filter form, from the cache.

    Every save or delete of a category drops them (``forget_category_choices``).
    """
    choices = cache.get(CATEGORY_CHOICES_KEY)
    if choices is None:
        choices = list(Category.objects.filter(parent=None).values_list("slug", "name"))
        cache.set(CATEGORY_CHOICES_KEY, choices, CATEGORY_CHOICES_SECONDS)
    return [tuple(choice) for choice in choices]


def forget_category_choices(**kwargs) -> None:
    """A category changed (``post_save`` / ``post_delete``): drop the cached choices now
    and again after commit, so no page keeps what it read before the change was visible."""
    cache.delete(CATEGORY_CHOICES_KEY)
    transaction.on_commit(lambda: cache.delete(CATEGORY_CHOICES_KEY))


@read_replica()
def top_categories() -> list[Category]:
    """Top-level categories with the number of published services in each (and children)."""
    counts = Count("services", filter=Q(services__is_published=True), distinct=True)
    child_counts = Count(
        "children__services", filter=Q(children__services__is_published=True), distinct=True
    )
    categories = Category.objects.filter(parent=None).annotate(own=counts, nested=child_counts)
    return [c for c in categories if c.own + c.nested]


def favourites_for(user: User) -> QuerySet[Service]:
    """The person's favourite services, newest first; never anyone else's."""
    return published_services().filter(favourites__user=user).order_by("-favourites__created_at")


def favourite_ids_for(user: User) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(Favourite.objects.filter(user=user).values_list("service_id", flat=True))


def recent_for(user: User) -> list[Service]:
    """The person's «Недавние»: last opened first (at most RECENT_LIMIT)."""
    if not user.is_authenticated:
        return []
    return list(
        published_services()
        .filter(recent_views__user=user)
        .order_by("-recent_views__viewed_at")[:RECENT_LIMIT]
    )
