"""«Сертификат подписи ведомства» (OFF-3, DOC-3, SIG-3): an agency's administrator sees
the certificate the agency signs its result documents with, has a new one issued by
the certification centre and revokes one with a reason. Only their own agency's
certificates: another agency's id is simply not found (SEC-3). Issuing and revoking
need a fresh re-authentication; the services audit both.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gosportal.accounts.reauth import reauth_required
from gosportal.backoffice.certificate_forms import RevokeCertificateForm
from gosportal.backoffice.staff_views import agency_admin_required
from gosportal.catalog.selectors import administered_officer
from gosportal.core.errors import DomainError, NotFound, RateLimited, add_to_form
from gosportal.signatures import agencies


def _state(certificate, current, now) -> tuple[str, str]:
    """(label, badge tone) of one certificate in the history."""
    if certificate.revoked_at is not None:
        return _("Отозван"), "danger"
    if certificate.valid_to <= now:
        return _("Истёк"), "neutral"
    if certificate.valid_from > now:
        return _("Ещё не действует"), "info"
    if current is not None and certificate.pk == current.pk:
        return _("Действует, подписывает документы"), "success"
    return _("Действует, заменён более новым"), "neutral"


def _page(request, *, status=200, revoke_form=None):
    agency = administered_officer(request.user).agency
    now = timezone.now()
    current = agencies.agency_certificate(agency)
    history = agencies.certificates_of(agency)
    rows = []
    for certificate in history:
        label, tone = _state(certificate, current, now)
        rows.append(
            {
                "certificate": certificate,
                "state": label,
                "tone": tone,
                "reason": agencies.REASON_LABELS.get(certificate.revocation_reason, ""),
            }
        )
    days_left = (current.valid_to - now).days if current else None
    context = {
        "agency": agency,
        "current": current,
        "days_left": days_left,
        "expiring": days_left is not None and days_left < agencies.EXPIRY_NOTICE_DAYS,
        "rows": rows,
        "revoke_form": revoke_form
        or RevokeCertificateForm(initial={"certificate": current.pk if current else None}),
    }
    return render(request, "backoffice/certificate.html", context, status=status)


@require_GET
@agency_admin_required
def certificate_view(request):
    return _page(request)


@require_http_methods(["GET", "POST"])
@agency_admin_required
@reauth_required
def issue_view(request):
    if request.method == "GET":  # back from re-authentication: show the page again
        return redirect("backoffice:certificate")
    try:
        certificate = agencies.issue_agency_certificate(admin=request.user)
    except RateLimited:
        raise
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("Сертификат № %(serial)s выпущен: документы с решениями подписываются им.")
            % {"serial": certificate.serial},
        )
    return redirect("backoffice:certificate")


@require_http_methods(["GET", "POST"])
@agency_admin_required
@reauth_required
def revoke_view(request):
    if request.method == "GET":
        return redirect("backoffice:certificate")
    form = RevokeCertificateForm(request.POST)
    if form.is_valid():
        try:
            certificate = agencies.revoke_agency_certificate(
                admin=request.user,
                certificate_id=form.cleaned_data["certificate"],
                reason=form.cleaned_data["reason"],
            )
        except NotFound as error:
            raise Http404 from error
        except DomainError as error:
            if error.field is None:
                messages.error(request, str(error.message))
                return redirect("backoffice:certificate")
            add_to_form(form, error)
        else:
            messages.success(
                request,
                _("Сертификат № %(serial)s отозван.") % {"serial": certificate.serial},
            )
            return redirect("backoffice:certificate")
    elif "certificate" in form.errors:
        raise Http404
    return _page(request, status=400, revoke_form=form)
