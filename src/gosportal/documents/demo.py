"""Demo data for issued documents (``manage.py load_demo``): the sandbox certification
centre, a signing certificate of the demo portal and one document for a demo citizen,
so /verify/ has something to check."""

from gosportal.documents.models import IssuedDocument
from gosportal.documents.services import issue_document
from gosportal.signatures.selectors import current_certificate
from gosportal.signatures.services import create_signing_certificate

DEMO_ISSUER_CODE = "demo-portal"
DEMO_ISSUER_NAME = "Госпортал (демонстрационный стенд)"
DEMO_INN = "7707083893"  # valid check digits; a sandbox value
DEMO_OGRN = "1027700132195"
DEMO_TITLE = "Выписка о подтверждении личности"


def ensure_demo_document(user, *, full_name: str) -> IssuedDocument:
    """The demo citizen's sample document, issued once (idempotent)."""
    existing = IssuedDocument.objects.filter(owner=user, title=DEMO_TITLE).first()
    if existing is not None:
        return existing
    certificate = current_certificate(DEMO_ISSUER_CODE) or create_signing_certificate(
        issuer_code=DEMO_ISSUER_CODE, issuer_name=DEMO_ISSUER_NAME, inn=DEMO_INN, ogrn=DEMO_OGRN
    )
    return issue_document(
        owner=user,
        title=DEMO_TITLE,
        template_name="documents/pdf/letter.html",
        context={
            "recipient": full_name,
            "paragraphs": [
                "Настоящим подтверждается, что личность заявителя подтверждена на портале "
                "государственных услуг.",
                "Документ выдан на демонстрационном стенде и юридической силы не имеет.",
            ],
            "facts": [("Уровень учётной записи", "Подтверждённая")],
        },
        certificate=certificate,
    )
