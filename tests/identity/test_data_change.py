"""A change of the person's identity data ends their pending confirmations, and an
operator cannot confirm a remote check against data changed since it was sent."""

from datetime import timedelta

import pytest

from gosportal.accounts.models import User
from gosportal.core import events, vault
from gosportal.core.errors import Conflict
from gosportal.identity import remote
from gosportal.identity.data_changes import cancel_on_data_change
from gosportal.identity.models import Confirmation, RemoteCheck
from gosportal.identity.pending import open_pending
from gosportal.profiles.models import Profile, ProfileChange
from gosportal.profiles.services import update_profile
from tests.conftest import sign_in_as
from tests.identity.remote_support import (
    remote_operator,
    standard_citizen,
    submitted_check,
    uploaded_check,
)

pytestmark = pytest.mark.django_db


def _pending(user, method):
    return open_pending(user=user, method=method, code_hash="x", validity=timedelta(days=30))


def _deliver_changed(user, fields):
    """What the outbox hands to identity after «Мои данные» were saved."""
    event = events.emit(events.Event("profiles.changed", {"user_id": user.pk, "fields": fields}))
    cancel_on_data_change(event)


@pytest.mark.parametrize(
    "field", ["last_name", "first_name", "birth_date", "passport_number", "snils"]
)
def test_a_change_of_identity_data_cancels_every_pending_confirmation(field):
    user = standard_citizen()
    letter = _pending(user, Confirmation.Method.POST_LETTER)
    centre = _pending(user, Confirmation.Method.SERVICE_CENTRE)
    card = _pending(user, Confirmation.Method.CARD)

    _deliver_changed(user, [field])

    for confirmation in (letter, centre, card):
        confirmation.refresh_from_db()
        assert confirmation.status == Confirmation.Status.CANCELLED
        assert confirmation.reason == "Изменены персональные данные"
        assert confirmation.code_hash == ""


def test_a_change_of_the_inn_or_address_keeps_pending_confirmations():
    user = standard_citizen()
    letter = _pending(user, Confirmation.Method.POST_LETTER)

    _deliver_changed(user, ["inn", "registration_address"])

    letter.refresh_from_db()
    assert letter.status == Confirmation.Status.PENDING


def test_saving_my_data_announces_the_changed_field_names_that_identity_acts_on():
    user = standard_citizen()
    letter = _pending(user, Confirmation.Method.POST_LETTER)
    update_profile(
        user=user,
        changes={"passport_number": "654321"},
        channel=ProfileChange.Channel.WEB,
        actor=user,
    )
    event = events.OutboxEvent.objects.get(name="profiles.changed")
    assert event.payload == {"user_id": user.pk, "fields": ["passport_number"]}

    cancel_on_data_change(event)

    letter.refresh_from_db()
    assert letter.status == Confirmation.Status.CANCELLED


def test_a_remote_check_sent_to_the_operators_ends_and_its_pictures_go(
    monkeypatch, django_capture_on_commit_callbacks
):
    user = standard_citizen()
    check = submitted_check(user, monkeypatch)
    files = (check.passport_file, check.selfie_file)

    with django_capture_on_commit_callbacks(execute=True):
        _deliver_changed(user, ["last_name"])

    check.refresh_from_db()
    assert check.confirmation.status == Confirmation.Status.CANCELLED
    assert check.passport_file == "" and check.selfie_file == ""
    assert not any(vault.exists(name) for name in files)


def test_a_remote_check_not_yet_sent_stays_so_the_person_can_correct_the_data():
    user = standard_citizen()
    check = uploaded_check(user)

    _deliver_changed(user, ["passport_number"])

    check.refresh_from_db()
    assert check.confirmation.status == Confirmation.Status.PENDING
    assert check.passport_file


def test_operator_cannot_confirm_a_remote_check_after_the_data_changed(monkeypatch):
    user = standard_citizen()
    check = submitted_check(user, monkeypatch)
    Profile.objects.filter(user=user).update(last_name="Сидоров")

    with pytest.raises(Conflict) as caught:
        remote.confirm_remote_check(operator=remote_operator(), check_id=check.pk)

    assert caught.value.code == "data_changed"
    assert "после отправки" in str(caught.value)
    user.refresh_from_db()
    assert user.level == User.Level.STANDARD
    assert Confirmation.objects.get(pk=check.confirmation_id).status == Confirmation.Status.PENDING


def test_operator_sees_why_the_remote_check_cannot_be_confirmed(client, monkeypatch):
    user = standard_citizen()
    check = submitted_check(user, monkeypatch)
    Profile.objects.filter(user=user).update(passport_number="654321")
    operator = remote_operator()
    sign_in_as(client, operator)

    response = client.post(f"/desk/remote-checks/{check.pk}/", {"decision": "confirm"}, follow=True)

    assert "изменил ФИО, дату рождения, паспорт или СНИЛС" in response.content.decode()
    user.refresh_from_db()
    assert user.level == User.Level.STANDARD


def test_the_data_at_submission_are_remembered_as_a_hash_only(monkeypatch):
    user = standard_citizen()
    check = submitted_check(user, monkeypatch)
    check = RemoteCheck.objects.get(pk=check.pk)
    assert len(check.identity_hash) == 64
    assert "Петров" not in check.identity_hash
