"""Reads of organisations, always through the acting person (SEC-3)."""

from django.db.models import QuerySet

from gosportal.accounts.models import User
from gosportal.organizations.models import Membership, Organization


def organizations_of(user: User) -> QuerySet[Organization]:
    """The organisations ``user`` currently acts for, oldest membership first."""
    return (
        Organization.objects.filter(memberships__user=user, memberships__ended_at__isnull=True)
        .order_by("memberships__created_at", "pk")
        .distinct()
    )


def active_membership(user: User, organization: Organization) -> Membership | None:
    return Membership.objects.filter(
        user=user, organization=organization, ended_at__isnull=True
    ).first()


def organization_for(user: User, public_id) -> Organization | None:
    """The organisation with ``public_id`` when ``user`` acts for it now, else None."""
    return organizations_of(user).filter(public_id=public_id).first()


# The session remembers the organisation a person acts for (organizations.acting).
ACTING_SESSION_KEY = "acting_organization"
# ... and the account menu's list of organisations (organizations.acting.menu_entries).
MENU_SESSION_KEY = "organizations_menu"


def _load(request) -> Organization | None:
    public_id = request.session.get(ACTING_SESSION_KEY)
    if not public_id:
        return None
    organization = organization_for(request.user, public_id)
    if organization is None:
        # The membership ended (or the organisation went): back to acting as oneself,
        # and the menu is read again on its next use.
        del request.session[ACTING_SESSION_KEY]
        request.session.pop(MENU_SESSION_KEY, None)
    return organization


def acting_organization(request) -> Organization | None:
    """The organisation the signed-in person acts for in this request, or None.

    The membership is checked once per request (``organizations.acting`` middleware);
    when it has ended, the person is back to acting as themselves.
    """
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return None
    if not hasattr(request, "acting_organization"):
        request.acting_organization = _load(request)
    return request.acting_organization
