"""Browser journey of single sign-on for a partner site (CAT-5): from the catalogue card
«Запись на приём к врачу» to the regional health portal, through the portal's consent
page, signed in there as the same person, and back; then the access is revoked on
«Сайты-партнёры». Every page on the way is checked for accessibility."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from gosportal.accounts.models import User
from gosportal.partners.models import PartnerConsent
from gosportal.partners.sandbox import load_sandbox_partners
from gosportal.profiles.models import Profile
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import login
from tests.factories import DEFAULT_PASSWORD, ServiceFactory, UserFactory


def test_a_service_card_opens_the_partner_site_by_single_sign_on(page, live_server):
    ServiceFactory(
        slug="zapis-k-vrachu", title="Запись на приём к врачу", min_level=User.Level.STANDARD
    )
    load_sandbox_partners()
    user = UserFactory(level=User.Level.STANDARD, display_name="Иван")
    Profile.objects.create(
        user=user,
        last_name="Петров",
        first_name="Иван",
        middle_name="Сергеевич",
        birth_date=datetime.date(1985, 3, 14),
        snils="11223344595",
    )
    login(page, live_server, user, DEFAULT_PASSWORD)

    page.goto(f"{live_server.url}/services/zapis-k-vrachu/")
    main = page.get_by_role("main")
    expect(main.get_by_test_id("partner-note")).to_contain_text("Здоровье71")
    assert_accessible(page)
    main.get_by_role("link", name="Перейти на сайт партнёра").click()

    expect(page.locator("h1")).to_have_text("Вход на сайт-партнёр")
    shared = page.get_by_test_id("shared-data")
    expect(shared).to_contain_text("Петров Иван Сергеевич")
    expect(shared).to_contain_text("112-233-445 95")
    assert_accessible(page)
    page.get_by_role("button", name="Разрешить и войти").click()

    expect(page.get_by_test_id("partner-user")).to_have_text("Вы вошли как Иван Петров")
    expect(page.locator("h1")).to_have_text("Запись на приём к врачу")
    assert_accessible(page)
    page.get_by_label("Поликлиника").select_option("gp-1")
    page.get_by_label("Специалист").select_option("therapist")
    day = timezone.localdate() + datetime.timedelta(days=2)
    page.get_by_label("Дата приёма").fill(day.strftime("%d.%m.%Y"))
    page.get_by_role("button", name="Записаться").click()
    expect(page.get_by_test_id("partner-result")).to_contain_text("Вы записаны: талон №")
    assert_accessible(page)

    page.get_by_role("link", name="Вернуться на Госпортал").click()
    expect(page.locator("h1")).to_have_text("Запись на приём к врачу")
    expect(page.get_by_role("main").get_by_test_id("partner-note")).to_be_visible()

    page.goto(f"{live_server.url}/sso/sites/")
    grant = page.get_by_test_id("partner-grant")
    expect(grant).to_contain_text("Здоровье71")
    assert_accessible(page)
    grant.get_by_role("button", name="Отозвать доступ").click()
    expect(page.get_by_text("При следующем входе он снова спросит разрешение.")).to_be_visible()
    assert not PartnerConsent.objects.filter(user=user, revoked_at=None).exists()
