"""The result of an application (OFF-3, DOC-3, APP-4): approving signs a decision with the
agency's own certificate and nothing else; the applicant downloads and verifies it from
the card; afterwards the officer marks the paper result ready to collect and completes
the application."""

import datetime
import time

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from gosportal.accounts.reauth import SESSION_KEY
from gosportal.applications import services
from gosportal.applications.models import Status
from gosportal.backoffice.results import RESULT_TEMPLATE, result_context
from gosportal.core.models import AuditEvent
from gosportal.documents.models import IssuedDocument
from gosportal.documents.services import verify_upload
from gosportal.profiles.models import Profile
from tests.applications.conftest import PASSPORT_COPY, documents, form_definition, pdf
from tests.conftest import sign_in_as
from tests.factories import (
    AgencyFactory,
    OfficerFactory,
    ServiceFactory,
    UserFactory,
    give_signing_certificate,
)
from tests.notifications.helpers import told

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 2, 7, 0, tzinfo=datetime.UTC)  # Monday, 10:00 in Moscow


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def agency():
    return AgencyFactory(
        slug="minsoc", full_name="Министерство социального развития Тульской области"
    )


@pytest.fixture
def service(agency):
    return ServiceFactory(
        agency=agency,
        title="Субсидия на оплату жилья",
        result_description="Субсидия перечисляется ежемесячно на счёт заявителя.",
        form_definition=form_definition(),
        required_documents=documents(),
        processing_days=5,
        min_level="standard",
    )


@pytest.fixture
def citizen():
    user = UserFactory(level="standard", display_name="Иван Петров")
    Profile.objects.create(
        user=user, last_name="Петров", first_name="Иван", middle_name="Сергеевич"
    )
    return user


@pytest.fixture
def officer(agency):
    officer = OfficerFactory(agency=agency, role="officer", position="Главный специалист")
    Profile.objects.create(
        user=officer.user, last_name="Волков", first_name="Сергей", middle_name="Андреевич"
    )
    return officer


def _submit(citizen, service):
    draft = services.start_draft(user=citizen, service=service)
    services.add_attachment(application=draft, document=PASSPORT_COPY, upload=pdf())
    answers = {"last_name": "Петров", "birth_date": "1990-02-01", "reason": "lost"}
    return services.submit(application=draft, answers=answers, actor=citizen)


@pytest.fixture
def working(citizen, service, officer):
    application = _submit(citizen, service)
    return services.take_into_work(application=application, officer=officer)


def _approve(client, officer, application, comment="", *, signed_in=False):
    if not signed_in:
        sign_in_as(client, officer.user)
    return client.post(
        f"/desk/applications/{application.number}/approve/", {"comment": comment}, follow=True
    )


@pytest.fixture
def approved(client, officer, working):
    give_signing_certificate(officer.agency)
    _approve(client, officer, working)
    working.refresh_from_db()
    assert working.status == Status.APPROVED
    return working


# --- approving needs the agency's own certificate -------------------------------------


def test_without_its_own_certificate_the_agency_cannot_approve(client, officer, working, citizen):
    give_signing_certificate(AgencyFactory())  # another agency's: never used for ours
    response = _approve(client, officer, working)
    text = response.content.decode()
    assert "нет действующего сертификата" in text
    assert "Попросите администратора ведомства" in text
    working.refresh_from_db()
    assert working.status == Status.IN_PROGRESS
    assert not IssuedDocument.objects.filter(owner=citizen).exists()


def test_the_page_warns_before_approving_without_a_certificate(client, officer, working):
    sign_in_as(client, officer.user)
    text = client.get(f"/desk/applications/{working.number}/").content.decode()
    assert "нет действующего сертификата электронной подписи" in text
    give_signing_certificate(officer.agency)
    text = client.get(f"/desk/applications/{working.number}/").content.decode()
    assert "нет действующего сертификата электронной подписи" not in text


def test_a_revoked_certificate_does_not_sign(client, officer, working, citizen):
    from gosportal.signatures.services import revoke_signing_certificate

    revoke_signing_certificate(certificate=give_signing_certificate(officer.agency))
    response = _approve(client, officer, working)
    assert "нет действующего сертификата" in response.content.decode()
    working.refresh_from_db()
    assert working.status == Status.IN_PROGRESS


def test_approval_signs_the_decision_with_the_agencys_certificate(
    client, officer, working, citizen
):
    certificate = give_signing_certificate(officer.agency)
    response = _approve(client, officer, working, comment="Выплата начнётся с апреля.")
    document = IssuedDocument.objects.get(owner=citizen)
    assert f"выдан документ № {document.number}" in response.content.decode()
    assert document.certificate == certificate
    assert document.certificate.issuer_code == "agency-minsoc"
    assert document.issuer_name == "Министерство социального развития Тульской области"
    assert document.reference == working.number
    change = working.changes.last()
    assert change.to_status == Status.APPROVED and change.comment == "Выплата начнётся с апреля."
    [ready] = told(citizen.pk, "document_ready")
    assert document.title in ready.title


