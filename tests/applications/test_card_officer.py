"""APP-6: the application card names the responsible officer — name and position — once
one is assigned, and only while they still serve the application's agency."""

import pytest

from gosportal.applications import services
from gosportal.profiles.models import Profile
from tests.applications.conftest import PASSPORT_COPY, documents, form_definition, pdf
from tests.conftest import sign_in_as
from tests.factories import AgencyFactory, OfficerFactory, ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def application():
    agency = AgencyFactory(slug="minsoc")
    service = ServiceFactory(
        agency=agency,
        form_definition=form_definition(),
        required_documents=documents(),
        min_level="standard",
    )
    citizen = UserFactory(level="standard")
    draft = services.start_draft(user=citizen, service=service)
    services.add_attachment(application=draft, document=PASSPORT_COPY, upload=pdf())
    answers = {"last_name": "Петров", "birth_date": "1990-02-01", "reason": "lost"}
    return services.submit(application=draft, answers=answers, actor=citizen)


def _card(client, application) -> str:
    sign_in_as(client, application.applicant)
    response = client.get(f"/applications/{application.number}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_card_says_nobody_is_assigned_yet(client, application):
    assert "ещё не назначен" in _card(client, application)


def test_the_card_names_the_assigned_officer_and_position(client, application):
    officer = OfficerFactory(
        agency=application.agency, role="officer", position="Главный специалист"
    )
    Profile.objects.create(
        user=officer.user, last_name="Волков", first_name="Сергей", middle_name="Игоревич"
    )
    services.take_into_work(application=application, officer=officer)
    assert "Волков Сергей Игоревич, Главный специалист" in _card(client, application)


def test_an_officer_who_left_is_not_named(client, application):
    officer = OfficerFactory(agency=application.agency, role="officer", position="Специалист")
    Profile.objects.create(user=officer.user, last_name="Волков", first_name="Сергей")
    services.take_into_work(application=application, officer=officer)
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    page = _card(client, application)
    assert "Волков" not in page
    assert "назначен" in page


def test_answers_are_shown_with_labels_and_readable_values():
    from gosportal.applications.selectors import labelled_answers

    definition = {
        "sections": [
            {
                "title": "Заявитель",
                "fields": [
                    {"key": "snils", "type": "snils", "label": "СНИЛС"},
                    {"key": "born", "type": "date", "label": "Дата рождения"},
                    {"key": "agree", "type": "checkbox", "label": "Согласие"},
                    {"key": "missing", "type": "text", "label": "Не заполнено"},
                ],
            }
        ]
    }
    answers = {"snils": "11223344595", "born": "1990-02-01", "agree": True}
    assert labelled_answers(definition, answers) == [
        {
            "title": "Заявитель",
            "rows": [
                {"label": "СНИЛС", "value": "112-233-445 95"},
                {"label": "Дата рождения", "value": "01.02.1990"},
                {"label": "Согласие", "value": "да"},
            ],
        }
    ]
