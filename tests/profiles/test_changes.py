"""History of data changes and undo of the last one within 30 minutes (PROF-4)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from gosportal.integrations.models import SandboxMessage
from gosportal.profiles.models import Profile, ProfileChange
from gosportal.profiles.services import update_profile
from tests.conftest import sign_in_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
WEB = ProfileChange.Channel.WEB


@pytest.fixture
def user():
    user = UserFactory(phone="+79161112233")
    Profile.objects.create(
        user=user, passport_series="4508", passport_number="654321", snils="11223344595"
    )
    return user


@pytest.fixture
def signed_in(client, user):
    return sign_in_as(client, user)


def change_passport_and_snils(user):
    return update_profile(
        user=user,
        changes={"passport_number": "123456", "snils": "12345678964", "inn": "500100732259"},
        channel=WEB,
        actor=user,
    )


def last_code(recipient: str) -> str:
    message = SandboxMessage.objects.filter(recipient=recipient).order_by("-id").first()
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def undo(client, user, change_id):
    response = client.post("/profile/history/undo/", {"change": change_id})
    if response["Location"] != "/profile/history/undo/confirm/":
        return response
    return client.post("/profile/history/undo/confirm/", {"code": last_code(user.phone)})


def test_history_shows_masked_old_and_new_values(signed_in, user):
    change_passport_and_snils(user)
    page = signed_in.get("/profile/history/").content.decode()
    assert "Номер паспорта" in page and "45 08 ****21" in page and "45 08 ****56" in page
    assert "***-***-445 95" in page and "***-***-789 64" in page
    assert "********2259" in page
    assert "654321" not in page and "123456" not in page and "500100732259" not in page
    assert "личный кабинет" in page and ">вы<" in page


def test_the_old_raw_value_is_kept_encrypted_for_undo(user):
    rows = change_passport_and_snils(user)
    row = next(r for r in rows if r.field == "passport_number")
    assert ProfileChange.objects.get(pk=row.pk).old_value == "654321"
    raw = ProfileChange.objects.filter(pk=row.pk).values_list("old_value", flat=True)
    # values_list goes through the field too; read the column directly.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT old_value FROM profiles_profilechange WHERE id = %s", [row.pk])
        assert cursor.fetchone()[0].startswith("gcm1:")
    assert list(raw) == ["654321"]


def test_history_is_newest_first_and_says_who(signed_in, user):
    support = UserFactory(is_staff=True)
    update_profile(user=user, changes={"first_name": "Анна"}, channel=WEB, actor=user)
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        update_profile(
            user=user,
            changes={"last_name": "Петрова"},
            channel=ProfileChange.Channel.SUPPORT,
            actor=support,
        )
    page = signed_in.get("/profile/history/").content.decode()
    assert page.index("Фамилия") < page.index("Имя</td>")
    assert "служба поддержки" in page


def test_history_pages_by_50(signed_in, user):
    for n in range(51):
        ProfileChange.objects.create(
            user=user, field="first_name", new_display=f"v{n}", channel=WEB
        )
    first = signed_in.get("/profile/history/").content.decode()
    assert first.count("<tr>") == 51  # header + 50
    assert 'href="?page=2"' in first
    assert signed_in.get("/profile/history/?page=2").content.decode().count("<tr>") == 2
    assert signed_in.get("/profile/history/?page=zzz").status_code == 200


def test_history_shows_only_the_own_changes(client, user):
    change_passport_and_snils(user)
    sign_in_as(client, UserFactory())
    page = client.get("/profile/history/").content.decode()
    assert "***-***-445 95" not in page
    assert "Отменить последнее изменение" not in page


def test_undo_within_30_minutes_restores_the_values(signed_in, user):
    rows = change_passport_and_snils(user)
    assert "Отменить последнее изменение" in signed_in.get("/profile/history/").content.decode()
    with time_machine.travel(timezone.now() + timedelta(minutes=29)):
        response = undo(signed_in, user, rows[0].pk)
    assert response["Location"] == "/profile/history/"
    profile = Profile.objects.get(user=user)
    assert profile.passport_number == "654321" and profile.snils == "11223344595"
    assert profile.inn is None
    assert all(r.undone_at for r in ProfileChange.objects.filter(pk__in=[r.pk for r in rows]))
    undo_rows = ProfileChange.objects.filter(user=user, channel=ProfileChange.Channel.UNDO)
    assert set(undo_rows.values_list("field", flat=True)) == {"passport_number", "snils", "inn"}
    assert "Отменить последнее изменение" not in signed_in.get("/profile/history/").content.decode()


def test_undo_needs_the_right_code(signed_in, user):
    rows = change_passport_and_snils(user)
    signed_in.post("/profile/history/undo/", {"change": rows[0].pk})
    response = signed_in.post("/profile/history/undo/confirm/", {"code": "12"})
    assert response.status_code == 200 and "Код — 6 цифр" in response.content.decode()
    assert Profile.objects.get(user=user).passport_number == "123456"


def keep_session_alive(client, minutes: int) -> None:
    """The idle session itself ends after 30 minutes; a visit in between keeps it."""
    with time_machine.travel(timezone.now() + timedelta(minutes=minutes)):
        client.get("/profile/")


def test_undo_after_30_minutes_is_refused(signed_in, user):
    rows = change_passport_and_snils(user)
    keep_session_alive(signed_in, 20)
    with time_machine.travel(timezone.now() + timedelta(minutes=30, seconds=1)):
        page = signed_in.get("/profile/history/").content.decode()
        assert "Отменить последнее изменение" not in page
        response = signed_in.post("/profile/history/undo/", {"change": rows[0].pk}, follow=True)
    assert "только в течение 30 минут" in response.content.decode()
    assert Profile.objects.get(user=user).passport_number == "123456"
    assert not SandboxMessage.objects.exists()


def test_undo_refused_when_the_window_ends_while_typing_the_code(signed_in, user):
    rows = change_passport_and_snils(user)
    keep_session_alive(signed_in, 20)
    with time_machine.travel(timezone.now() + timedelta(minutes=29, seconds=30)):
        signed_in.post("/profile/history/undo/", {"change": rows[0].pk})
    code = last_code(user.phone)
    with time_machine.travel(timezone.now() + timedelta(minutes=30, seconds=1)):
        response = signed_in.post("/profile/history/undo/confirm/", {"code": code}, follow=True)
    assert "только в течение 30 минут" in response.content.decode()
    assert Profile.objects.get(user=user).passport_number == "123456"


def test_undo_of_another_users_change_is_not_found(client, user):
    rows = change_passport_and_snils(user)
    sign_in_as(client, UserFactory())
    assert client.post("/profile/history/undo/", {"change": rows[0].pk}).status_code == 404
    assert Profile.objects.get(user=user).passport_number == "123456"


@pytest.mark.parametrize("value", ["", "abc", "-1", "999999999"])
def test_undo_with_a_bad_change_id_is_refused(signed_in, user, value):
    response = signed_in.post("/profile/history/undo/", {"change": value})
    assert response.status_code in (302, 404)


def test_undo_by_anonymous_goes_to_sign_in(client, user):
    rows = change_passport_and_snils(user)
    response = client.post("/profile/history/undo/", {"change": rows[0].pk})
    assert response["Location"].startswith("/accounts/login/")


def test_two_saves_only_the_last_is_undone(signed_in, user):
    update_profile(user=user, changes={"first_name": "Анна"}, channel=WEB, actor=user)
    first = ProfileChange.objects.get(field="first_name")
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        update_profile(user=user, changes={"first_name": "Мария"}, channel=WEB, actor=user)
        last = ProfileChange.objects.filter(field="first_name").order_by("-changed_at").first()
        response = signed_in.post("/profile/history/undo/", {"change": first.pk}, follow=True)
        assert "Отменить можно только последнее изменение." in response.content.decode()
        undo(signed_in, user, last.pk)
    assert Profile.objects.get(user=user).first_name == "Анна"
    first.refresh_from_db()
    assert first.undone_at is None
