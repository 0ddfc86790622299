"""The catalogue's share of a person's data: favourites and «Недавние» (CAT-3).

Both reveal what a person is interested in, so they go into the data export (PROF-7)
and are erased with the account (REC-4).
"""

from gosportal.accounts.models import User
from gosportal.catalog.models import Favourite, RecentService


def favourites_part(user: User) -> dict:
    """JSON of the person's favourite and recently viewed services."""
    return {
        "favourites": [
            {"service": slug, "title": title, "added_at": added.isoformat()}
            for slug, title, added in Favourite.objects.filter(user=user)
            .order_by("-created_at")
            .values_list("service__slug", "service__title", "created_at")
        ],
        "recently_viewed": [
            {"service": slug, "title": title, "viewed_at": viewed.isoformat()}
            for slug, title, viewed in RecentService.objects.filter(user=user)
            .order_by("-viewed_at")
            .values_list("service__slug", "service__title", "viewed_at")
        ],
    }


def erase_catalog_traces(user: User) -> None:
    Favourite.objects.filter(user=user).delete()
    RecentService.objects.filter(user=user).delete()
