"""Shared set-up of the appeal tests: an agency with an officer who refused an application,
its appeal officer and head, the applicant, and small real evidence files."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from gosportal.appeals import services as appeals
from gosportal.applications import services
from tests.applications.conftest import PASSPORT_COPY, documents, form_definition, pdf
from tests.factories import AgencyFactory, OfficerFactory, ServiceFactory, UserFactory
from tests.profiles.scan_files import png_bytes

# Monday 2 March 2026, 10:00 in Moscow: the refusal is made then.
REFUSED_AT = datetime.datetime(2026, 3, 2, 7, 0, tzinfo=datetime.UTC)
REASON = "Доход рассчитан неверно: разовая выплата не входит в доход семьи."


def pdf_file(name: str = "справка.pdf", marker: str = "1") -> SimpleUploadedFile:
    """A valid PDF; a different ``marker`` gives different content (another sha256)."""
    content = (
        b"%PDF-1.4\n%" + marker.encode() + b"\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png_file(name: str = "письмо.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


@pytest.fixture
def frozen():
    with time_machine.travel(REFUSED_AT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def agency():
    return AgencyFactory(slug="minsoc")


@pytest.fixture
def service(agency):
    return ServiceFactory(
        agency=agency,
        title="Пособие на ребёнка",
        form_definition=form_definition(),
        required_documents=documents(),
        processing_days=5,
        min_level="standard",
    )


@pytest.fixture
def citizen():
    return UserFactory(level="standard", display_name="Иван Петров")


@pytest.fixture
def officer(agency):
    """The officer who refuses the application."""
    return OfficerFactory(agency=agency, role="officer", user__display_name="Сергей Волков")


@pytest.fixture
def appeal_officer(agency):
    return OfficerFactory(agency=agency, role="appeal_officer", user__display_name="Ольга Белова")


@pytest.fixture
def head(agency):
    return OfficerFactory(agency=agency, role="head", user__display_name="Пётр Руководов")


def submit(citizen, service):
    draft = services.start_draft(user=citizen, service=service)
    services.add_attachment(application=draft, document=PASSPORT_COPY, upload=pdf())
    answers = {"last_name": "Петров", "birth_date": "1990-02-01", "reason": "lost"}
    return services.submit(application=draft, answers=answers, actor=citizen)


@pytest.fixture
def refused(frozen, citizen, service, officer):
    """An application refused by ``officer`` at ``REFUSED_AT``."""
    application = submit(citizen, service)
    services.reject(application=application, officer=officer, reason="Доход выше порога")
    application.refresh_from_db()
    return application


@pytest.fixture
def appeal(refused, citizen):
    return appeals.file_appeal(
        application=refused, actor=citizen, reason=REASON, uploads=[pdf_file()]
    )
