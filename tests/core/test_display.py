"""PROF-6: every date on the portal is shown in the format and time zone the person chose."""

import datetime as dt

import pytest
import time_machine
from django.template import Context, Template

from gosportal.core import display
from tests.conftest import sign_in_as
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db]
MOMENT = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("fmt", "shown"),
    [("d.m.Y", "02.03.2026 12:30"), ("Y-m-d", "2026-03-02 12:30"), ("j E Y", "2 марта 2026 12:30")],
)
def test_the_sign_in_history_uses_the_chosen_date_format(client, fmt, shown):
    user = UserFactory(date_format=fmt, time_zone="Europe/Moscow")
    with time_machine.travel(MOMENT, tick=False):
        sign_in_as(client, user)
        body = client.get("/accounts/sessions/").content.decode()
    assert shown in body


def test_without_a_signed_in_person_dates_use_the_default_format():
    rendered = Template("{% load portal %}{{ day|user_date }}").render(
        Context({"day": dt.date(2026, 12, 31)})
    )
    assert rendered == "31.12.2026"


def test_a_format_set_for_a_block_is_undone_after_it():
    template = Template("{% load portal %}{{ day|user_date }}")
    with display.date_format_of("Y-m-d"):
        inside = template.render(Context({"day": dt.date(2026, 12, 31)}))
    outside = template.render(Context({"day": dt.date(2026, 12, 31)}))
    assert (inside, outside) == ("2026-12-31", "31.12.2026")


def test_my_data_shows_the_last_update_in_the_chosen_format(client):
    from gosportal.profiles.models import Profile

    user = UserFactory(date_format="Y-m-d", time_zone="Europe/Moscow")
    Profile.objects.create(user=user, last_name="Иванова", updated_at=MOMENT)
    sign_in_as(client, user)
    assert "2026-03-02 12:30" in client.get("/profile/").content.decode()
