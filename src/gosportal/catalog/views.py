"""Pages of the catalogue of services (CAT-1 … CAT-3): home, categories, search with
filters, the service card, favourites. All of them work without JavaScript."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gosportal.accounts.levels import has_level, next_step
from gosportal.catalog import external, search, selectors, services
from gosportal.catalog.forms import FilterForm
from gosportal.catalog.models import Category, Service
from gosportal.core.db import read_replica
from gosportal.core.errors import DomainError, NotFound

PAGE_SIZE = 20
POPULAR_COUNT = 8


def _page(request, services_qs):
    """One page of a list and the pager's links, keeping the other GET parameters."""
    with read_replica():
        page = Paginator(services_qs, PAGE_SIZE).get_page(request.GET.get("page"))
        services = list(page.object_list)
    params = {k: v for k, v in request.GET.items() if k != "page" and v}

    def link(number):
        return "?" + urlencode({**params, "page": number})

    return {
        "page": page,
        "services": services,
        "previous_url": link(page.previous_page_number()) if page.has_previous() else "",
        "next_url": link(page.next_page_number()) if page.has_next() else "",
    }


def _with_flags(request, context):
    context["favourite_ids"] = selectors.favourite_ids_for(request.user)
    return context


@require_GET
def home_view(request):
    """Categories, the most popular services, and the person's «Недавние»."""
    return render(
        request,
        "catalog/home.html",
        {
            "form": FilterForm(),
            "categories": selectors.top_categories(),
            "popular": list(selectors.published_services()[:POPULAR_COUNT]),
            "recent": selectors.recent_for(request.user),
        },
    )


@require_GET
def category_view(request, slug: str):
    category = get_object_or_404(Category, slug=slug)
    form = FilterForm(data=request.GET, with_category=False)
    services_qs = selectors.filtered_services(category=category, **form.filters())
    query = form.query.strip()
    if query:
        services_qs = search.search(services_qs, query)
    context = {"category": category, "form": form, "query": query, **_page(request, services_qs)}
    return render(request, "catalog/category.html", _with_flags(request, context))


@require_GET
def search_view(request):
    """Russian full-text search with morphology; the filters work with or without a query."""
    form = FilterForm(data=request.GET)
    filters = form.filters()
    category = None
    if form.is_bound and "category" not in form.errors and form.cleaned_data.get("category"):
        category = Category.objects.filter(slug=form.cleaned_data["category"]).first()
    services_qs = selectors.filtered_services(category=category, **filters)
    query = form.query.strip()
    if query:
        services_qs = search.search(services_qs, query)
    context = {"form": form, "query": query, **_page(request, services_qs)}
    return render(request, "catalog/search.html", _with_flags(request, context))


def _apply_action(request, service: Service) -> dict:
    """What the «Получить услугу» block shows to this person (REG-4 level gap, CAT-2)."""
    if service.availability != Service.Availability.AVAILABLE:
        return {"state": "unavailable"}
    user = request.user
    if not user.is_authenticated:
        login = reverse("accounts:login") + "?" + urlencode({"next": request.get_full_path()})
        return {"state": "login", "url": login}
    if not has_level(user, service.min_level):
        return {"state": "level", "step": next_step(user)}
    kind = "individual" if user.kind == "civil_servant" else user.kind
    if not service.may_apply(kind):
        return {"state": "kind"}
    site = external.external_site(service)
    if site is not None:  # CAT-5: provided on a partner site, entered by single sign-on
        return {"state": "partner", "url": site.url, "site": site.name}
    try:  # the applications pages provide this route; until they exist, say so
        url = reverse("applications:start", kwargs={"slug": service.slug})
    except NoReverseMatch:
        return {"state": "soon"}
    return {"state": "ready", "url": url}


@require_GET
def detail_view(request, slug: str):
    """The service card (CAT-2); opening it puts the service into «Недавние» (CAT-3)."""
    try:
        service = selectors.published_service(slug)
    except NotFound as error:
        raise Http404(str(error)) from None
    is_favourite = False
    if request.user.is_authenticated:
        services.record_view(user=request.user, service=service)
        is_favourite = service.pk in selectors.favourite_ids_for(request.user)
    return render(
        request,
        "catalog/detail.html",
        {
            "service": service,
            "is_favourite": is_favourite,
            "action": _apply_action(request, service),
        },
    )


@login_required
@require_POST
def favourite_view(request, slug: str):
    """Add to or remove from favourites (POST); goes back to where the button was."""
    try:
        service = selectors.published_service(slug)
    except NotFound as error:
        raise Http404(str(error)) from None
    add = request.POST.get("action") != "remove"
    try:
        services.set_favourite(user=request.user, service=service, favourite=add)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Услуга добавлена в избранное.") if add else _("Услуга удалена из избранного."),
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("catalog:detail", kwargs={"slug": service.slug})
    return redirect(target)


@login_required
@require_GET
def favourites_view(request):
    context = _page(request, selectors.favourites_for(request.user))
    context["recent"] = selectors.recent_for(request.user)
    return render(request, "catalog/favourites.html", _with_flags(request, context))
