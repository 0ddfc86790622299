"""Passport changes need a scan or photo of the new passport (PROF-2): checked on upload,
kept encrypted in the vault, read by OCR in a task after the save and compared with the
typed data; the outcome is shown in «Мои данные» and sent to the person."""

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gosportal.core import vault
from gosportal.core.models import OutboxEvent
from gosportal.demo.passport_sample import passport_page
from gosportal.integrations.models import SandboxMessage
from gosportal.profiles import scans
from gosportal.profiles.models import PassportScan, Profile, Sex
from tests.conftest import sign_in_as
from tests.factories import UserFactory
from tests.profiles.scan_files import png_upload

pytestmark = pytest.mark.django_db
Status = PassportScan.Status

NEW_PASSPORT = {
    "last_name": "Петров",
    "first_name": "Иван",
    "middle_name": "Сергеевич",
    "birth_date": date(1985, 3, 14),
    "sex": "male",
    "series": "4506",
    "number": "123456",
    "issued_on": date(2005, 4, 1),
    "department_code": "770-001",
}
FORM = {
    "last_name": "Петров",
    "first_name": "Иван",
    "middle_name": "Сергеевич",
    "citizenship": "RU",
    "passport_series": "45 06",
    "passport_number": "123456",
    "passport_issued_on": "01.04.2005",
    "passport_issuer": "ОВД района Хамовники г. Москвы",
    "passport_department_code": "770-001",
    "snils": "112-233-445 95",
}


@pytest.fixture
def person():
    user = UserFactory(phone="+79161114466")
    Profile.objects.create(
        user=user,
        last_name="Петров",
        first_name="Иван",
        middle_name="Сергеевич",
        birth_date=date(1985, 3, 14),
        sex=Sex.MALE,
        passport_series="4510",
        passport_number="654321",
        passport_issued_on=date(2005, 4, 1),
        passport_issuer="ОВД района Хамовники г. Москвы",
        passport_department_code="770-001",
        snils="11223344595",
    )
    return user


@pytest.fixture
def signed_in(client, person):
    return sign_in_as(client, person)


def scan_of(page: bytes, name="passport.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, page, content_type="image/png")


def last_code(recipient: str) -> str:
    message = SandboxMessage.objects.filter(recipient=recipient).order_by("-id").first()
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def save(client, person, data, capture):
    response = client.post("/profile/edit/", data)
    assert response["Location"] == "/profile/edit/confirm/", response.content.decode()[-3000:]
    with capture(execute=True):
        response = client.post("/profile/edit/confirm/", {"code": last_code(person.phone)})
    assert response["Location"] == "/profile/"


def test_a_passport_change_without_a_scan_is_refused(signed_in, person):
    response = signed_in.post("/profile/edit/", FORM)
    page = response.content.decode()
    assert "Скан паспорта: приложите скан или фото нового паспорта" in page
    assert 'value="45 06"' in page
    assert Profile.objects.get(user=person).passport_series == "4510"
    assert not SandboxMessage.objects.exists()


def test_the_first_passport_needs_no_scan(client):
    user = UserFactory()
    sign_in_as(client, user)
    response = client.post("/profile/edit/", FORM)
    assert response["Location"] == "/profile/edit/confirm/"
    assert not PassportScan.objects.exists()


def test_a_file_that_is_not_a_scan_is_refused_on_the_field(signed_in, person):
    fake = SimpleUploadedFile("passport.pdf", b"hello, not a pdf", content_type="application/pdf")
    page = signed_in.post("/profile/edit/", {**FORM, "passport_scan": fake}).content.decode()
    assert "passport.pdf" in page and 'value="45 06"' in page
    assert not PassportScan.objects.exists()


def test_a_scan_over_5_mb_is_refused(signed_in, person, settings):
    big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024 + 1))
    page = signed_in.post("/profile/edit/", {**FORM, "passport_scan": big}).content.decode()
    assert "big.png" in page and "5" in page
    assert not PassportScan.objects.exists()


def test_the_scan_waits_encrypted_until_the_code_then_goes_to_the_check(
    signed_in, person, django_capture_on_commit_callbacks
):
    signed_in.post("/profile/edit/", {**FORM, "passport_scan": png_upload()})
    scan = PassportScan.objects.get(user=person)
    assert scan.status == Status.DRAFT
    assert vault.raw(scan.vault_name)[:4] != b"\x89PNG"
    assert Profile.objects.get(user=person).passport_series == "4510"
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post("/profile/edit/confirm/", {"code": last_code(person.phone)})
    scan.refresh_from_db()
    assert scan.status == Status.PENDING
    assert Profile.objects.get(user=person).passport_series == "4506"
    page = signed_in.get("/profile/").content.decode()
    assert "Проверка документа выполняется" in page