def test_the_signed_decision_verifies_as_authentic(client, approved, citizen):
    from gosportal.documents.services import document_file

    document, content = document_file(user=citizen, number=IssuedDocument.objects.get().number)
    check = verify_upload(SimpleUploadedFile("решение.pdf", content))
    assert check.authentic and check.document == document


def test_a_too_long_approval_comment_is_refused_and_kept(client, officer, working):
    give_signing_certificate(officer.agency)
    sign_in_as(client, officer.user)
    response = client.post(f"/desk/applications/{working.number}/approve/", {"comment": "Я" * 2001})
    assert response.status_code == 400
    assert "Комментарий к решению: не больше 2000 символов." in response.content.decode()
    working.refresh_from_db()
    assert working.status == Status.IN_PROGRESS


def test_the_decision_names_agency_applicant_service_officer_and_signature(officer, working):
    from gosportal.core import pdf

    certificate = give_signing_certificate(officer.agency)
    services.approve(application=working, officer=officer)
    working.refresh_from_db()
    document = {
        "number": "DOC-2026-000042",
        "title": "Решение",
        "issued_at": NOW,
        "issuer_name": certificate.issuer_name,
        "verify_url": "http://127.0.0.1:8000/verify/DOC-2026-000042/",
        "qr": pdf.qr_data_uri("http://127.0.0.1:8000/verify/DOC-2026-000042/"),
        "certificate_serial": certificate.serial,
        "certificate_valid_from": certificate.valid_from,
        "certificate_valid_to": certificate.valid_to,
    }
    context = result_context(working, officer=officer, comment="Выплата начнётся с апреля.")
    html = render_to_string(RESULT_TEMPLATE, {**context, "document": document})
    for expected in (
        "Министерство социального развития Тульской области",
        "Решение о предоставлении государственной услуги",
        "№ DOC-2026-000042",
        "от 02.03.2026",
        "Петров Иван Сергеевич",
        "Субсидия на оплату жилья",
        f"№ {working.number} от 02.03.2026",
        "принято решение предоставить государственную услугу",
        "Субсидия перечисляется ежемесячно",
        "Выплата начнётся с апреля.",
        "Волков Сергей Андреевич",
        "Главный специалист",
        "Документ подписан электронной подписью",
        certificate.serial,
        "data:image/png;base64,",
        "/verify/DOC-2026-000042/",
    ):
        assert expected in html, expected


# --- the applicant's card ---------------------------------------------------------------


def test_the_applicant_downloads_the_result_from_the_card(client, approved, citizen):
    document = IssuedDocument.objects.get(owner=citizen)
    client.logout()
    sign_in_as(client, citizen)
    card = client.get(f"/applications/{approved.number}/").content.decode()
    assert "Результат" in card and f"Скачать PDF: документ {document.number}" in card
    download = client.get(f"/documents/{document.number}/download/")
    assert download.status_code == 200 and download.content.startswith(b"%PDF")


def test_another_citizens_result_is_neither_shown_nor_downloadable(client, approved, citizen):
    document = IssuedDocument.objects.get(owner=citizen)
    client.logout()
    sign_in_as(client, UserFactory())
    assert client.get(f"/applications/{approved.number}/").status_code == 404
    assert client.get(f"/documents/{document.number}/download/").status_code == 404


# --- after approval: ready to collect, completed (APP-4) --------------------------------


def test_ready_to_collect_tells_the_applicant_where(client, officer, approved, citizen):
    response = client.post(
        f"/desk/applications/{approved.number}/ready/",
        {"comment": "Тула, ул. Оборонная, д. 114, окно 3, пн–пт 9:00–18:00; возьмите паспорт."},
        follow=True,
    )
    assert "результат готов к выдаче" in response.content.decode()
    approved.refresh_from_db()
    assert approved.status == Status.READY
    change = approved.changes.last()
    assert change.actor_id == officer.user_id and "окно 3" in change.comment
    assert AuditEvent.objects.filter(
        action="application.status", object_id=str(approved.pk)
    ).exists()
    assert any("Готово к выдаче" in n.text for n in told(citizen.pk, "status_changed"))
    client.logout()
    sign_in_as(client, citizen)
    card = client.get(f"/applications/{approved.number}/").content.decode()
    assert "Готово к выдаче" in card and "окно 3" in card


