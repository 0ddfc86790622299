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
