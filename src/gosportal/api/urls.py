"""REST API /api/v1 (MOB-2): thin routers over the apps' services and selectors."""

import datetime

from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.params import Query

from gosportal.api import errors
from gosportal.core import calendar
from gosportal.core.errors import InvalidInput

api = NinjaAPI(
    title="Gosportal API",
    version="1",
    urls_namespace="api-v1",
    docs_url=None,  # the interactive page loads assets from a CDN, which CSP forbids
)
errors.install(api)

MAX_WORKING_DAYS = 366


class DeadlineOut(Schema):
    start: datetime.date
    working_days: int
    deadline: datetime.date


class DeadlineIn(Schema):
    start: datetime.date
    working_days: int


@api.get(
    "/calendar/deadline",
    response={200: DeadlineOut, **errors.ERROR_RESPONSES},
    tags=["calendar"],
    auth=None,
)
def deadline(request, params: Query[DeadlineIn]):
    """The date a period of working days ends, by the Russian production calendar."""
    if not 0 <= params.working_days <= MAX_WORKING_DAYS:
        raise InvalidInput(
            _("Число рабочих дней должно быть от 0 до %(max)s.") % {"max": MAX_WORKING_DAYS},
            field="working_days",
        )
    try:
        end = calendar.add_working_days(params.start, params.working_days)
    except calendar.BeyondCalendar:
        raise InvalidInput(
            _("Срок выходит за пределы календаря: укажите более раннюю дату начала."),
            field="start",
        ) from None
    return DeadlineOut(start=params.start, working_days=params.working_days, deadline=end)