def test_a_matching_scan_is_confirmed_and_the_person_told(
    signed_in, person, run_tasks, django_capture_on_commit_callbacks
):
    page = passport_page(**NEW_PASSPORT, image_format="PNG")
    save(
        signed_in,
        person,
        {**FORM, "passport_scan": scan_of(page)},
        django_capture_on_commit_callbacks,
    )
    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()
    scan = PassportScan.objects.get(user=person)
    assert scan.status == Status.MATCHED and scan.checked_at is not None
    assert "Данные документа совпадают" in signed_in.get("/profile/").content.decode()
    notices = OutboxEvent.objects.filter(name="accounts.security_notice")
    assert any("совпадают с указанными в профиле" in n.payload["text"] for n in notices)


def test_a_scan_of_another_passport_lists_the_differences(
    signed_in, person, django_capture_on_commit_callbacks
):
    page = passport_page(**{**NEW_PASSPORT, "number": "777888"}, image_format="PNG")
    save(
        signed_in,
        person,
        {**FORM, "passport_scan": scan_of(page)},
        django_capture_on_commit_callbacks,
    )
    scan = PassportScan.objects.get(user=person)
    assert scans.run_scan_check(scan_id=scan.pk) == Status.MISMATCH
    shown = signed_in.get("/profile/").content.decode()
    assert "Данные документа не совпадают" in shown
    assert "Номер паспорта: указано «123456», в документе «777888»" in shown
    notices = OutboxEvent.objects.filter(name="accounts.security_notice")
    assert any("не удалось подтвердить: Номер паспорта" in n.payload["text"] for n in notices)


def test_ocr_unavailable_is_retried_then_reported(person, monkeypatch):
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    scan = scans.receive_passport_scan(user=person, upload=png_upload())
    PassportScan.objects.filter(pk=scan.pk).update(status=Status.PENDING)
    for _attempt in range(scans.MAX_ATTEMPTS - 1):
        assert scans.run_scan_check(scan_id=scan.pk) == Status.PENDING
    assert scans.run_scan_check(scan_id=scan.pk) == Status.FAILED
    scan.refresh_from_db()
    assert scan.attempts == scans.MAX_ATTEMPTS and "недоступен" in scan.message


def test_a_new_draft_replaces_the_earlier_one(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = scans.receive_passport_scan(user=person, upload=png_upload())
    assert vault.exists(first.vault_name)
    with django_capture_on_commit_callbacks(execute=True):
        scans.receive_passport_scan(user=person, upload=png_upload())
    assert PassportScan.objects.filter(user=person).count() == 1
    assert not vault.exists(first.vault_name)


def test_another_persons_scan_is_not_shown(client, person):
    scan = scans.receive_passport_scan(user=person, upload=png_upload())
    PassportScan.objects.filter(pk=scan.pk).update(status=Status.MISMATCH)
    sign_in_as(client, UserFactory())
    assert "Проверка скана паспорта" not in client.get("/profile/").content.decode()


def test_erasure_removes_the_scans_and_their_files(person, django_capture_on_commit_callbacks):
    scan = scans.receive_passport_scan(user=person, upload=png_upload())
    assert vault.exists(scan.vault_name)
    with django_capture_on_commit_callbacks(execute=True):
        scans.erase_passport_scans(person)
    assert not PassportScan.objects.exists() and not vault.exists(scan.vault_name)


def test_a_wrong_code_leaves_the_scan_a_draft(signed_in, person):
    signed_in.post("/profile/edit/", {**FORM, "passport_scan": png_upload()})
    right = last_code(person.phone)
    wrong = "000000" if right != "000000" else "111111"
    signed_in.post("/profile/edit/confirm/", {"code": wrong})
    assert PassportScan.objects.get(user=person).status == Status.DRAFT
    assert "Проверка скана паспорта" not in signed_in.get("/profile/").content.decode()


def test_a_pdf_with_a_huge_page_ends_the_check_instead_of_exhausting_the_worker(person):
    from tests.profiles.scan_files import huge_page_pdf

    upload = SimpleUploadedFile("passport.pdf", huge_page_pdf(), content_type="application/pdf")
    scan = scans.receive_passport_scan(user=person, upload=upload)
    scans.submit_passport_scan(user=person, scan_id=scan.pk)

    status = scans.run_scan_check(scan_id=scan.pk)

    scan.refresh_from_db()
    assert status == scan.status
    assert scan.status in (PassportScan.Status.MISMATCH, PassportScan.Status.FAILED)
    assert scan.checked_at is not None
