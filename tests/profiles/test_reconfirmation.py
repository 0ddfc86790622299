"""A confirmed account that changes its name or SNILS in «Мои данные» must confirm the
identity again: the level drops to standard (warned before saving); a new passport or
INN keeps the level, since the registries check it against the same person."""

from datetime import date

import pytest

from gosportal.accounts.models import User
from gosportal.core.models import AuditEvent, OutboxEvent
from gosportal.profiles.models import Profile, ProfileChange, Sex
from gosportal.profiles.services import undo_change, update_profile
from tests.conftest import sign_in_as
from tests.factories import UserFactory
from tests.profiles.test_my_data import VALID, last_code

pytestmark = pytest.mark.django_db

WARNING = "После изменения ФИО или СНИЛС личность нужно будет подтвердить заново"


@pytest.fixture
def confirmed():
    user = UserFactory(level="confirmed", phone="+79161112233")
    Profile.objects.create(
        user=user,
        last_name="Иванова",
        first_name="Анна",
        middle_name="Сергеевна",
        birth_date=date(1990, 3, 1),
        sex=Sex.FEMALE,
        snils="11223344595",
        inn="500100732259",
    )
    return user


def _save(user, changes, channel=ProfileChange.Channel.WEB):
    rows = update_profile(user=user, changes=changes, channel=channel, actor=user)
    user.refresh_from_db()
    return rows


def _notices(user):
    return [
        e.payload["text"]
        for e in OutboxEvent.objects.filter(name="accounts.security_notice")
        if e.payload["user_id"] == user.pk
    ]


@pytest.mark.parametrize(
    "changes",
    [
        {"last_name": "Петрова"},
        {"first_name": "Мария"},
        {"middle_name": "Ивановна"},
        {"snils": "12345678964"},
    ],
)
def test_changing_name_or_snils_lowers_a_confirmed_account_to_standard(confirmed, changes):
    _save(confirmed, changes)

    assert confirmed.level == User.Level.STANDARD
    row = AuditEvent.objects.get(action="accounts.level_lowered")
    assert row.object_id == str(confirmed.pk)
    assert row.details == {"from": "confirmed", "to": "standard", "reason": "identity_changed"}
    assert any("подтвердите личность заново" in text for text in _notices(confirmed))
    levels = OutboxEvent.objects.filter(name="accounts.level_changed")
    assert [e.payload["to"] for e in levels] == ["standard"]


@pytest.mark.parametrize(
    "changes",
    [
        {"inn": "770712345633"},
        {"passport_series": "4510", "passport_number": "123456"},
        {"registration_address": "г. Тула, ул. Ленина, д. 1"},
    ],
)
def test_a_new_passport_inn_or_address_keeps_the_confirmed_level(confirmed, changes):
    _save(confirmed, changes)

    assert confirmed.level == User.Level.CONFIRMED
    assert not AuditEvent.objects.filter(action="accounts.level_lowered").exists()


def test_a_standard_account_stays_standard(confirmed):
    User.objects.filter(pk=confirmed.pk).update(level="standard")
    confirmed.refresh_from_db()
    _save(confirmed, {"last_name": "Петрова"})
    assert confirmed.level == User.Level.STANDARD
    assert not AuditEvent.objects.filter(action="accounts.level_lowered").exists()


def test_a_correction_by_the_support_desk_keeps_the_level(confirmed):
    _save(confirmed, {"last_name": "Петрова"}, channel=ProfileChange.Channel.SUPPORT)
    assert confirmed.level == User.Level.CONFIRMED


def test_undoing_back_to_another_name_after_confirming_again_lowers_it_again(confirmed):
    rows = _save(confirmed, {"last_name": "Петрова"})
    User.objects.filter(pk=confirmed.pk).update(level="confirmed")  # confirmed anew
    confirmed.refresh_from_db()

    undo_change(user=confirmed, change_id=rows[0].pk, actor=confirmed)

    confirmed.refresh_from_db()
    assert Profile.objects.get(user=confirmed).last_name == "Иванова"
    assert confirmed.level == User.Level.STANDARD


def test_the_edit_page_warns_a_confirmed_person(client, confirmed):
    sign_in_as(client, confirmed)
    assert WARNING in client.get("/profile/edit/").content.decode()


def test_the_edit_page_has_no_warning_for_a_standard_account(client, confirmed):
    User.objects.filter(pk=confirmed.pk).update(level="standard")
    sign_in_as(client, confirmed)
    assert WARNING not in client.get("/profile/edit/").content.decode()


def test_the_confirm_page_warns_before_the_name_is_saved(client, confirmed):
    sign_in_as(client, confirmed)
    data = {
        **VALID,
        "snils": "112-233-445 95",
        "inn": "500100732259",
        "passport_series": "",
        "passport_number": "",
        "passport_issued_on": "",
        "passport_issuer": "",
        "passport_department_code": "",
        "last_name": "Петрова",
    }
    response = client.post("/profile/edit/", data)
    assert response.status_code == 302

    page = client.get("/profile/edit/confirm/").content.decode()
    assert WARNING in page
    confirmed.refresh_from_db()
    assert confirmed.level == User.Level.CONFIRMED  # nothing saved yet

    client.post("/profile/edit/confirm/", {"code": last_code(confirmed.phone)})
    confirmed.refresh_from_db()
    assert Profile.objects.get(user=confirmed).last_name == "Петрова"
    assert confirmed.level == User.Level.STANDARD


def test_the_confirm_page_has_no_warning_for_an_address_change(client, confirmed):
    sign_in_as(client, confirmed)
    data = {
        **VALID,
        "snils": "112-233-445 95",
        "inn": "500100732259",
        "passport_series": "",
        "passport_number": "",
        "passport_issued_on": "",
        "passport_issuer": "",
        "passport_department_code": "",
        "last_name": "Иванова",
        "first_name": "Анна",
        "middle_name": "Сергеевна",
    }
    assert client.post("/profile/edit/", data).status_code == 302
    assert WARNING not in client.get("/profile/edit/confirm/").content.decode()
