"""The result document of an approved application (OFF-3, DOC-3).

Approving and issuing happen in one transaction: the decision
(``applications.services.approve``) and the PDF/A «Решение о предоставлении
государственной услуги» rendered from ``documents/pdf/decision.html``, signed with the
agency's own certificate (``signatures.agencies``) and registered by
``documents.services.issue_document``. An agency without a valid certificate cannot
approve: nothing else may sign in its name.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gosportal.applications import services
from gosportal.applications.models import Application
from gosportal.core.errors import Conflict
from gosportal.documents.models import IssuedDocument
from gosportal.documents.services import issue_document
from gosportal.profiles.selectors import full_name
from gosportal.signatures.agencies import agency_certificate
from gosportal.signatures.models import SigningCertificate

RESULT_TEMPLATE = "documents/pdf/decision.html"


def signing_certificate(agency) -> SigningCertificate:
    """The agency's own certificate fit to sign now; ``Conflict`` when it has none."""
    certificate = agency_certificate(agency)
    if certificate is None:
        raise _no_certificate()
    return certificate


def _no_certificate() -> Conflict:
    return Conflict(
        _(
            "У ведомства нет действующего сертификата электронной подписи, поэтому "
            "документ с решением выдать нельзя. Попросите администратора ведомства "
            "выпустить сертификат в разделе «Сертификат подписи ведомства»."
        ),
        code="no_certificate",
    )


def _organization_name(application: Application) -> str:
    if not application.acting_for_id:
        return ""
    from gosportal.organizations.models import Organization

    organization = Organization.objects.filter(pk=application.acting_for_id).first()
    return organization.full_name if organization else ""


def result_title(application: Application) -> str:
    return _("Решение по заявлению %(number)s") % {"number": application.number}


def result_context(application: Application, *, officer, comment: str) -> dict:
    """What ``decision.html`` shows besides the ``document`` block issue_document adds."""
    agency = application.agency
    service = application.service
    return {
        "agency": {
            "full_name": agency.full_name,
            "short_name": agency.short_name,
            "inn": agency.inn,
            "ogrn": agency.ogrn,
        },
        "applicant_name": full_name(application.applicant),
        "organization_name": _organization_name(application),
        "service_title": service.title,
        "service_result": service.result_description,
        "application_number": application.number,
        "submitted_at": application.submitted_at,
        "decided_at": application.decided_at or timezone.now(),
        "comment": (comment or "").strip(),
        "officer_name": full_name(officer.user),
        "officer_position": officer.position,
    }


def approve_with_result(*, application: Application, officer, comment: str = "") -> IssuedDocument:
    """Approve and issue the signed result to the applicant, or do neither.

    Refused (``Conflict``) before anything changes when the agency has no valid
    certificate; any failure while issuing undoes the approval.
    """
    certificate = signing_certificate(application.agency)
    with transaction.atomic():
        # Locked while signing, so a revocation waits for this signature or comes first
        # and refuses it (signatures.services.revoke_signing_certificate).
        certificate = SigningCertificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.revoked_at is not None:
            raise _no_certificate()
        services.approve(application=application, officer=officer, comment=comment)
        application = Application.objects.select_related("agency", "service", "applicant").get(
            pk=application.pk
        )
        document = issue_document(
            owner=application.applicant,
            title=result_title(application),
            template_name=RESULT_TEMPLATE,
            context=result_context(application, officer=officer, comment=comment),
            certificate=certificate,
            actor=officer.user,
            reference=application.number,
        )
    return document
