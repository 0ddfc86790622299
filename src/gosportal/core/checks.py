"""System checks: refuse production settings that rely on locally generated secrets."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def secrets_from_environment(app_configs, **kwargs):
    return [
        Error(
            f"{name} was generated into var/ for local use.",
            hint=f"Set {name} in the environment of every process (docs/configuration.md).",
            id="gosportal.E001",
        )
        for name in settings.LOCALLY_GENERATED_SECRETS
    ]


@register(Tags.security, deploy=True)
def no_sandboxes_in_production(app_configs, **kwargs):
    """The sandbox banks, certification centre and partner sites answer anyone with
    made-up results: never on a production site (DEBUG off)."""
    if settings.DEBUG:
        return []
    errors = [
        Error(
            f"{name} is on: the sandbox is served to everyone.",
            hint=f"Set {name}=false in production (docs/configuration.md).",
            id="gosportal.E002",
        )
        for name in ("BANK_SANDBOX", "CA_SANDBOX", "PARTNER_SANDBOX")
        if getattr(settings, name, False)
    ]
    errors += [
        Error(
            f"BANK_OIDC_PROVIDERS[{bank!r}] has no issuer, so it is the sandbox bank.",
            hint="Give every bank of BANK_OIDC_PROVIDERS its issuer URL (docs/configuration.md).",
            id="gosportal.E003",
        )
        for bank, provider in getattr(settings, "BANK_OIDC_PROVIDERS", {}).items()
        if not provider.get("issuer")
    ]
    return errors
