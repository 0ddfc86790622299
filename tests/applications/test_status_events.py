"""NOT-5: a status change is a domain event (``applications.status_changed``) written in
the change's transaction; the notification centre subscribes to it. A rolled-back change
tells nobody; a committed one tells the applicant exactly once, however often the
outbox is drained, and its SMS leaves only after the outbox batch has committed."""

import pytest
from django.db import transaction

from gosportal.applications import services
from gosportal.applications.events import ApplicationEvent
from gosportal.applications.models import Application, Status
from gosportal.core import events
from gosportal.core.models import OutboxEvent
from gosportal.integrations.models import SandboxMessage
from gosportal.notifications import services as notifications
from gosportal.notifications.models import Delivery, Notification
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


@pytest.fixture
def working(submitted, agency):
    officer = OfficerFactory(agency=agency, role="officer")
    application = services.take_into_work(application=submitted, officer=officer)
    while events.drain():  # the submission's and the acceptance's notices
        pass
    return application, officer


def _clarifications(user) -> int:
    return Notification.objects.filter(user=user, event_type="clarification_requested").count()


def test_a_status_change_rolled_back_sends_nothing(working, citizen):
    application, officer = working
    before = OutboxEvent.objects.count()
    with pytest.raises(Rollback), transaction.atomic():
        services.request_clarification(
            application=application, officer=officer, comment="Приложите справку", days=3
        )
        assert OutboxEvent.objects.count() == before + 1  # in the change's transaction
        raise Rollback
    assert OutboxEvent.objects.count() == before
    assert Application.objects.get(pk=application.pk).status == Status.IN_PROGRESS
    events.drain()
    notifications.send_due()
    assert _clarifications(citizen) == 0
    assert not SandboxMessage.objects.filter(recipient=citizen.phone).exists()


def test_a_committed_status_change_tells_the_applicant_exactly_once(working, citizen):
    application, officer = working
    services.request_clarification(
        application=application, officer=officer, comment="Приложите справку", days=3
    )
    event = OutboxEvent.objects.get(
        name=ApplicationEvent.STATUS_CHANGED, payload__to_status=Status.CLARIFICATION
    )
    assert event.payload["applicant_id"] == citizen.pk
    assert event.processed_at is None
    sent_before = SandboxMessage.objects.filter(recipient=citizen.phone).count()

    events.drain()
    events.drain()
    OutboxEvent.objects.filter(pk=event.pk).update(processed_at=None)  # a redelivery
    events.drain()
    while notifications.send_due():
        pass

    [notice] = Notification.objects.filter(user=citizen, event_type="clarification_requested")
    assert notice.source_event_id == event.pk
    assert "Приложите справку" in notice.text
    sms = SandboxMessage.objects.filter(recipient=citizen.phone)
    assert sms.count() == sent_before + 1  # NOT-3: a request for clarification goes by SMS
    assert "просит уточнить заявление" in sms.order_by("-id").first().body
    assert Delivery.objects.get(notification=notice, channel="sms").status == "delivered"
