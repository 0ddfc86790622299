"""Services provided on another site (CAT-5).

The catalogue knows nothing of partner sites: an app that does registers a resolver
here (in its ``AppConfig.ready``). For a service one of them claims, the service card
offers «Перейти на сайт партнёра» instead of the application form.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ExternalSite:
    name: str  # the site's name as people know it
    url: str  # where the card's button leads (on this portal: the single sign-on start)


Resolver = Callable[[object], "ExternalSite | None"]
_resolvers: list[Resolver] = []


def register(resolver: Resolver) -> None:
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def external_site(service) -> ExternalSite | None:
    """The site that provides ``service``, if a registered resolver knows one."""
    for resolver in _resolvers:
        site = resolver(service)
        if site is not None:
            return site
    return None
