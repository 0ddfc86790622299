"""Security keys in the browser: Chromium's virtual authenticator (DevTools WebAuthn domain)
answers navigator.credentials, as a fingerprint reader or a USB key would (AUTH-3, AUTH-6)."""

from playwright.sync_api import expect

from gosportal.accounts.models import Authenticator, LoginEvent
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import login
from tests.factories import DEFAULT_PASSWORD, UserFactory


def add_virtual_authenticator(page) -> None:
    """A platform authenticator with resident keys and user verification (a passkey holder)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )


def sign_out(page) -> None:
    page.get_by_role("button", name="Выйти").click()
    expect(page.get_by_role("link", name="Войти", exact=True)).to_be_visible()


def test_add_a_key_then_sign_in_with_it_and_then_with_a_passkey_alone(page, live_server):
    add_virtual_authenticator(page)
    user = UserFactory(email_confirmed=True)
    login(page, live_server, user, DEFAULT_PASSWORD)

    page.get_by_role("link", name="Безопасность", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Настройки безопасности")
    page.get_by_role("link", name="Добавить ключ безопасности или биометрию").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Подключение ключа безопасности или биометрии"
    )
    assert_accessible(page)
    page.get_by_label("Название ключа").fill("Отпечаток на ноутбуке")
    page.get_by_role("button", name="Подключить ключ").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ваши резервные коды")
    page.get_by_role("link", name="Я сохранил коды").click()
    expect(
        page.get_by_role(
            "cell", name="Ключ безопасности или биометрия — Отпечаток на ноутбуке Основной"
        )
    ).to_be_visible()
    assert_accessible(page)
    key = Authenticator.objects.get(user=user, kind=Authenticator.Kind.WEBAUTHN)
    assert key.is_default and key.credential_id

    # Password, then the key at the second step.
    sign_out(page)
    page.goto("/accounts/login/")
    page.get_by_label("Телефон, электронная почта или СНИЛС").fill(user.email)
    page.get_by_label("Пароль").fill(DEFAULT_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Войти", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Подтверждение входа")
    assert_accessible(page)
    page.get_by_role("button", name="Войти с ключом или биометрией").click()
    expect(page.get_by_role("button", name="Выйти")).to_be_visible()
    assert LoginEvent.objects.filter(user=user, method="password+webauthn").exists()

    # No password at all: the passkey on the sign-in page.
    sign_out(page)
    page.goto("/accounts/login/")
    expect(page.get_by_role("button", name="Использовать ключ доступа (passkey)")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Использовать ключ доступа (passkey)").click()
    expect(page.get_by_role("button", name="Выйти")).to_be_visible()
    assert LoginEvent.objects.filter(user=user, method="passkey", result="success").exists()


def test_a_passkey_nobody_registered_is_refused_with_a_message(page, live_server):
    add_virtual_authenticator(page)
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Использовать ключ доступа (passkey)").click()
    # The virtual authenticator has no credential for this site: the browser refuses,
    # and the page says so instead of failing silently.
    expect(page.get_by_role("alert")).to_contain_text("Ключ доступа не ответил")
    assert_accessible(page)
