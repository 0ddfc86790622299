"""Browser journey of the public verification page (DOC-3): a citizen downloads an issued
document; anyone checks it by number and by file, without signing in."""

from playwright.sync_api import expect

from gosportal.documents.services import issue_document
from gosportal.signatures.services import create_signing_certificate
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import login
from tests.factories import DEFAULT_PASSWORD, UserFactory


def _issue(owner):
    certificate = create_signing_certificate(
        issuer_code="demo",
        issuer_name="Госпортал (демонстрационный стенд)",
        inn="7707083893",
        ogrn="1027700132195",
    )
    return issue_document(
        owner=owner,
        title="Выписка о подтверждении личности",
        template_name="documents/pdf/letter.html",
        context={"recipient": "Петров Иван Сергеевич"},
        certificate=certificate,
    )


def test_downloaded_document_is_verified_by_file_and_number(
    page, live_server, browser_problems, tmp_path
):
    owner = UserFactory(display_name="Иван")
    document = _issue(owner)

    login(page, live_server, owner, DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}/documents/")
    expect(page.locator("h1")).to_have_text("Выданные документы")
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"Скачать PDF: документ {document.number}").click()
    saved = tmp_path / "downloaded.pdf"
    download_info.value.save_as(saved)

    page.context.clear_cookies()  # the verification page needs no sign-in
    page.goto(f"{live_server.url}/verify/")
    expect(page.locator("h1")).to_have_text("Проверка документа")
    assert_accessible(page)

    page.get_by_label("Файл документа").set_input_files(str(saved))
    page.get_by_role("button", name="Проверить файл").click()
    result = page.get_by_role("status")
    expect(result).to_contain_text("Документ подлинный")
    expect(result).to_contain_text(document.number)
    assert_accessible(page)

    page.get_by_label("Номер документа").fill(document.number.lower())
    page.get_by_role("button", name="Проверить номер").click()
    expect(page).to_have_url(f"{live_server.url}/verify/{document.number}/")
    expect(page.get_by_role("status")).to_contain_text("выдан через портал")
    expect(page.get_by_role("status")).to_contain_text("Действует")
    assert_accessible(page)


def test_tampered_file_and_unknown_number_are_reported(
    page, live_server, browser_problems, tmp_path
):
    page.goto(f"{live_server.url}/verify/")
    not_a_pdf = tmp_path / "справка.pdf"
    not_a_pdf.write_bytes(b"GIF89a not a pdf at all")

    page.get_by_label("Файл документа").set_input_files(str(not_a_pdf))
    page.get_by_role("button", name="Проверить файл").click()
    expect(page.get_by_role("alert")).to_contain_text("справка.pdf")
    assert_accessible(page)

    browser_problems.expect_http_error("/verify/DOC-2026-999999/", 404)
    page.get_by_label("Номер документа").fill("DOC-2026-999999")
    page.get_by_role("button", name="Проверить номер").click()
    expect(page.get_by_role("status")).to_contain_text("не найден")
    assert_accessible(page)
