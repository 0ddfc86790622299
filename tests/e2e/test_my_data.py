"""Browser journey of «Мои данные»: edit the passport and SNILS confirmed by an SMS code
(PROF-1), see the masked change in the history and undo it (PROF-4); axe on every page."""

import re

from playwright.sync_api import expect

from gosportal.integrations.models import SandboxMessage
from gosportal.profiles.models import Profile
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import login
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.profiles.scan_files import png_bytes


def code_sent_to(recipient: str) -> str:
    message = SandboxMessage.objects.filter(recipient=recipient).order_by("-id").first()
    assert message is not None, f"nothing was sent to {recipient}"
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def test_edit_passport_and_snils_then_undo(page, live_server):
    user = UserFactory(phone="+79161112233", display_name="Анна")
    Profile.objects.create(
        user=user,
        last_name="Иванова",
        first_name="Анна",
        passport_series="4508",
        passport_number="654321",
        snils="11223344595",
    )
    login(page, live_server, user, DEFAULT_PASSWORD)
    main = page.get_by_role("main")

    page.get_by_role("navigation", name="Учётная запись").get_by_role(
        "link", name="Мои данные"
    ).click()
    expect(page.locator("h1")).to_have_text("Мои данные")
    expect(main).to_contain_text("112-233-445 95")
    assert_accessible(page)

    main.get_by_role("link", name="Редактировать").click()
    expect(page.locator("h1")).to_have_text("Изменение персональных данных")
    assert_accessible(page)
    page.get_by_label("Номер паспорта").fill("12345")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("alert")).to_contain_text("Номер паспорта — 6 цифр.")
    assert_accessible(page)

    page.get_by_label("Номер паспорта").fill("123456")
    page.get_by_label("СНИЛС").fill("123-456-789 64")
    # PROF-2: a passport change needs a scan of the new passport.
    page.get_by_label("Скан или фото нового паспорта").set_input_files(
        {"name": "passport.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator("h1")).to_have_text("Подтверждение изменения данных")
    expect(main).to_contain_text("45 08 ****56")
    assert_accessible(page)
    page.get_by_label("Код из сообщения").fill(code_sent_to(user.phone))
    page.get_by_role("button", name="Подтвердить").click()

    expect(page.locator("h1")).to_have_text("Мои данные")
    expect(main).to_contain_text("Данные сохранены.")
    expect(main).to_contain_text("45 08 123456")
    expect(main).to_contain_text("123-456-789 64")

    main.get_by_role("link", name="История изменений").click()
    expect(page.locator("h1")).to_have_text("История изменений данных")
    expect(main).to_contain_text("45 08 ****21")
    expect(main).to_contain_text("***-***-789 64")
    assert_accessible(page)

    page.get_by_role("button", name="Отменить последнее изменение").click()
    expect(page.locator("h1")).to_have_text("Подтверждение отмены изменения")
    assert_accessible(page)
    page.get_by_label("Код из сообщения").fill(code_sent_to(user.phone))
    page.get_by_role("button", name="Подтвердить").click()
    expect(main).to_contain_text("Последнее изменение отменено.")
    expect(main).to_contain_text("отмена изменения")
    expect(page.get_by_role("button", name="Отменить последнее изменение")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Вернуться к моим данным").click()
    expect(main).to_contain_text("45 08 654321")
    expect(main).to_contain_text("112-233-445 95")
