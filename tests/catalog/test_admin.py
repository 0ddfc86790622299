"""Services are edited in the administration without a deploy (CAT-4): the form
definition is checked on save with Russian errors naming the path, and a preview shows
the application form read-only."""

import json

import pytest
from django.urls import reverse

from gosportal.catalog import search, selectors
from gosportal.catalog.models import Service
from tests.conftest import sign_in_as
from tests.factories import ServiceFactory, UserFactory, simple_form_definition

pytestmark = pytest.mark.django_db


def post_data(service, **overrides):
    data = {
        "agency": service.agency_id,
        "category": service.category_id,
        "slug": service.slug,
        "title": service.title,
        "short_description": service.short_description,
        "description": service.description,
        "result_description": service.result_description,
        "required_documents": json.dumps(service.required_documents),
        "fee_kopecks": service.fee_kopecks,
        "fee_note": "",
        "processing_days": service.processing_days,
        "min_level": service.min_level,
        "for_individuals": "on",
        "service_type": service.service_type,
        "availability": service.availability,
        "availability_message": "",
        "region_code": service.region_code,
        "cancellation_policy": service.cancellation_policy,
        "cancellation_note": service.cancellation_note,
        "form_definition": json.dumps(service.form_definition, ensure_ascii=False),
        "is_published": "on",
    }
    data.update(overrides)
    return data


def change_url(service):
    return reverse("admin:catalog_service_change", args=[service.pk])


def test_admin_saves_a_service_and_search_follows(admin_client):
    service = ServiceFactory(title="Старое название")
    response = admin_client.post(change_url(service), post_data(service, title="Выдача справки"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Service.objects.get(pk=service.pk).title == "Выдача справки"
    assert [s.pk for s in search.search(selectors.published_services(), "справку")] == [service.pk]


def test_admin_refuses_a_bad_definition_naming_the_path(admin_client):
    service = ServiceFactory()
    definition = simple_form_definition()
    definition["sections"][0]["fields"][0]["type"] = "colour"
    response = admin_client.post(
        change_url(service),
        post_data(service, form_definition=json.dumps(definition, ensure_ascii=False)),
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Описание формы содержит ошибки" in content
    assert "sections[0].fields[0].type" in content
    assert Service.objects.get(pk=service.pk).form_definition == simple_form_definition()


def test_admin_refuses_a_file_field_for_an_unknown_document(admin_client):
    service = ServiceFactory()
    definition = simple_form_definition()
    definition["sections"][0]["fields"].append(
        {"key": "scan", "type": "file", "label": "Скан", "document": "Справка"}
    )
    response = admin_client.post(
        change_url(service),
        post_data(service, form_definition=json.dumps(definition, ensure_ascii=False)),
    )
    assert "документа «Справка» нет в списке документов услуги" in response.content.decode()


def test_admin_refuses_an_unavailable_service_without_an_explanation(admin_client):
    service = ServiceFactory()
    response = admin_client.post(
        change_url(service), post_data(service, availability="unavailable")
    )
    assert "объясните, почему услуга недоступна" in response.content.decode()


def test_preview_renders_the_form_read_only_with_prefill(admin_client, admin_user):
    from gosportal.profiles.models import Profile

    Profile.objects.update_or_create(user=admin_user, defaults={"last_name": "Админова"})
    service = ServiceFactory(title="Услуга для предпросмотра")
    response = admin_client.get(reverse("admin:catalog_service_preview", args=[service.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Предпросмотр формы: Услуга для предпросмотра" in content
    assert "Сведения о заявителе" in content
    assert 'value="Админова"' in content
    assert "disabled" in content


def test_preview_of_a_broken_stored_definition_lists_the_errors(admin_client):
    service = ServiceFactory()
    Service.objects.filter(pk=service.pk).update(form_definition={"version": 2})
    response = admin_client.get(reverse("admin:catalog_service_preview", args=[service.pk]))
    assert response.status_code == 200
    assert "version: должно быть 1" in response.content.decode()


def test_preview_is_for_staff_only(client):
    service = ServiceFactory()
    sign_in_as(client, UserFactory())
    response = client.get(reverse("admin:catalog_service_preview", args=[service.pk]))
    assert response.status_code == 302
    assert "Предпросмотр" not in response.content.decode()


def test_admin_sets_a_cancellation_policy_and_demands_its_explanation(admin_client):
    """APP-8 as a workflow option (CAT-4): «never once submitted» needs a note."""
    service = ServiceFactory()
    refused = admin_client.post(
        change_url(service), post_data(service, cancellation_policy="never")
    )
    assert "почему поданное заявление нельзя отменить" in refused.content.decode()
    note = "Документы на регистрацию не отзываются."
    response = admin_client.post(
        change_url(service),
        post_data(service, cancellation_policy="never", cancellation_note=note),
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.cancellation_policy, service.cancellation_note) == ("never", note)
