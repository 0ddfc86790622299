"""Shared set-up of the applications tests: a service with a form and documents, a citizen."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gosportal.applications import services
from tests.factories import AgencyFactory, ServiceFactory, UserFactory
from tests.profiles.scan_files import pdf_upload, png_bytes

PASSPORT_COPY = "Копия паспорта"
PHOTO = "Фотография"


def form_definition() -> dict:
    return {
        "version": 1,
        "sections": [
            {
                "key": "applicant",
                "title": "Сведения о заявителе",
                "fields": [
                    {
                        "key": "last_name",
                        "type": "text",
                        "label": "Фамилия",
                        "required": True,
                        "prefill": "last_name",
                    },
                    {
                        "key": "birth_date",
                        "type": "date",
                        "label": "Дата рождения",
                        "required": True,
                        "validation": {"not_after": "today"},
                    },
                    {
                        "key": "reason",
                        "type": "radio",
                        "label": "Причина",
                        "required": True,
                        "options": [
                            {"value": "lost", "label": "Утеря"},
                            {"value": "age", "label": "Возраст"},
                        ],
                    },
                    {
                        "key": "passport_copy",
                        "type": "file",
                        "label": "Скан паспорта",
                        "document": PASSPORT_COPY,
                        "required": True,
                    },
                ],
            }
        ],
    }


def documents() -> list[dict]:
    return [
        {"title": PASSPORT_COPY, "mandatory": True, "formats": ["pdf", "jpeg", "png"], "note": ""},
        {"title": PHOTO, "mandatory": False, "formats": ["jpeg", "png"], "note": ""},
    ]


@pytest.fixture
def agency():
    return AgencyFactory(slug="mvd")


@pytest.fixture
def service(agency):
    return ServiceFactory(
        agency=agency,
        slug="passport-replace",
        title="Замена паспорта",
        form_definition=form_definition(),
        required_documents=documents(),
        processing_days=5,
        fee_kopecks=150000,
        min_level="standard",
    )


@pytest.fixture
def citizen():
    return UserFactory(level="standard")


@pytest.fixture
def other_citizen():
    return UserFactory(level="confirmed")


VALID = {"last_name": "Петров", "birth_date": "01.02.1990", "reason": "lost"}


def pdf():
    return pdf_upload("паспорт.pdf")


def png(name="photo.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


@pytest.fixture
def draft(citizen, service):
    return services.start_draft(user=citizen, service=service)


@pytest.fixture
def submitted(citizen, draft):
    services.add_attachment(application=draft, document=PASSPORT_COPY, upload=pdf())
    answers = {"last_name": "Петров", "birth_date": "1990-02-01", "reason": "lost"}
    return services.submit(application=draft, answers=answers, actor=citizen)
