"""The production calendar: weekends, statutory holidays (Labour Code art. 112) and the
Government's transfers of days off decide every deadline counted in working days."""

from datetime import date

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gosportal.core import audit
from gosportal.core.calendar import (
    BeyondCalendar,
    add_working_days,
    is_working_day,
    next_working_day,
    working_days_between,
)
from gosportal.core.models import AuditEvent, CalendarDay, OutboxEvent
from tests.conftest import sign_in_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    user = UserFactory()
    user.is_staff = True
    user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


@pytest.fixture
def admin_client(client, superuser):
    return sign_in_as(client, superuser)


# -- The rule ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 1),  # Thursday, New Year
        date(2026, 1, 7),  # Wednesday, Christmas
        date(2026, 1, 8),  # Thursday, New Year holidays
        date(2026, 2, 23),  # Monday, Defender of the Fatherland Day
        date(2027, 3, 8),  # Monday, International Women's Day
        date(2026, 5, 1),  # Friday, Spring and Labour Day
        date(2025, 5, 9),  # Friday, Victory Day
        date(2026, 6, 12),  # Friday, Russia Day
        date(2026, 11, 4),  # Wednesday, Unity Day
    ],
)
def test_statutory_holiday_on_a_weekday_is_not_a_working_day(day):
    assert day.weekday() < 5
    assert not is_working_day(day)


@pytest.mark.parametrize("day", [date(2025, 6, 14), date(2026, 3, 1)])
def test_saturday_and_sunday_are_not_working_days(day):
    assert not is_working_day(day)


def test_ordinary_weekday_is_a_working_day():
    assert is_working_day(date(2026, 3, 10))


# -- The decrees seeded by migration ---------------------------------------------------


def test_saturday_1_november_2025_is_a_working_day_by_decree():
    assert is_working_day(date(2025, 11, 1))


def test_friday_2_may_2025_is_a_day_off_by_decree():
    assert not is_working_day(date(2025, 5, 2))


def test_31_december_2026_is_a_day_off_by_decree():
    assert not is_working_day(date(2026, 12, 31))


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 5, 8),
        date(2025, 6, 13),
        date(2025, 11, 3),
        date(2025, 12, 31),
        date(2026, 1, 9),
        date(2026, 3, 9),
        date(2026, 5, 11),
    ],
)
def test_other_transferred_days_off_are_not_working_days(day):
    assert not is_working_day(day)


def test_every_seeded_row_names_its_legal_ground():
    assert CalendarDay.objects.filter(name="").count() == 0
    assert CalendarDay.objects.filter(date__year__in=[2025, 2026]).count() == 10


# -- Arithmetic ---------------------------------------------------------------------


def test_three_working_days_from_29_december_2025_end_on_13_january_2026():
    # 30 Dec (1); 31 Dec decree; 1–8 Jan holidays; 9 Jan decree; 10–11 weekend;
    # 12 Jan (2); 13 Jan (3).
    assert add_working_days(date(2025, 12, 29), 3) == date(2026, 1, 13)


def test_four_working_days_from_30_april_2025_skip_both_may_breaks():
    # 1 May holiday; 2 May decree; 3–4 weekend; 5, 6, 7 May (1–3); 8 May decree;
    # 9 May holiday; 10–11 weekend; 12 May (4).
    assert add_working_days(date(2025, 4, 30), 4) == date(2025, 5, 12)


def test_one_working_day_after_friday_is_monday():
    assert add_working_days(date(2026, 3, 13), 1) == date(2026, 3, 16)


def test_working_days_between_counts_the_end_but_not_the_start():
    assert working_days_between(date(2025, 12, 29), date(2026, 1, 13)) == 3
    assert working_days_between(date(2026, 3, 10), date(2026, 3, 10)) == 0


def test_working_days_between_refuses_an_end_before_the_start():
    with pytest.raises(ValueError):
        working_days_between(date(2026, 3, 10), date(2026, 3, 9))


def test_zero_working_days_from_a_working_day_is_that_day():
    assert add_working_days(date(2025, 12, 30), 0) == date(2025, 12, 30)


def test_zero_working_days_from_a_day_off_is_the_next_working_day():
    assert add_working_days(date(2026, 1, 1), 0) == date(2026, 1, 12)


def test_negative_working_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 3, 10), -1)


def test_next_working_day_is_strictly_after_the_day():
    assert next_working_day(date(2026, 3, 10)) == date(2026, 3, 11)
    assert next_working_day(date(2025, 12, 30)) == date(2026, 1, 12)


def test_sixty_working_days_across_new_year_take_at_most_two_queries(
    django_assert_max_num_queries,
):
    with django_assert_max_num_queries(2):
        result = add_working_days(date(2025, 12, 1), 60)
    assert working_days_between(date(2025, 12, 1), result) == 60


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    start=st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31)),
    days=st.integers(min_value=0, max_value=40),
)
def test_adding_working_days_lands_on_a_working_day_that_far_away(start, days):
    result = add_working_days(start, days)
    assert is_working_day(result)
    assert result >= start
    if days > 0:
        assert working_days_between(start, result) == days


