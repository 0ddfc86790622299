"""NOT-1: the inbox lists the user's own notifications with filters, read/unread marks and
an unread counter in the header; other users' notifications are never shown or touched."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gosportal.notifications.models import Notification
from tests.conftest import sign_in_as
from tests.factories import UserFactory
from tests.notifications.helpers import notification_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return UserFactory(email_confirmed=True)


@pytest.fixture
def signed_in(client, user):
    return sign_in_as(client, user)


def test_inbox_lists_own_notifications_newest_first(signed_in, user):
    notification_for(user, "document_ready", document="Справка о доходах")
    notification_for(user, "new_charge", what="Штраф ГИБДД", amount="500,00 ₽")
    notification_for(UserFactory(), "document_ready", document="Чужая справка")

    page = signed_in.get(reverse("notifications:inbox")).content.decode()

    assert page.index("Новое начисление: Штраф ГИБДД") < page.index("Документ готов: Справка")
    assert "Чужая справка" not in page


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_filter_by_unread_and_type(signed_in, user):
    read = notification_for(user, "document_ready", document="Прочитанная справка")
    signed_in.post(reverse("notifications:mark_read", args=[read.pk]))
    notification_for(user, "document_ready", document="Новая справка")
    notification_for(user, "new_charge", what="Штраф", amount="1 ₽")

    unread = signed_in.get(reverse("notifications:inbox"), {"unread": "on"}).content.decode()
    assert "Новая справка" in unread and "Штраф" in unread
    assert "Прочитанная справка" not in unread

    by_type = signed_in.get(reverse("notifications:inbox"), {"type": "new_charge"}).content.decode()
    assert "Штраф" in by_type and "справка" not in by_type


def test_unknown_filter_value_shows_the_whole_inbox(signed_in, user):
    notification_for(user, "document_ready", document="Справка")
    response = signed_in.get(reverse("notifications:inbox"), {"type": "<script>", "page": "x"})
    assert response.status_code == 200
    assert "Справка" in response.content.decode()


def test_mark_read_and_unread(signed_in, user):
    notification = notification_for(user)

    signed_in.post(reverse("notifications:mark_read", args=[notification.pk]))
    notification.refresh_from_db()
    assert notification.read_at is not None

    signed_in.post(reverse("notifications:mark_unread", args=[notification.pk]))
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read(signed_in, user):
    notification_for(user)
    notification_for(user)
    response = signed_in.post(reverse("notifications:mark_all_read"), follow=True)
    assert "Отмечено прочитанными: 2." in response.content.decode()
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()


def test_marking_another_users_notification_is_not_found(signed_in):
    other = notification_for(UserFactory())
    for name in ("notifications:mark_read", "notifications:mark_unread"):
        assert signed_in.post(reverse(name, args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_marking_needs_post(signed_in, user):
    notification = notification_for(user)
    response = signed_in.get(reverse("notifications:mark_read", args=[notification.pk]))
    assert response.status_code == 405


def test_header_shows_unread_count_with_one_query(signed_in, user):
    notification_for(user)
    notification_for(user)
    read = notification_for(user)
    signed_in.post(reverse("notifications:mark_read", args=[read.pk]))

    with CaptureQueriesContext(connection) as queries:
        page = signed_in.get(reverse("core:home")).content.decode()

    assert "data-notification-counter><span data-count>2</span>" in page
    counting = [q for q in queries.captured_queries if "notifications_notification" in q["sql"]]
    assert len(counting) == 1


def test_inbox_page_query_count_does_not_grow_with_rows(signed_in, user):
    notification_for(user)
    with CaptureQueriesContext(connection) as few:
        signed_in.get(reverse("notifications:inbox"))
    for _ in range(5):
        notification_for(user)
    with CaptureQueriesContext(connection) as many:
        signed_in.get(reverse("notifications:inbox"))
    assert len(many.captured_queries) == len(few.captured_queries)


def test_pager_splits_long_inbox(signed_in, user):
    for number in range(25):
        notification_for(user, "support_reply", ticket=str(1000 + number))
    first = signed_in.get(reverse("notifications:inbox")).content.decode()
    assert "№ 1024" in first and "№ 1004" not in first
    assert 'rel="next"' in first
    second = signed_in.get(reverse("notifications:inbox"), {"page": 2}).content.decode()
    assert "№ 1004" in second


def test_security_notice_lands_in_the_inbox_as_a_security_alert(signed_in, user):
    from gosportal.accounts.notices import send_security_notice
    from gosportal.core import events

    send_security_notice(user, subject="Пароль изменён", text="Ваш пароль изменён.")
    events.drain()

    notification = Notification.objects.get(user=user)
    assert notification.event_type == "security_alert"
    assert notification.title == "Пароль изменён"
    assert notification.link == "/accounts/security/"
    sent = {d.channel: d.status for d in notification.deliveries.all()}
    assert sent["sms"] == "delivered"  # sent at once by the centre, by the preferences
    assert "Пароль изменён" in signed_in.get(reverse("notifications:inbox")).content.decode()


def test_deleting_the_account_erases_its_notifications(user):
    from gosportal.accounts.deletion import delete_account
    from gosportal.notifications.models import Delivery

    notification_for(user)
    delete_account(user)
    assert not Notification.objects.filter(user=user).exists()
    assert not Delivery.objects.exists()


def test_notifications_are_in_the_data_export(user):
    from gosportal.notifications.services import export_notifications

    notification_for(user, "document_ready", document="Справка")
    [row] = export_notifications(user)
    assert row["title"] == "Документ готов: Справка"
    assert row["deliveries"][0]["channel"] == "email"
