"""Management commands: demo data, scheduler."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from gosportal.accounts.models import User
from gosportal.accounts.selectors import user_by_login
from gosportal.core.schedule import Job, Scheduler
from gosportal.demo.management.commands.load_demo import DEMO_ACCOUNTS, DEMO_OFFICERS
from tests.accounts.test_mfa import sms_code

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=True)
def test_load_demo_is_idempotent_and_the_admin_can_sign_in(client):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    assert User.objects.count() == len(DEMO_ACCOUNTS) + len(DEMO_OFFICERS)
    admin = user_by_login("admin@gosportal.local")
    assert admin.is_superuser and admin.check_password("Gosportal-Admin-2026!")
    response = client.post(
        "/accounts/login/", {"login": "+7 999 000-00-01", "password": "Gosportal-Admin-2026!"}
    )
    assert user_by_login("112-233-445 95") == user_by_login("ivan.petrov@example.ru")
    # Staff never sign in on a password alone: the demo admin has SMS codes.
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/second-factor/")
    second = "/accounts/login/second-factor/"
    # A minute on: the code load_demo issued to enrol the phone no longer holds back a new one.
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert client.post(second, {"method": "sms", "action": "send"}).status_code == 302
        response = client.post(second, {"method": "sms", "code": sms_code(admin.phone)})
        assert response.status_code == 302
        assert client.get("/admin/").status_code == 200


@override_settings(DEBUG=False)
def test_load_demo_refuses_to_plant_known_passwords_in_production():
    with pytest.raises(CommandError):
        call_command("load_demo", verbosity=0)
    assert not User.objects.exists()


def test_scheduler_enqueues_due_jobs_once_per_interval():
    scheduler = Scheduler([Job("gosportal.core.tasks.drain_outbox", every_seconds=30)])
    assert scheduler.tick(now=1000.0) == ["gosportal.core.tasks.drain_outbox"]
    assert scheduler.tick(now=1029.0) == []
    assert scheduler.tick(now=1030.0) == ["gosportal.core.tasks.drain_outbox"]
    assert DBTaskResult.objects.count() == 2


def test_run_scheduler_once_enqueues_the_outbox_drain(run_tasks):
    call_command("run_scheduler", "--once", verbosity=0)
    assert DBTaskResult.objects.filter(task_path="gosportal.core.tasks.drain_outbox").count() == 1
    run_tasks()
    assert {r.task_path: r.status for r in DBTaskResult.objects.all()} == {
        "gosportal.core.tasks.drain_outbox": "SUCCESSFUL",
        "gosportal.core.tasks.seal_audit": "SUCCESSFUL",
        "gosportal.core.tasks.purge_outbox": "SUCCESSFUL",
        "gosportal.profiles.tasks.send_data_reminders": "SUCCESSFUL",
        "gosportal.identity.tasks.expire_remote_checks": "SUCCESSFUL",
        "gosportal.applications.tasks.send_deadline_reminders": "SUCCESSFUL",
        "gosportal.partners.tasks.purge_expired_grants": "SUCCESSFUL",
        "gosportal.notifications.tasks.send_deliveries": "SUCCESSFUL",
        "gosportal.notifications.tasks.send_digests": "SUCCESSFUL",
        "gosportal.signatures.tasks.notify_expiring_certificates": "SUCCESSFUL",
    }
