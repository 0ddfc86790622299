"""«Рабочие места» (/desk/): the desks the signed-in staff member may use."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gosportal.backoffice.desks import desks_for, may_enter
from gosportal.catalog.selectors import officer_of


@require_GET
@login_required
def home_view(request):
    if not may_enter(request.user):
        raise PermissionDenied
    context = {"desks": desks_for(request.user), "officer": officer_of(request.user)}
    return render(request, "backoffice/home.html", context)
