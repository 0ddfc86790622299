"""Pages of «Организации»: the person's entrepreneurs, adding one, acting for it (REG-5)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gosportal.accounts.levels import has_level, next_step, requires_level
from gosportal.accounts.models import User
from gosportal.accounts.reauth import reauth_required
from gosportal.core.errors import DomainError, NotFound, add_to_form
from gosportal.organizations import acting, services
from gosportal.organizations.forms import EntrepreneurForm
from gosportal.organizations.selectors import (
    acting_organization,
    organization_for,
    organizations_of,
)


def _obstacle(user: User) -> dict | None:
    """Why ``user`` may not add an entrepreneur yet, with the next step; None if they may."""
    if user.kind == User.Kind.CIVIL_SERVANT:
        try:
            services.check_can_register(user)
        except DomainError as error:
            return {"text": str(error.message), "step": {}}
    if not has_level(user, User.Level.CONFIRMED):
        return {
            "text": _("Добавить предпринимателя можно с подтверждённой учётной записью."),
            "step": next_step(user),
        }
    try:
        services.check_can_register(user)
    except services.InnMissing as error:
        return {
            "text": str(error.message),
            "step": {"url": reverse("profiles:edit"), "label": _("Указать ИНН в «Мои данные»")},
        }
    except services.InnNotConfirmed as error:
        return {
            "text": str(error.message),
            "step": {"url": reverse("profiles:my_data"), "label": _("Посмотреть проверку данных")},
        }
    return None


@login_required
@require_GET
def index_view(request):
    organizations = list(organizations_of(request.user))
    acting.remember_menu(request.session, organizations)  # the menu follows what is shown
    context = {
        "organizations": organizations,
        "obstacle": _obstacle(request.user),
        "form": EntrepreneurForm(),
    }
    return render(request, "organizations/index.html", context)


@requires_level(User.Level.CONFIRMED)
@reauth_required
@require_http_methods(["GET", "POST"])
def new_entrepreneur_view(request):
    obstacle = _obstacle(request.user)
    form = EntrepreneurForm(data=request.POST or None)
    if obstacle is None and request.method == "POST" and form.is_valid():
        try:
            organization = services.register_entrepreneur(
                user=request.user, ogrnip=form.cleaned_data["ogrnip"]
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            acting.refresh_menu(request)
            messages.success(
                request,
                _("%(name)s добавлен. Чтобы действовать от его имени, выберите «Войти как ИП».")
                % {"name": organization.full_name},
            )
            return redirect("organizations:detail", public_id=organization.public_id)
    context = {"form": form, "obstacle": obstacle}
    return render(request, "organizations/new_entrepreneur.html", context)


@login_required
@require_GET
def detail_view(request, public_id):
    organization = organization_for(request.user, public_id)
    if organization is None:
        raise Http404
    context = {
        "organization": organization,
        "acting": acting_organization(request) == organization,
    }
    return render(request, "organizations/detail.html", context)


@login_required
@require_POST
def act_view(request, public_id):
    try:
        organization = acting.act_as(request, public_id=public_id)
    except NotFound as error:
        raise Http404 from error
    messages.success(request, _("Вы действуете от имени: %(name)s.") % {"name": organization})
    return redirect("organizations:detail", public_id=organization.public_id)


@login_required
@require_POST
def act_as_myself_view(request):
    acting.act_as_myself(request)
    messages.success(request, _("Вы снова действуете от своего имени."))
    return redirect("organizations:index")
