"""Pages of issued documents: the owner's list and download, and the public
verification page (DOC-3) that anyone may use without signing in."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from gosportal.core import ratelimit
from gosportal.core.errors import DomainError, NotFound, RateLimited, add_to_form
from gosportal.documents import selectors, services
from gosportal.documents.forms import NumberForm, UploadForm


def _render_verify(request, *, number_form, upload_form, status=200, **context):
    return render(
        request,
        "documents/verify.html",
        {"number_form": number_form, "upload_form": upload_form, **context},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def verify_view(request):
    """Check a document by its number (GET ?number=) or by its file (POST)."""
    number_form = NumberForm(data=request.GET if "number" in request.GET else None)
    upload_form = UploadForm()
    if number_form.is_bound and number_form.is_valid():
        try:
            number = services.normalize_number(number_form.cleaned_data["number"])
        except DomainError as error:
            add_to_form(number_form, error)
        else:
            return redirect("documents:verify_number", number=number)
    if request.method != "POST":
        return _render_verify(request, number_form=number_form, upload_form=upload_form)
    upload_form = UploadForm(data=request.POST, files=request.FILES)
    check = None
    status = 200
    if upload_form.is_valid():
        try:
            ratelimit.check(
                f"documents_verify_upload:{ratelimit.key_ip(request)}",
                settings.DOCUMENT_VERIFY_UPLOAD_RATE,
            )
            check = services.verify_upload(upload_form.cleaned_data["file"])
        except RateLimited as error:
            add_to_form(upload_form, error)
            status = 429
        except DomainError as error:
            add_to_form(upload_form, error)
    return _render_verify(
        request, number_form=NumberForm(), upload_form=upload_form, check=check, status=status
    )


@require_GET
def verify_number_view(request, number: str):
    """What the register says about a number (the QR code on a document leads here)."""
    number_form = NumberForm(initial={"number": number})
    try:
        ratelimit.check(
            f"documents_verify_number:{ratelimit.key_ip(request)}",
            settings.DOCUMENT_VERIFY_LOOKUP_RATE,
        )
        canonical = services.normalize_number(number)
    except RateLimited as error:
        number_form = NumberForm(data={"number": number})
        add_to_form(number_form, error)
        return _render_verify(
            request, number_form=number_form, upload_form=UploadForm(), status=429
        )
    except DomainError as error:
        number_form = NumberForm(data={"number": number})
        add_to_form(number_form, error)
        return _render_verify(
            request, number_form=number_form, upload_form=UploadForm(), status=400
        )
    if canonical != number:
        return redirect("documents:verify_number", number=canonical)
    document = selectors.document_by_number(canonical)
    return _render_verify(
        request,
        number_form=number_form,
        upload_form=UploadForm(),
        looked_up=canonical,
        document=document,
        status=200 if document is not None else 404,
    )


@login_required
@require_GET
def list_view(request):
    return render(
        request, "documents/list.html", {"documents": selectors.documents_of(request.user)}
    )


@login_required
@require_GET
def download_view(request, number: str):
    try:
        document, content = services.document_file(user=request.user, number=number)
    except NotFound as exc:
        raise Http404 from exc
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.number}.pdf"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
