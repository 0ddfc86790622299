"""Remote identity check, the person's side (REG-3): upload the passport page and a
selfie (checked, stored encrypted), see the OCR pre-check, correct or re-upload, send
the request to an operator; one open request per person; 30 days at most."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.shortcuts import resolve_url

from gosportal.accounts.deletion import delete_account
from gosportal.core import vault
from gosportal.core.models import AuditEvent
from gosportal.demo.passport_sample import blank_page, passport_page
from gosportal.identity import remote
from gosportal.identity.models import Confirmation, RemoteCheck
from gosportal.profiles.models import Profile
from tests.conftest import sign_in_as
from tests.factories import UserFactory
from tests.identity.remote_support import (
    PASSPORT,
    no_tesseract,
    passport_upload,
    selfie_upload,
    standard_citizen,
    uploaded_check,
)

pytestmark = pytest.mark.django_db
PAGE = "/identity/remote/"


@pytest.fixture
def citizen():
    return standard_citizen()


def upload(client, passport=None, selfie_file=None):
    data = {}
    if passport is not None:
        data["passport"] = passport
    if selfie_file is not None:
        data["selfie"] = selfie_file
    return client.post(PAGE, data)


def on_disk(name: str) -> bool:
    return vault.exists(name)


# --- upload ------------------------------------------------------------------------------


def test_standard_account_uploads_passport_and_selfie_stored_encrypted(client, citizen):
    sign_in_as(client, citizen)

    response = upload(client, passport_upload(), selfie_upload())

    assert response.status_code == 302
    check = RemoteCheck.objects.get(confirmation__user=citizen)
    assert check.confirmation.method == Confirmation.Method.REMOTE
    assert check.confirmation.status == Confirmation.Status.PENDING
    assert (check.passport_kind, check.selfie_kind) == ("png", "jpeg")
    assert check.confirmation.expires_at - check.confirmation.created_at == datetime.timedelta(
        days=30
    )
    passport_raw = vault.raw(check.passport_file, purpose=remote.PASSPORT_PURPOSE)
    assert passport_raw.startswith(b"gcm1:")
    assert b"PNG" not in passport_raw[:64]
    assert vault.read(check.selfie_file, purpose=remote.SELFIE_PURPOSE)[:3] == b"\xff\xd8\xff"
    body = client.get(PAGE).content.decode()
    assert "Проверка выполняется" in body
    assert f"Заявка № {check.confirmation_id}" in body


def test_ocr_pre_check_runs_as_a_task_and_shows_matching_data(
    client, citizen, run_tasks, django_capture_on_commit_callbacks
):
    sign_in_as(client, citizen)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, passport_upload(), selfie_upload())

    run_tasks()

    check = RemoteCheck.objects.get(confirmation__user=citizen)
    assert check.ocr_status == RemoteCheck.Ocr.MATCH
    assert check.ocr_mrz == RemoteCheck.Mrz.VALID
    assert check.ocr_fields == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT ocr_reading FROM identity_remotecheck WHERE id = %s", [check.pk])
        stored = cursor.fetchone()[0]
    assert "ПЕТРОВ" not in stored and "123456" not in stored  # encrypted at rest
    body = client.get(PAGE).content.decode()
    assert "Данные совпадают" in body
    assert "Отправить на проверку оператору" in body


def test_mismatch_names_the_field_with_typed_and_read_values(client):
    citizen = standard_citizen(number="654321")
    sign_in_as(client, citizen)
    check = uploaded_check(citizen)

    remote.run_ocr(check_id=check.pk)

    check.refresh_from_db()
    assert check.ocr_status == RemoteCheck.Ocr.MISMATCH
    assert check.ocr_fields == ["number"]
    body = client.get(PAGE).content.decode()
    assert "Есть расхождения" in body
    assert "Номер паспорта" in body
    assert "654321" in body and "123456" in body
    assert "Исправить данные" in body
    assert "Загрузить другие фотографии" in body


def test_after_correcting_the_data_the_page_is_compared_again(client):
    citizen = standard_citizen(number="654321")
    sign_in_as(client, citizen)
    check = uploaded_check(citizen)
    remote.run_ocr(check_id=check.pk)
    profile = Profile.objects.get(user=citizen)
    profile.passport_number = PASSPORT["number"]
    profile.save()

    response = client.post(f"{PAGE}{check.pk}/compare/", follow=True)

    check.refresh_from_db()
    assert check.ocr_status == RemoteCheck.Ocr.MATCH
    assert "Данные совпадают" in response.content.decode()


def test_request_with_mismatches_may_still_go_to_the_operator(client):
    citizen = standard_citizen(last_name="Сидоров")
    sign_in_as(client, citizen)
    check = uploaded_check(citizen)
    remote.run_ocr(check_id=check.pk)

    response = client.post(f"{PAGE}{check.pk}/submit/", follow=True)

    check.refresh_from_db()
    assert check.submitted_at is not None
    body = response.content.decode()
    assert "Заявка отправлена оператору" in body
    assert "На проверке у оператора" in body
    event = AuditEvent.objects.get(action="identity.remote_submitted")
    assert event.details["fields"] == ["last_name"]


def test_sending_to_the_operator_needs_a_fresh_sign_in(client, citizen):
    sign_in_as(client, citizen, reauthenticated=False)
    check = uploaded_check(citizen)
    remote.run_ocr(check_id=check.pk)

    response = client.post(f"{PAGE}{check.pk}/submit/")

    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url("accounts:reauth"))
    check.refresh_from_db()
    assert check.submitted_at is None


def test_request_cannot_go_to_the_operator_before_the_pre_check_ends(client, citizen):
    sign_in_as(client, citizen)
    check = uploaded_check(citizen)

    response = client.post(f"{PAGE}{check.pk}/submit/", follow=True)

    assert "Дождитесь окончания автоматической проверки" in response.content.decode()
    check.refresh_from_db()
    assert check.submitted_at is None


def test_unavailable_ocr_lets_the_person_send_the_request_anyway(client, citizen, monkeypatch):
    sign_in_as(client, citizen)
    check = uploaded_check(citizen)
    no_tesseract(monkeypatch)

    assert remote.run_ocr(check_id=check.pk) == RemoteCheck.Ocr.UNAVAILABLE

    body = client.get(PAGE).content.decode()
    assert "Автоматическая проверка не выполнена" in body
    client.post(f"{PAGE}{check.pk}/submit/")
    check.refresh_from_db()
    assert check.submitted_at is not None


def test_unreadable_page_reports_every_field_as_not_recognised(client, citizen):
    sign_in_as(client, citizen)
    check = remote.start_remote_check(
        user=citizen,
        passport=SimpleUploadedFile("blank.png", blank_page()),
        selfie=selfie_upload(),
    )

    remote.run_ocr(check_id=check.pk)

    check.refresh_from_db()
    assert check.ocr_status == RemoteCheck.Ocr.MISMATCH
    assert check.ocr_mrz == RemoteCheck.Mrz.ABSENT
    assert "number" in check.ocr_fields and "last_name" in check.ocr_fields
    assert "не распознано" in client.get(PAGE).content.decode()


# --- bad input ---------------------------------------------------------------------------


def exe_named_jpg():
    return SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200 + b"This program")


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            lambda: {"selfie": selfie_upload()},
            "Загрузите фото или скан страницы паспорта с фотографией.",
        ),
        (
            lambda: {"passport": passport_upload()},
            "Загрузите фото, на котором вы держите паспорт.",
        ),
        (
            lambda: {
                "passport": SimpleUploadedFile("passport.txt", "Паспорт".encode()),
                "selfie": selfie_upload(),
            },
            "по содержимому это не PDF, JPEG или PNG",
        ),
        (
            lambda: {"passport": passport_upload(), "selfie": exe_named_jpg()},
            "по содержимому это не JPEG или PNG",
        ),
        (
            lambda: {
                "passport": passport_upload(),
                "selfie": SimpleUploadedFile(
                    "selfie.pdf", passport_page(**PASSPORT, image_format="PDF")
                ),
            },
            "по содержимому это PDF, а здесь принимаются только JPEG или PNG",
        ),
        (
            lambda: {
                "passport": SimpleUploadedFile(
                    "big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024)
                ),
                "selfie": selfie_upload(),
            },
            "можно загрузить файл не больше 5 МБ",
        ),
    ],
    ids=["no-passport", "no-selfie", "text-file", "exe-renamed-jpg", "pdf-selfie", "over-5mb"],
)
def test_bad_files_are_refused_with_a_message_and_nothing_is_stored(
    client, citizen, files, message
):
    sign_in_as(client, citizen)

    response = client.post(PAGE, files())

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not RemoteCheck.objects.exists()
    assert list(vault.stored_files()) == []


def test_infected_file_is_refused(client, citizen):
    sign_in_as(client, citizen)
    eicar = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

    response = upload(
        client,
        SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + eicar + b"\n%%EOF\n"),
        selfie_upload(),
    )

    assert response.status_code == 400
    assert "не прошёл антивирусную проверку" in response.content.decode()
    assert not RemoteCheck.objects.exists()


def test_simplified_account_cannot_start_a_remote_check(client):
    user = UserFactory(level="simplified")
    sign_in_as(client, user)

    page = client.get(PAGE).content.decode()
    response = upload(client, passport_upload(), selfie_upload())

    assert "Подтвердить личность можно после проверки ваших данных" in page
    assert response.status_code == 403
    assert "Подтвердить личность можно после проверки ваших данных" in response.content.decode()
    assert not RemoteCheck.objects.exists()


def test_confirmed_account_has_nothing_to_check(client):
    user = UserFactory(level="confirmed")
    sign_in_as(client, user)

    response = upload(client, passport_upload(), selfie_upload())

    assert response.status_code == 409
    assert "Ваша личность уже подтверждена." in response.content.decode()
    assert not RemoteCheck.objects.exists()


def test_uploads_are_rate_limited(client, citizen):
    sign_in_as(client, citizen)
    for _attempt in range(5):
        assert upload(client, passport_upload(), selfie_upload()).status_code == 302

    response = upload(client, passport_upload(), selfie_upload())

    assert response.status_code == 429
    assert "Слишком много запросов" in response.content.decode()
    assert RemoteCheck.objects.filter(confirmation__user=citizen).count() == 5


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url("accounts:login"))


# --- one open request --------------------------------------------------------------------


def test_new_upload_cancels_the_old_request_and_deletes_its_files(
    client, citizen, django_capture_on_commit_callbacks
):
    sign_in_as(client, citizen)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, passport_upload(), selfie_upload())
    old = RemoteCheck.objects.get()
    old_files = (old.passport_file, old.selfie_file)

    with django_capture_on_commit_callbacks(execute=True):
        upload(client, passport_upload(image_format="JPEG"), selfie_upload())

    old.refresh_from_db()
    assert old.confirmation.status == Confirmation.Status.CANCELLED
    assert (old.passport_file, old.selfie_file) == ("", "")
    assert not any(on_disk(name) for name in old_files)
    new = remote.current_check(citizen)
    assert new.pk != old.pk and new.passport_kind == "jpeg"


def test_cancelling_deletes_the_files(client, citizen, django_capture_on_commit_callbacks):
    sign_in_as(client, citizen)
    check = uploaded_check(citizen)
    files = (check.passport_file, check.selfie_file)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{PAGE}{check.pk}/cancel/", follow=True)

    assert "Заявка отменена, фотографии удалены." in response.content.decode()
    check.refresh_from_db()
    assert check.confirmation.status == Confirmation.Status.CANCELLED
    assert not any(on_disk(name) for name in files)


@pytest.mark.parametrize("action", ["submit", "compare", "cancel"])
def test_another_persons_request_is_not_found(client, citizen, action):
    other = standard_citizen()
    check = uploaded_check(other)
    remote.run_ocr(check_id=check.pk)
    sign_in_as(client, citizen)

    response = client.post(f"{PAGE}{check.pk}/{action}/")

    assert response.status_code == 404
    check.refresh_from_db()
    assert check.confirmation.status == Confirmation.Status.PENDING
    assert check.submitted_at is None


def test_request_expires_after_30_days_and_its_files_are_deleted(
    citizen, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 10, tzinfo=datetime.UTC), tick=False):
        check = uploaded_check(citizen)
    files = (check.passport_file, check.selfie_file)

    with time_machine.travel(datetime.datetime(2026, 3, 30, 10, tzinfo=datetime.UTC)):
        assert remote.expire_remote_checks() == 0
    with (
        time_machine.travel(datetime.datetime(2026, 3, 31, 10, 1, tzinfo=datetime.UTC)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert remote.current_check(citizen) is None
        assert remote.expire_remote_checks() == 1

    check.refresh_from_db()
    assert check.confirmation.status == Confirmation.Status.EXPIRED
    assert not any(on_disk(name) for name in files)


def test_deleting_the_account_deletes_the_pictures(citizen, django_capture_on_commit_callbacks):
    check = uploaded_check(citizen)
    files = (check.passport_file, check.selfie_file)

    with django_capture_on_commit_callbacks(execute=True):
        delete_account(citizen)

    assert not any(on_disk(name) for name in files)


def test_a_pdf_with_a_huge_page_ends_the_ocr_step_so_the_request_can_be_sent():
    from tests.profiles.scan_files import huge_page_pdf

    user = standard_citizen()
    check = remote.start_remote_check(
        user=user,
        passport=SimpleUploadedFile("p.pdf", huge_page_pdf(), content_type="application/pdf"),
        selfie=selfie_upload(),
    )

    status = remote.run_ocr(check_id=check.pk)

    check.refresh_from_db()
    assert check.ocr_status == status != RemoteCheck.Ocr.PENDING
    assert check.ocr_finished_at is not None
    remote.submit_for_review(user=user, check_id=check.pk)  # no longer refused
