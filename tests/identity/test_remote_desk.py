"""Remote-check desk (REG-3): operators with ``identity.review_remote_check`` see the
queue oldest first, open a request with the typed data, the OCR result and both
pictures (streamed, never cached), and confirm or refuse it once; nobody reviews their
own request; everyone else is kept out of every desk route."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.shortcuts import resolve_url

from gosportal.accounts.models import User
from gosportal.core import vault
from gosportal.core.errors import Conflict
from gosportal.core.models import AuditEvent
from gosportal.identity import remote
from gosportal.identity.models import Confirmation, RemoteCheck
from tests.conftest import sign_in_as
from tests.factories import UserFactory
from tests.identity.remote_support import (
    OPERATOR_GROUP,
    no_tesseract,
    notices_to,
    passport_upload,
    remote_operator,
    selfie_upload,
    standard_citizen,
    submitted_check,
    uploaded_check,
)

pytestmark = pytest.mark.django_db
QUEUE = "/desk/remote-checks/"


@pytest.fixture
def operator():
    return remote_operator()


@pytest.fixture
def fast_check(monkeypatch):
    """A submitted request whose OCR step ended as «unavailable» (no Tesseract run)."""
    return submitted_check(standard_citizen(), monkeypatch)


def routes(check_id: int) -> list[str]:
    return [
        QUEUE,
        f"{QUEUE}{check_id}/",
        f"{QUEUE}{check_id}/passport/",
        f"{QUEUE}{check_id}/selfie/",
    ]


# --- who gets in -------------------------------------------------------------------------


def test_migration_creates_the_operator_group_with_the_permission():
    group = Group.objects.get(name=OPERATOR_GROUP)

    assert list(group.permissions.values_list("codename", flat=True)) == ["review_remote_check"]


@pytest.mark.parametrize("who", ["anonymous", "citizen", "applicant", "other_operator"])
@pytest.mark.parametrize("index", [0, 1, 2, 3])
def test_only_remote_check_operators_get_in(client, fast_check, who, index):
    url = routes(fast_check.pk)[index]
    if who == "citizen":
        sign_in_as(client, standard_citizen())
    elif who == "applicant":
        sign_in_as(client, fast_check.confirmation.user)
    elif who == "other_operator":
        service_centre = UserFactory()
        service_centre.user_permissions.add(
            Permission.objects.get(codename="confirm_in_service_centre")
        )
        sign_in_as(client, service_centre)

    response = client.get(url)

    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url("accounts:login"))
    else:
        assert response.status_code in (403, 404)
        assert b"\xff\xd8\xff" not in response.content


@pytest.mark.parametrize("who", ["anonymous", "citizen", "applicant"])
def test_nobody_but_an_operator_can_decide(client, fast_check, who):
    if who == "citizen":
        sign_in_as(client, standard_citizen())
    elif who == "applicant":
        sign_in_as(client, fast_check.confirmation.user)

    response = client.post(f"{QUEUE}{fast_check.pk}/", {"decision": "confirm"})

    assert response.status_code in (302, 403)
    fast_check.confirmation.refresh_from_db()
    assert fast_check.confirmation.status == Confirmation.Status.PENDING
    fast_check.confirmation.user.refresh_from_db()
    assert fast_check.confirmation.user.level == User.Level.STANDARD


def test_operator_opens_every_route(client, operator, fast_check):
    sign_in_as(client, operator)

    for url in routes(fast_check.pk):
        assert client.get(url).status_code == 200, url


# --- the queue ---------------------------------------------------------------------------


def test_queue_lists_submitted_requests_oldest_first_without_personal_data(
    client, operator, monkeypatch
):
    first = submitted_check(standard_citizen(), monkeypatch)
    second = submitted_check(standard_citizen(), monkeypatch)
    not_sent = uploaded_check(standard_citizen())
    sign_in_as(client, operator)

    body = client.get(QUEUE).content.decode()

    assert body.index(f"Заявка № {first.pk}") < body.index(f"Заявка № {second.pk}")
    assert f"Заявка № {not_sent.pk}" not in body
    assert "Распознавание не выполнено" in body
    assert "Петров" not in body and "ПЕТРОВ" not in body and "123456" not in body


def test_operators_own_request_is_not_in_their_queue_and_cannot_be_opened(client, monkeypatch):
    operator = standard_citizen()
    operator.groups.add(remote_operator().groups.get())
    own = submitted_check(operator, monkeypatch)
    sign_in_as(client, operator)

    assert f"Заявка № {own.pk}" not in client.get(QUEUE).content.decode()
    assert client.get(f"{QUEUE}{own.pk}/").status_code == 403
    assert client.post(f"{QUEUE}{own.pk}/", {"decision": "confirm"}).status_code == 403
    own.confirmation.refresh_from_db()
    assert own.confirmation.status == Confirmation.Status.PENDING


def test_unknown_and_unsent_requests_are_not_found(client, operator):
    not_sent = uploaded_check(standard_citizen())
    sign_in_as(client, operator)

    assert client.get(f"{QUEUE}{not_sent.pk}/").status_code == 404
    assert client.get(f"{QUEUE}{not_sent.pk}/passport/").status_code == 404
    assert client.get(f"{QUEUE}999999/").status_code == 404
    assert client.get(f"{QUEUE}{not_sent.pk}/other/").status_code == 404


# --- the card ----------------------------------------------------------------------------


def test_card_shows_typed_data_ocr_mismatches_and_both_pictures(client, operator):
    citizen = standard_citizen(number="654321")
    check = submitted_check(citizen)  # Tesseract reads the page: the number differs
    sign_in_as(client, operator)

    response = client.get(f"{QUEUE}{check.pk}/")

    body = response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert "Петров Иван Сергеевич" in body
    assert "Номер паспорта" in body and "654321" in body and "123456" in body
    assert "Контрольные цифры верны" in body
    assert f"/desk/remote-checks/{check.pk}/passport/" in body
    assert f"/desk/remote-checks/{check.pk}/selfie/" in body
    assert "/media/" not in body
    assert AuditEvent.objects.filter(action="identity.remote_viewed", actor_id=operator.pk).exists()


def test_pictures_are_streamed_decrypted_and_never_cached(client, operator, fast_check):
    sign_in_as(client, operator)

    passport = client.get(f"{QUEUE}{fast_check.pk}/passport/")
    selfie = client.get(f"{QUEUE}{fast_check.pk}/selfie/")

    assert passport["Content-Type"] == "image/png"
    assert passport.content == vault.read(fast_check.passport_file, purpose=remote.PASSPORT_PURPOSE)
    assert selfie["Content-Type"] == "image/jpeg"
    assert selfie.content[:3] == b"\xff\xd8\xff"
    assert passport["Cache-Control"] == selfie["Cache-Control"] == "no-store"


def test_a_pdf_scan_is_shown_as_a_picture_of_its_first_page(client, operator, monkeypatch):
    citizen = standard_citizen()
    check = remote.start_remote_check(
        user=citizen,
        passport=passport_upload(image_format="PDF"),
        selfie=selfie_upload(),
    )
    no_tesseract(monkeypatch)
    remote.run_ocr(check_id=check.pk)
    remote.submit_for_review(user=citizen, check_id=check.pk)
    sign_in_as(client, operator)

    response = client.get(f"{QUEUE}{check.pk}/passport/")

    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")


# --- decisions ---------------------------------------------------------------------------


def test_confirming_makes_the_account_confirmed_and_tells_the_person(
    client, operator, fast_check, django_capture_on_commit_callbacks
):
    files = (fast_check.passport_file, fast_check.selfie_file)
    sign_in_as(client, operator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{QUEUE}{fast_check.pk}/", {"decision": "confirm"}, follow=True)

    assert "Личность подтверждена. Заявитель получит уведомление." in response.content.decode()
    confirmation = Confirmation.objects.get(pk=fast_check.confirmation_id)
    assert confirmation.status == Confirmation.Status.CONFIRMED
    assert confirmation.operator_id == operator.pk
    person = confirmation.user
    person.refresh_from_db()
    assert person.level == User.Level.CONFIRMED
    assert any("подтвердил личность" in text for text in notices_to(person))
    assert AuditEvent.objects.filter(
        action="identity.remote_confirmed", actor_id=operator.pk
    ).exists()
    assert not any(vault.exists(name) for name in files)
    assert RemoteCheck.objects.get(pk=fast_check.pk).passport_file == ""


def test_refusal_needs_a_reason(client, operator, fast_check):
    sign_in_as(client, operator)

    response = client.post(f"{QUEUE}{fast_check.pk}/", {"decision": "reject", "reason": " "})

    assert response.status_code == 400
    assert "Укажите причину отказа: от 5 до 300 символов." in response.content.decode()
    fast_check.confirmation.refresh_from_db()
    assert fast_check.confirmation.status == Confirmation.Status.PENDING


def test_refusal_tells_the_person_the_reason_and_keeps_the_account_standard(
    client, operator, fast_check
):
    sign_in_as(client, operator)
    reason = "Фото паспорта размыто, серия не читается"

    response = client.post(
        f"{QUEUE}{fast_check.pk}/", {"decision": "reject", "reason": reason}, follow=True
    )

    assert "В подтверждении отказано" in response.content.decode()
    confirmation = Confirmation.objects.get(pk=fast_check.confirmation_id)
    assert confirmation.status == Confirmation.Status.REJECTED
    assert confirmation.reason == reason
    confirmation.user.refresh_from_db()
    assert confirmation.user.level == User.Level.STANDARD
    assert any(reason in text for text in notices_to(confirmation.user))


def test_a_request_is_decided_only_once(client, operator, fast_check):
    second = remote_operator()
    remote.confirm_remote_check(operator=operator, check_id=fast_check.pk)

    with pytest.raises(Conflict):
        remote.reject_remote_check(operator=second, check_id=fast_check.pk, reason="Другое лицо")
    sign_in_as(client, second)
    response = client.post(
        f"{QUEUE}{fast_check.pk}/", {"decision": "reject", "reason": "Другое лицо"}, follow=True
    )

    assert "Заявка уже рассмотрена." in response.content.decode()
    confirmation = Confirmation.objects.get(pk=fast_check.confirmation_id)
    assert confirmation.status == Confirmation.Status.CONFIRMED
    assert confirmation.operator_id == operator.pk
    assert AuditEvent.objects.filter(action__startswith="identity.remote_rejected").count() == 0


def test_remote_check_desk_is_listed_on_the_desk_index(client, operator):
    sign_in_as(client, operator)

    body = client.get("/desk/").content.decode()

    assert 'href="/desk/remote-checks/"' in body
    assert "Удалённая проверка паспорта" in body


def test_an_operator_cannot_decide_the_request_of_their_other_account(client, monkeypatch):
    # REG-6: one person, two accounts: the second holds the same passport and name.
    citizen = standard_citizen()
    check = submitted_check(citizen, monkeypatch)
    other_account = standard_citizen()
    other_account.groups.add(remote_operator().groups.get())
    sign_in_as(client, other_account)

    assert client.get(f"{QUEUE}{check.pk}/").status_code == 403
    assert client.post(f"{QUEUE}{check.pk}/", {"decision": "confirm"}).status_code == 403
    check.confirmation.refresh_from_db()
    assert check.confirmation.status == Confirmation.Status.PENDING