@pytest.mark.parametrize("comment", ["", "   "])
def test_ready_to_collect_needs_where_and_how(client, approved, comment):
    response = client.post(f"/desk/applications/{approved.number}/ready/", {"comment": comment})
    assert response.status_code == 400
    assert "Где и как получить результат: укажите адрес" in response.content.decode()
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED


def test_ready_before_approval_is_refused(client, officer, working):
    sign_in_as(client, officer.user)
    response = client.post(
        f"/desk/applications/{working.number}/ready/", {"comment": "Окно 3"}, follow=True
    )
    assert "нельзя перевести" in response.content.decode()
    working.refresh_from_db()
    assert working.status == Status.IN_PROGRESS


def test_complete_from_ready(client, approved, citizen):
    services.mark_ready(
        application=approved,
        officer=approved.agency.officers.get(role="officer"),
        comment="Окно 3",
    )
    response = client.post(f"/desk/applications/{approved.number}/complete/", {}, follow=True)
    assert "Заявление завершено." in response.content.decode()
    approved.refresh_from_db()
    assert approved.status == Status.COMPLETED
    assert list(approved.changes.values_list("to_status", flat=True))[-3:] == [
        Status.APPROVED,
        Status.READY,
        Status.COMPLETED,
    ]


def test_complete_straight_from_approved_with_a_comment(client, approved):
    client.post(f"/desk/applications/{approved.number}/complete/", {"comment": "Выдано"})
    approved.refresh_from_db()
    assert approved.status == Status.COMPLETED
    assert approved.changes.last().comment == "Выдано"


def test_completing_work_in_progress_is_refused(client, officer, working):
    sign_in_as(client, officer.user)
    response = client.post(f"/desk/applications/{working.number}/complete/", {}, follow=True)
    assert "нельзя перевести" in response.content.decode()
    working.refresh_from_db()
    assert working.status == Status.IN_PROGRESS


def test_a_too_long_completion_comment_is_refused(client, approved):
    response = client.post(
        f"/desk/applications/{approved.number}/complete/", {"comment": "Я" * 2001}
    )
    assert response.status_code == 400
    assert "Комментарий: не больше 2000 символов." in response.content.decode()


def test_the_page_offers_ready_and_complete_only_after_approval(client, officer, working):
    sign_in_as(client, officer.user)
    text = client.get(f"/desk/applications/{working.number}/").content.decode()
    assert "/ready/" not in text and "/complete/" not in text
    give_signing_certificate(officer.agency)
    _approve(client, officer, working, signed_in=True)
    text = client.get(f"/desk/applications/{working.number}/").content.decode()
    assert "/ready/" in text and "/complete/" in text


def _reauthenticated_long_ago(client):
    """The sign-in stays, but the last proof of identity is older than the window."""
    session = client.session
    session[SESSION_KEY] = int(time.time()) - settings.REAUTH_SECONDS - 60
    session.save()


@pytest.mark.parametrize("action", ["ready", "complete"])
def test_ready_and_complete_need_a_recent_re_authentication(client, approved, action):
    _reauthenticated_long_ago(client)
    path = f"/desk/applications/{approved.number}/{action}/"
    response = client.post(path, {"comment": "Окно 3"})
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:reauth')}?{urlencode({'next': path})}"
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED
    assert approved.changes.last().to_status == Status.APPROVED


@pytest.mark.parametrize("action", ["ready", "complete"])
def test_back_from_re_authentication_ready_and_complete_show_the_card(client, approved, action):
    response = client.get(f"/desk/applications/{approved.number}/{action}/")
    assert response.status_code == 302
    assert response.url == f"/desk/applications/{approved.number}/"
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED


@pytest.mark.parametrize("action", ["ready", "complete"])
def test_another_agencys_officer_does_not_find_it(client, approved, action):
    client.logout()
    sign_in_as(client, OfficerFactory(role="head").user)
    response = client.post(f"/desk/applications/{approved.number}/{action}/", {"comment": "x"})
    assert response.status_code == 404
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED


@pytest.mark.parametrize("action", ["ready", "complete"])
def test_the_administrator_may_not_close_applications(client, agency, approved, action):
    client.logout()
    sign_in_as(client, OfficerFactory(agency=agency, role="administrator").user)
    response = client.post(f"/desk/applications/{approved.number}/{action}/", {"comment": "x"})
    assert response.status_code == 403
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED


@pytest.mark.parametrize("action", ["ready", "complete"])
def test_citizens_and_visitors_may_not_close_applications(client, approved, action):
    client.logout()
    path = f"/desk/applications/{approved.number}/{action}/"
    assert client.post(path, {"comment": "x"}).status_code == 302  # to sign-in
    sign_in_as(client, UserFactory())
    assert client.post(path, {"comment": "x"}).status_code == 403
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED
