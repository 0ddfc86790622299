"""Personal data of a person (SEC-2: every field encrypted, exact lookups by blind index).

For now the SNILS, which is also a login (AUTH-1); the full «Мои данные» comes next.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gosportal.accounts.models import User
from gosportal.core.crypto import blind_index
from gosportal.core.fields import EncryptedCharField


def snils_index(digits: str) -> str:
    return blind_index(digits, purpose="snils")


class Profile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    snils = EncryptedCharField(_("СНИЛС"), max_length=11, null=True, blank=True)
    snils_index = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )
    updated_at = models.DateTimeField(_("изменено"), default=timezone.now)

    class Meta:
        verbose_name = _("профиль")
        verbose_name_plural = _("профили")

    def __str__(self) -> str:
        return str(self.user)

    def save(self, *args, **kwargs):
        self.snils_index = snils_index(self.snils) if self.snils else None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "snils" in update_fields:
            kwargs["update_fields"] = {*update_fields, "snils_index"}
        super().save(*args, **kwargs)
