"""The public verification page (DOC-3) and the owner's download of issued documents."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django.asserts import assertContains, assertNotContains

from gosportal.core import vault
from gosportal.documents.services import VAULT_PURPOSE, revoke_document
from gosportal.signatures.pades import sign_pdf
from gosportal.signatures.services import revoke_signing_certificate
from tests.conftest import sign_in_as
from tests.factories import UserFactory
from tests.signatures.helpers import self_made_certificate

pytestmark = pytest.mark.django_db


def _file_of(issued) -> bytes:
    return vault.read(issued.vault_name, purpose=VAULT_PURPOSE)


def _upload(client, content: bytes, name: str = "документ.pdf"):
    return client.post("/verify/", {"file": SimpleUploadedFile(name, content)})


# --- by number ---------------------------------------------------------------------------


def test_page_opens_without_signing_in(client):
    response = client.get("/verify/")

    assertContains(response, "<h1>Проверка документа</h1>", html=True)
    assertContains(response, "Проверить по номеру")
    assertContains(response, "Проверить файл")


def test_valid_number_shows_issuer_date_title_and_status_but_not_the_owner(client, issued):
    response = client.get(f"/verify/{issued.number}/")

    assert response.status_code == 200
    assertContains(response, f"Документ № {issued.number} выдан через портал")
    assertContains(response, "Выписка о подтверждении личности")
    assertContains(response, "Госпортал (демонстрационный стенд)")
    assertContains(response, "Действует")
    assertNotContains(response, "Иван")
    assertNotContains(response, "Петров")
    assertNotContains(response, issued.owner.email)


def test_revoked_document_shows_revoked_with_reason(client, issued):
    revoke_document(document=issued, reason="Выдан по ошибке")

    response = client.get(f"/verify/{issued.number}/")

    assertContains(response, "Отозван")
    assertContains(response, "Выдан по ошибке")


def test_unknown_number_says_not_issued(client, issued):
    response = client.get("/verify/DOC-2026-999999/")

    assert response.status_code == 404
    assertContains(response, "Документ № DOC-2026-999999 не найден", status_code=404)


def test_number_typed_in_the_form_leads_to_its_page(client, issued):
    response = client.get("/verify/", {"number": f" {issued.number.lower()} "})

    assert response.status_code == 302
    assert response["Location"] == f"/verify/{issued.number}/"


def test_malformed_number_is_refused_with_the_typed_value_kept(client):
    response = client.get("/verify/", {"number": "12345"})

    assert response.status_code == 200
    assertContains(response, "Номер документа указывается в виде DOC-2026-000123.")
    assertContains(response, 'value="12345"')


def test_empty_number_is_refused(client):
    response = client.get("/verify/", {"number": ""})

    assertContains(response, "Введите номер документа.")


def test_malformed_number_in_the_address_is_a_bad_request(client):
    response = client.get("/verify/not-a-number/")

    assertContains(response, "Номер документа указывается в виде", status_code=400)


def test_number_lookups_are_rate_limited_per_address(client, settings):
    settings.DOCUMENT_VERIFY_LOOKUP_RATE = "2/h"
    for _ in range(2):
        assert client.get("/verify/DOC-2026-000001/").status_code == 404

    response = client.get("/verify/DOC-2026-000001/")

    assertContains(response, "Слишком много запросов", status_code=429)


# --- by file -----------------------------------------------------------------------------


def test_uploaded_original_is_authentic(client, issued):
    response = _upload(client, _file_of(issued))

    assertContains(response, "Документ подлинный")
    assertContains(response, issued.number)
    assertContains(response, "Госпортал (демонстрационный стенд)")
    assertNotContains(response, "Петров")


def test_uploaded_copy_modified_after_signing_is_reported(client, issued):
    from tests.signatures.test_pades import _flip_byte_in_page_content

    response = _upload(client, _flip_byte_in_page_content(_file_of(issued)))

    assertContains(response, "Документ изменён после подписания")
    assertNotContains(response, "Документ подлинный")


def test_upload_signed_by_an_untrusted_certificate_is_reported(client, unsigned_pdf):
    forged = sign_pdf(unsigned_pdf, certificate=self_made_certificate())

    response = _upload(client, forged)

    assertContains(response, "Подпись не удостоверена")
    assertContains(response, "не выдан доверенным удостоверяющим центром")
    assertNotContains(response, "Подписал")  # the name in a self-made certificate proves nothing


def test_upload_signed_by_a_revoked_certificate_is_reported(client, issued, certificate):
    revoke_signing_certificate(certificate=certificate, reason="key_compromise")

    response = _upload(client, _file_of(issued))

    assertContains(response, "Сертификат подписи отозван")


def test_upload_of_a_revoked_document_is_reported(client, issued):
    revoke_document(document=issued, reason="Выдан по ошибке")

    response = _upload(client, _file_of(issued))

    assertContains(response, "Документ отозван")


def test_validly_signed_file_not_in_the_register_is_not_issued_by_the_portal(
    client, certificate, unsigned_pdf
):
    signed_elsewhere = sign_pdf(unsigned_pdf, certificate=certificate)

    response = _upload(client, signed_elsewhere)

    assertContains(response, "Документ не выдавался порталом")
    assertContains(response, "в реестре выданных документов нет")


def test_unsigned_pdf_is_not_issued_by_the_portal(client, unsigned_pdf):
    response = _upload(client, unsigned_pdf)

    assertContains(response, "Документ не выдавался порталом")
    assertContains(response, "В документе нет электронной подписи.")


def test_non_pdf_upload_is_refused_with_a_message_naming_the_file(client):
    response = _upload(client, b"\x89PNG\r\n\x1a\n" + b"0" * 100, name="скан.pdf")

    assert response.status_code == 200
    assertContains(response, "Файл «скан.pdf»")
    assertContains(response, "Проверьте данные формы")


def test_missing_file_is_refused(client):
    response = client.post("/verify/", {})

    assertContains(response, "Проверьте данные формы")
    assertContains(response, "Выберите файл документа.")


def test_uploads_are_rate_limited_per_address(client, settings, unsigned_pdf):
    settings.DOCUMENT_VERIFY_UPLOAD_RATE = "1/h"
    _upload(client, unsigned_pdf)

    response = _upload(client, unsigned_pdf)

    assertContains(response, "Слишком много запросов", status_code=429)


def test_uploaded_files_are_not_stored(client, issued, settings):
    from pathlib import Path

    before = sorted(Path(settings.MEDIA_ROOT).rglob("*"))
    _upload(client, _file_of(issued))

    assert sorted(Path(settings.MEDIA_ROOT).rglob("*")) == before


# --- the owner's documents ------------------------------------------------------------------


def test_owner_downloads_the_signed_pdf(client, issued, owner):
    sign_in_as(client, owner)

    response = client.get(f"/documents/{issued.number}/download/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{issued.number}.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert response.content == _file_of(issued)


def test_other_user_gets_not_found(client, issued):
    sign_in_as(client, UserFactory())

    assert client.get(f"/documents/{issued.number}/download/").status_code == 404


def test_unknown_number_download_is_not_found(client, owner):
    sign_in_as(client, owner)

    assert client.get("/documents/DOC-2026-999999/download/").status_code == 404


def test_anonymous_download_goes_to_sign_in(client, issued):
    response = client.get(f"/documents/{issued.number}/download/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_owner_sees_the_list_and_others_do_not(client, issued, owner):
    sign_in_as(client, owner)
    response = client.get("/documents/")
    assertContains(response, issued.number)
    assertContains(response, f"/documents/{issued.number}/download/")

    client.logout()
    sign_in_as(client, UserFactory())
    other = client.get("/documents/")
    assertNotContains(other, issued.number)
    assertContains(other, "Выданных документов пока нет.")
