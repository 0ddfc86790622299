"""Form of «Сертификат подписи ведомства» (OFF-3): revoking with a reason. The service
checks the reason and the certificate again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gosportal.signatures.agencies import REASON_LABELS


class RevokeCertificateForm(forms.Form):
    certificate = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(
        label=_("Причина отзыва"),
        choices=[("", "—"), *REASON_LABELS.items()],
        error_messages={
            "required": _("Причина отзыва: выберите причину из списка."),
            "invalid_choice": _("Причина отзыва: выберите причину из списка."),
        },
    )
