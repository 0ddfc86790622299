"""NOT-3: every event type has a Russian template per channel, editable in the admin with
a preview; a template that does not render is refused."""

import pytest
from django.urls import reverse

from gosportal.notifications.models import NotificationTemplate
from gosportal.notifications.rendering import check_template, render
from gosportal.notifications.types import EVENT_TYPES, Channel

pytestmark = pytest.mark.django_db


def test_every_type_has_a_template_per_channel_that_renders_its_sample():
    for key, etype in EVENT_TYPES.items():
        for channel in Channel.values:
            template = NotificationTemplate.objects.get(event_type=key, channel=channel)
            rendered = check_template(template, etype.sample)
            assert rendered.body, (key, channel)
            assert "{{" not in rendered.body


def test_html_email_escapes_payload_values():
    template = NotificationTemplate.objects.get(event_type="document_ready", channel="email")
    rendered = render(template, {"document": "<script>x</script>", "url": "/"})
    assert "&lt;script&gt;" in rendered.html_body
    assert "<script>x</script>" in rendered.body  # the plain text part is not HTML


def change_url(template) -> str:
    return reverse("admin:notifications_notificationtemplate_change", args=[template.pk])


def test_admin_edits_a_template_and_the_version_grows(admin_client):
    template = NotificationTemplate.objects.get(event_type="document_ready", channel="sms")
    response = admin_client.post(
        change_url(template),
        {"subject": "", "body": "Готов документ «{{ document }}».", "html_body": "", "link": ""},
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.body == "Готов документ «{{ document }}»."
    assert template.version == 2


def test_admin_refuses_a_template_that_does_not_render(admin_client):
    template = NotificationTemplate.objects.get(event_type="document_ready", channel="sms")
    response = admin_client.post(
        change_url(template),
        {"subject": "", "body": "Готов {% if %}", "html_body": "", "link": ""},
    )
    assert response.status_code == 200
    assert "Шаблон не разбирается" in response.content.decode()
    template.refresh_from_db()
    assert template.version == 1


def test_admin_refuses_a_too_long_sms(admin_client):
    template = NotificationTemplate.objects.get(event_type="document_ready", channel="sms")
    response = admin_client.post(
        change_url(template), {"subject": "", "body": "я" * 700, "html_body": "", "link": ""}
    )
    assert "Текст SMS длиннее 670 знаков." in response.content.decode()


def test_admin_preview_renders_the_sample(admin_client):
    template = NotificationTemplate.objects.get(event_type="new_charge", channel="email")
    url = reverse("admin:notifications_notificationtemplate_preview", args=[template.pk])
    page = admin_client.get(url).content.decode()
    assert "Новое начисление: Штраф ГИБДД" in page
    assert "500,00 ₽" in page


def test_preview_is_for_staff_only(client):
    from tests.conftest import sign_in_as
    from tests.factories import UserFactory

    sign_in_as(client, UserFactory())
    template = NotificationTemplate.objects.first()
    url = reverse("admin:notifications_notificationtemplate_preview", args=[template.pk])
    assert client.get(url).status_code == 302
