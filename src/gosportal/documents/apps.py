from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "gosportal.documents"
    label = "documents"
    verbose_name = _("Документы")

    def ready(self) -> None:
        from gosportal.accounts.deletion import register_eraser
        from gosportal.documents.services import erase_documents_of

        register_eraser(erase_documents_of)  # REC-4: issued files carry personal data
