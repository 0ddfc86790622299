"""Application templates with variables for personal data (APP-10)."""

import pytest
from django.urls import reverse

from gosportal.applications import services
from gosportal.applications.models import Application, ApplicationTemplate, Status
from gosportal.core.errors import Conflict, InvalidInput, NotFound
from gosportal.profiles.models import Profile
from tests.applications.conftest import VALID
from tests.conftest import sign_in_as

pytestmark = pytest.mark.django_db


def test_template_keeps_answers_and_turns_profile_data_into_variables(citizen, submitted):
    template = services.save_template(user=citizen, application=submitted, name="Паспорт")
    assert template.answers == {
        "last_name": "{{ last_name }}",
        "birth_date": "1990-02-01",
        "reason": "lost",
    }


def test_new_application_from_a_template_takes_the_current_profile(citizen, submitted):
    template = services.save_template(user=citizen, application=submitted, name="Паспорт")
    Profile.objects.create(user=citizen, last_name="Кузнецова")
    draft = services.start_from_template(user=citizen, template=template)
    assert draft.status == Status.DRAFT
    assert draft.answers == {"last_name": "Кузнецова", "birth_date": "1990-02-01", "reason": "lost"}


def test_template_names_are_required_and_unique_per_person(citizen, submitted):
    with pytest.raises(InvalidInput, match="Введите название"):
        services.save_template(user=citizen, application=submitted, name="  ")
    services.save_template(user=citizen, application=submitted, name="Паспорт")
    with pytest.raises(InvalidInput, match="уже есть"):
        services.save_template(user=citizen, application=submitted, name="Паспорт")


def test_template_does_not_overwrite_a_draft_with_answers(citizen, submitted, service):
    template = services.save_template(user=citizen, application=submitted, name="Паспорт")
    draft = services.start_draft(user=citizen, service=service)
    services.save_draft(application=draft, raw={"last_name": "Черновиков"})
    with pytest.raises(Conflict, match="уже есть черновик"):
        services.start_from_template(user=citizen, template=template)
    draft.refresh_from_db()
    assert draft.answers == {"last_name": "Черновиков"}


def test_another_persons_template_is_not_found(citizen, submitted, other_citizen):
    template = services.save_template(user=citizen, application=submitted, name="Паспорт")
    with pytest.raises(NotFound):
        services.start_from_template(user=other_citizen, template=template)
    with pytest.raises(NotFound):
        services.delete_template(user=other_citizen, template_id=template.pk)


def test_save_template_from_the_form_and_start_from_it(client, citizen, draft, service):
    sign_in_as(client, citizen)
    edit = reverse("applications:edit", kwargs={"ref": draft.ref})
    client.post(edit, {**VALID, "action": "template", "name": "Мой шаблон"})
    template = ApplicationTemplate.objects.get(user=citizen)
    assert template.answers["reason"] == "lost"
    draft.delete()
    start = reverse("applications:start", kwargs={"slug": service.slug})
    assert "Мой шаблон" in client.get(start).content.decode()
    response = client.post(start, {"template": template.pk})
    new = Application.objects.get(applicant=citizen, status=Status.DRAFT)
    assert response["Location"] == reverse("applications:edit", kwargs={"ref": new.ref})
    assert new.answers["reason"] == "lost"


def test_save_template_without_a_name_shows_the_error_and_keeps_input(client, citizen, draft):
    sign_in_as(client, citizen)
    edit = reverse("applications:edit", kwargs={"ref": draft.ref})
    response = client.post(edit, {**VALID, "action": "template", "name": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Введите название шаблона." in page and 'value="Петров"' in page
    assert not ApplicationTemplate.objects.exists()


def test_templates_page_lists_and_deletes_only_own(client, citizen, submitted, other_citizen):
    template = services.save_template(user=citizen, application=submitted, name="Паспорт")
    url = reverse("applications:templates")
    sign_in_as(client, other_citizen)
    assert "Паспорт" not in client.get(url).content.decode().split("<main")[1]
    assert client.post(url, {"delete": template.pk}).status_code == 404
    assert client.post(url, {"delete": "x"}).status_code == 404
    assert (
        client.post(
            reverse("applications:start", kwargs={"slug": submitted.service.slug}),
            {"template": template.pk},
        ).status_code
        == 404
    )
    assert ApplicationTemplate.objects.filter(pk=template.pk).exists()


def test_owner_deletes_a_template(client, citizen, submitted):
    template = services.save_template(user=citizen, application=submitted, name="Паспорт")
    sign_in_as(client, citizen)
    client.post(reverse("applications:templates"), {"delete": template.pk})
    assert not ApplicationTemplate.objects.exists()


def test_templates_page_needs_sign_in(client):
    response = client.get(reverse("applications:templates"))
    assert response.status_code == 302 and "/accounts/" in response["Location"]
