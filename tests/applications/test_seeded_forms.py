"""Every seeded service's application form opens for a person who may apply (APP-1)."""

import pytest
from django.urls import reverse

from gosportal.applications import services
from gosportal.catalog.models import Service
from gosportal.catalog.seed import load_catalog
from tests.conftest import sign_in_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_seeded_form_renders_and_refuses_an_empty_submission(client):
    load_catalog()
    user = UserFactory(level="confirmed")
    sign_in_as(client, user)
    checked = 0
    for service in Service.objects.filter(is_published=True, for_individuals=True):
        if service.availability != Service.Availability.AVAILABLE:
            continue
        draft = services.start_draft(user=user, service=service)
        url = reverse("applications:edit", kwargs={"ref": draft.ref})
        assert client.get(url).status_code == 200, service.slug
        required = any(
            f.get("required") for s in service.form_definition["sections"] for f in s["fields"]
        )
        response = client.post(url, {"action": "submit"})
        assert response.status_code == (400 if required else 302), service.slug
        checked += 1
    assert checked >= 25