# -- Editing in the admin ---------------------------------------------------------------


def test_day_off_added_in_admin_takes_effect_on_the_next_call(admin_client):
    friday = date(2026, 2, 20)
    assert is_working_day(friday)  # read, and cached, before the change

    response = admin_client.post(
        reverse("admin:core_calendarday_add"),
        {"date": "2026-02-20", "name": "Перенос выходного дня (проверка)"},
    )

    assert response.status_code == 302
    assert not is_working_day(friday)
    assert AuditEvent.objects.filter(
        action="core.calendar_day_saved", object_id="2026-02-20"
    ).exists()


def test_working_saturday_changed_in_admin_takes_effect_on_the_next_call(admin_client):
    saturday = date(2025, 11, 1)
    assert is_working_day(saturday)
    row = CalendarDay.objects.get(date=saturday)

    response = admin_client.post(
        reverse("admin:core_calendarday_change", args=[row.pk]),
        {"date": "2025-11-01", "name": row.name},  # "is_working" unticked
    )

    assert response.status_code == 302
    assert not is_working_day(saturday)


def test_rows_deleted_in_bulk_in_admin_take_effect_on_the_next_call(admin_client):
    thursday = date(2026, 12, 31)
    assert not is_working_day(thursday)
    row = CalendarDay.objects.get(date=thursday)

    response = admin_client.post(
        reverse("admin:core_calendarday_changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not CalendarDay.objects.filter(pk=row.pk).exists()
    assert is_working_day(thursday)
    assert AuditEvent.objects.filter(
        action="core.calendar_day_deleted", object_id="2026-12-31"
    ).exists()


# -- Admin access -------------------------------------------------------------------

ADMIN_LISTS = [
    "admin:core_calendarday_changelist",
    "admin:core_outboxevent_changelist",
    "admin:core_auditevent_changelist",
]


@pytest.mark.parametrize("url_name", ADMIN_LISTS)
@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("citizen", 302), ("staff_without_rights", 403), ("superuser", 200)],
)
def test_kernel_admin_lists_are_for_authorised_staff_only(client, url_name, who, expected):
    if who != "anonymous":
        user = UserFactory()
        user.is_staff = who != "citizen"
        user.is_superuser = who == "superuser"
        user.save(update_fields=["is_staff", "is_superuser"])
        sign_in_as(client, user)

    response = client.get(reverse(url_name))

    assert response.status_code == expected


@pytest.fixture
def journal_rows():
    OutboxEvent.objects.create(name="test.admin", payload={"n": 1})
    audit.record("test.admin", object_type="test", object_id="42")


@pytest.mark.parametrize("model", ["outboxevent", "auditevent"])
def test_superuser_sees_outbox_and_audit_lists(admin_client, journal_rows, model):
    response = admin_client.get(reverse(f"admin:core_{model}_changelist"))

    assert response.status_code == 200
    assert "test.admin" in response.content.decode()


@pytest.mark.parametrize("model", ["outboxevent", "auditevent"])
def test_outbox_and_audit_refuse_adding_rows_even_to_a_superuser(admin_client, model):
    response = admin_client.get(reverse(f"admin:core_{model}_add"))

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("model", "lookup"),
    [(OutboxEvent, {"name": "test.admin"}), (AuditEvent, {"action": "test.admin"})],
)
def test_outbox_and_audit_refuse_deleting_rows_even_to_a_superuser(
    admin_client, journal_rows, model, lookup
):
    row = model.objects.get(**lookup)

    response = admin_client.post(
        reverse(f"admin:core_{model._meta.model_name}_delete", args=[row.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert model.objects.filter(pk=row.pk).exists()


def test_audit_row_opens_read_only_for_a_superuser(admin_client, journal_rows):
    row = AuditEvent.objects.get(action="test.admin")

    response = admin_client.post(
        reverse("admin:core_auditevent_change", args=[row.pk]), {"action": "forged"}
    )

    assert response.status_code == 403
    row.refresh_from_db()
    assert row.action == "test.admin"


def test_working_days_up_to_the_last_date_there_is():
    # 9999-12-31 is a Friday: reading ahead of it must not overflow.
    assert add_working_days(date(9999, 12, 29), 2) == date(9999, 12, 31)
    assert working_days_between(date(9999, 12, 31), date(9999, 12, 31)) == 0
    assert working_days_between(date(9999, 12, 30), date(9999, 12, 31)) == 1


@pytest.mark.parametrize(("start", "days"), [(date(9999, 12, 31), 1), (date(9999, 12, 1), 366)])
def test_a_deadline_past_the_last_date_is_refused_by_name(start, days):
    with pytest.raises(BeyondCalendar):
        add_working_days(start, days)
