"""Birth date and sex change only through support with a supporting document (PROF-3):
the person's request, the support desk's queue, document and decision."""

from datetime import date

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection

from gosportal.core import vault
from gosportal.core.errors import Conflict, Forbidden
from gosportal.core.models import AuditEvent, OutboxEvent
from gosportal.profiles import data_requests
from gosportal.profiles.models import (
    DataChangeRequest,
    Profile,
    ProfileChange,
    Sex,
)
from tests.conftest import sign_in_as
from tests.factories import UserFactory
from tests.profiles.scan_files import pdf_upload, png_bytes, png_upload

pytestmark = pytest.mark.django_db
Status = DataChangeRequest.Status
SUPPORT_GROUP = "Операторы поддержки"


@pytest.fixture
def person():
    user = UserFactory(phone="+79161113355")
    Profile.objects.create(
        user=user,
        last_name="Петров",
        first_name="Иван",
        birth_date=date(1985, 3, 14),
        sex=Sex.MALE,
        passport_series="4510",
        passport_number="123456",
        snils="11223344595",
    )
    return user


def support_group() -> Group:
    """The group made by profiles' migration 0005 (re-made if a flush removed it)."""
    group, _created = Group.objects.get_or_create(name=SUPPORT_GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="profiles", codename="review_data_change")
    )
    return group


@pytest.fixture
def operator():
    user = UserFactory()
    user.groups.add(support_group())
    return user


def submit(user, *, field="birth_date", value=date(1985, 3, 15), upload=None):
    return data_requests.submit_data_change_request(
        user=user,
        field=field,
        value=value,
        reason="Ошибка в дате при регистрации",
        upload=upload or png_upload(),
    )


# --- the person's side ---------------------------------------------------------------------


def test_my_data_offers_a_request_instead_of_editing(client, person):
    sign_in_as(client, person)
    page = client.get("/profile/").content.decode()
    assert "Подать заявку на изменение" in page and 'href="/profile/data-requests/"' in page
    edit = client.get("/profile/edit/").content.decode()
    assert 'name="birth_date"' not in edit and 'name="sex"' not in edit


def test_a_request_with_a_document_is_stored_encrypted(client, person):
    sign_in_as(client, person)
    response = client.post(
        "/profile/data-requests/new/",
        {
            "field": "birth_date",
            "new_birth_date": "15.03.1985",
            "reason": "Ошибка в дате",
            "document": png_upload(),
        },
    )
    assert response["Location"] == "/profile/data-requests/"
    request = DataChangeRequest.objects.get(user=person)
    assert request.status == Status.PENDING and request.new_value == "1985-03-15"
    assert request.document_kind == "png"
    assert vault.raw(request.document_name)[:8] != png_bytes()[:8]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT new_value, reason FROM profiles_datachangerequest WHERE id = %s", [request.pk]
        )
        assert all(value.startswith("gcm1:") for value in cursor.fetchone())
    page = client.get("/profile/data-requests/").content.decode()
    assert "15.03.1985" in page and "На рассмотрении" in page and "Отозвать заявку" in page
    assert Profile.objects.get(user=person).birth_date == date(1985, 3, 14)


def test_a_sex_change_request_is_accepted(client, person):
    sign_in_as(client, person)
    response = client.post(
        "/profile/data-requests/new/?field=sex",
        {"field": "sex", "new_sex": "female", "reason": "Решение суда", "document": pdf_upload()},
    )
    assert response["Location"] == "/profile/data-requests/"
    assert DataChangeRequest.objects.get(user=person).new_value == "female"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"new_birth_date": "31.02.1985"}, "Новая дата рождения: укажите существующую дату"),
        ({"new_birth_date": ""}, "Новая дата рождения: заполните поле."),
        ({"new_birth_date": "14.03.1985"}, "Новое значение совпадает с указанным"),
        ({"reason": ""}, "Причина изменения: заполните поле."),
        ({"document": None}, "Подтверждающий документ: приложите файл."),
    ],
)
def test_bad_input_is_named_and_the_typed_value_kept(client, person, data, message):
    sign_in_as(client, person)
    post = {
        "field": "birth_date",
        "new_birth_date": "15.03.1985",
        "reason": "Ошибка в дате",
        "document": png_upload(),
        **data,
    }
    post = {key: value for key, value in post.items() if value is not None}
    response = client.post("/profile/data-requests/new/", post)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    if post.get("reason"):
        assert "Ошибка в дате" in page
    assert not DataChangeRequest.objects.exists()


def test_a_file_that_is_not_a_scan_is_refused(client, person):
    from django.core.files.uploadedfile import SimpleUploadedFile

    sign_in_as(client, person)
    fake = SimpleUploadedFile("scan.png", b"MZ\x90\x00 not an image", content_type="image/png")
    response = client.post(
        "/profile/data-requests/new/",
        {"field": "birth_date", "new_birth_date": "15.03.1985", "reason": "x", "document": fake},
    )
    assert "scan.png" in response.content.decode()
    assert not DataChangeRequest.objects.exists()


def test_one_pending_request_per_field(person):
    submit(person)
    with pytest.raises(Conflict):
        submit(person, value=date(1985, 3, 16))
    submit(person, field="sex", value="female")  # another field is fine
    assert DataChangeRequest.objects.filter(user=person, status=Status.PENDING).count() == 2


def test_a_request_needs_a_value_already_set(client):
    user = UserFactory()
    Profile.objects.create(user=user)
    sign_in_as(client, user)
    response = client.get("/profile/data-requests/new/?field=birth_date", follow=True)
    assert "Дата рождения ещё не указана" in response.content.decode()


def test_an_unknown_field_is_404(client, person):
    sign_in_as(client, person)
    assert client.get("/profile/data-requests/new/?field=last_name").status_code == 404


def test_the_person_cancels_a_pending_request(client, person):
    request = submit(person)
    sign_in_as(client, person)
    response = client.post(f"/profile/data-requests/{request.pk}/cancel/")
    assert response["Location"] == "/profile/data-requests/"
    request.refresh_from_db()
    assert request.status == Status.CANCELLED
    client.post(f"/profile/data-requests/{request.pk}/cancel/")
    request.refresh_from_db()
    assert request.status == Status.CANCELLED


def test_another_persons_request_cannot_be_cancelled(client, person):
    request = submit(person)
    sign_in_as(client, UserFactory())
    assert client.post(f"/profile/data-requests/{request.pk}/cancel/").status_code == 404
    assert client.get("/profile/data-requests/").content.decode().count("15.03.1985") == 0
    request.refresh_from_db()
    assert request.status == Status.PENDING


# --- the support desk ------------------------------------------------------------------------


def test_the_support_group_has_the_permission():
    group = Group.objects.get(name=SUPPORT_GROUP)
    assert group.permissions.filter(codename="review_data_change").exists()


@pytest.mark.parametrize("who", ["anonymous", "citizen", "operator_without_permission", "owner"])
@pytest.mark.parametrize("suffix", ["", "{pk}/", "{pk}/document/"])
def test_the_desk_is_closed_to_those_without_the_permission(client, person, who, suffix):
    request = submit(person)
    other_operator = UserFactory()
    other_operator.groups.add(Group.objects.get_or_create(name="Операторы центров обслуживания")[0])
    users = {"citizen": UserFactory(), "operator_without_permission": other_operator}
    users["owner"] = person
    if who != "anonymous":
        sign_in_as(client, users[who])
    response = client.get("/desk/data-requests/" + suffix.format(pk=request.pk))
    if who == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403
    assert client.post(
        f"/desk/data-requests/{request.pk}/", {"decision": "approve"}
    ).status_code in (302, 403)
    request.refresh_from_db()
    assert request.status == Status.PENDING


def test_the_operator_sees_the_queue_and_the_card(client, person, operator):
    request = submit(person)
    sign_in_as(client, operator)
    queue = client.get("/desk/data-requests/").content.decode()
    assert f"Заявка № {request.pk}" in queue and "15.03.1985" in queue
    card = client.get(f"/desk/data-requests/{request.pk}/").content.decode()
    assert "14.03.1985" in card and "15.03.1985" in card and "Ошибка в дате" in card
    assert client.get("/desk/data-requests/999999/").status_code == 404


def test_the_document_is_streamed_to_the_operator_only_and_not_cached(client, person, operator):
    request = submit(person)
    sign_in_as(client, operator)
    response = client.get(f"/desk/data-requests/{request.pk}/document/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "no-store"
    assert response.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert AuditEvent.objects.filter(action="profiles.data_request_document_viewed").exists()


def test_approval_changes_the_data_through_support_and_rechecks(client, person, operator):
    request = submit(person)
    sign_in_as(client, operator)
    response = client.post(f"/desk/data-requests/{request.pk}/", {"decision": "approve"})
    assert response["Location"] == "/desk/data-requests/"
    request.refresh_from_db()
    assert request.status == Status.APPROVED and request.operator_id == operator.pk
    assert Profile.objects.get(user=person).birth_date == date(1985, 3, 15)
    change = ProfileChange.objects.get(user=person, field="birth_date")
    assert change.channel == ProfileChange.Channel.SUPPORT and change.actor_id == operator.pk
    # The same event as any data change: the registry checks subscribe to it (REG-2).
    event = OutboxEvent.objects.get(name="profiles.changed")
    assert event.payload == {"user_id": person.pk, "fields": ["birth_date"]}
    notices = OutboxEvent.objects.filter(name="accounts.security_notice")
    assert any("Ваша заявка одобрена" in n.payload["text"] for n in notices)


def test_rejection_needs_a_reason_and_tells_the_person(client, person, operator):
    request = submit(person)
    sign_in_as(client, operator)
    response = client.post(f"/desk/data-requests/{request.pk}/", {"decision": "reject"})
    assert "Причина отказа: заполните поле." in response.content.decode()
    request.refresh_from_db()
    assert request.status == Status.PENDING
    client.post(
        f"/desk/data-requests/{request.pk}/",
        {"decision": "reject", "reason": "Документ нечитаем"},
    )
    request.refresh_from_db()
    assert request.status == Status.REJECTED and request.decision_reason == "Документ нечитаем"
    assert Profile.objects.get(user=person).birth_date == date(1985, 3, 14)
    notices = OutboxEvent.objects.filter(name="accounts.security_notice")
    assert any("Документ нечитаем" in n.payload["text"] for n in notices)
    sign_in_as(client, person)
    assert "Документ нечитаем" in client.get("/profile/data-requests/").content.decode()


def test_a_request_is_not_decided_twice(person, operator):
    request = submit(person)
    data_requests.approve_data_change_request(operator=operator, request_id=request.pk)
    with pytest.raises(Conflict):
        data_requests.reject_data_change_request(
            operator=operator, request_id=request.pk, reason="поздно"
        )
    assert ProfileChange.objects.filter(user=person, field="birth_date").count() == 1


def test_an_operator_cannot_decide_their_own_request(person):
    person.groups.add(support_group())
    request = submit(person)
    with pytest.raises(Forbidden):
        data_requests.approve_data_change_request(operator=person, request_id=request.pk)
    request.refresh_from_db()
    assert request.status == Status.PENDING


def test_a_cancelled_request_cannot_be_approved(person, operator):
    request = submit(person)
    data_requests.cancel_data_change_request(user=person, request_id=request.pk)
    with pytest.raises(Conflict):
        data_requests.approve_data_change_request(operator=operator, request_id=request.pk)


def test_the_permission_alone_opens_the_desk(client, person):
    request = submit(person)
    user = UserFactory()
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="profiles", codename="review_data_change")
    )
    sign_in_as(client, user)
    assert client.get(f"/desk/data-requests/{request.pk}/").status_code == 200


def test_erasure_removes_the_requests_and_their_files(person, django_capture_on_commit_callbacks):
    request = submit(person)
    assert vault.exists(request.document_name)
    with django_capture_on_commit_callbacks(execute=True):
        data_requests.erase_data_requests(person)
    assert not DataChangeRequest.objects.filter(user=person).exists()
    assert not vault.exists(request.document_name)


def test_the_desk_index_lists_the_queue_for_operators(client, operator):
    sign_in_as(client, operator)
    page = client.get("/desk/").content.decode()
    assert 'href="/desk/data-requests/"' in page


def test_an_operators_own_request_shows_no_decision_buttons(client, person):
    person.groups.add(support_group())
    request = submit(person)
    sign_in_as(client, person)
    page = client.get(f"/desk/data-requests/{request.pk}/").content.decode()
    assert "Это ваша собственная заявка" in page and "Одобрить и изменить данные" not in page
    response = client.post(f"/desk/data-requests/{request.pk}/", {"decision": "approve"})
    assert "Нельзя рассматривать собственную заявку." in response.content.decode()
    request.refresh_from_db()
    assert request.status == Status.PENDING


def test_a_person_may_file_five_requests_a_day(person):
    from gosportal.core.errors import RateLimited

    for _ in range(5):
        request = submit(person)
        data_requests.cancel_data_change_request(user=person, request_id=request.pk)
    with pytest.raises(RateLimited):
        submit(person)
    assert DataChangeRequest.objects.filter(user=person).count() == 5


def test_a_withdrawn_request_loses_its_document(person, django_capture_on_commit_callbacks):
    request = submit(person)
    assert vault.exists(request.document_name)

    with django_capture_on_commit_callbacks(execute=True):
        data_requests.cancel_data_change_request(user=person, request_id=request.pk)

    assert not vault.exists(request.document_name)
    request.refresh_from_db()
    assert request.status == Status.CANCELLED


def test_an_operator_cannot_decide_the_request_of_their_other_account(person):
    # REG-6: the same person (same passport, name and birth date) in a second account.
    other_account = UserFactory()
    Profile.objects.create(
        user=other_account,
        last_name="Петров",
        first_name="Иван",
        birth_date=date(1985, 3, 14),
        passport_series="4510",
        passport_number="123456",
    )
    other_account.groups.add(support_group())
    request = submit(person)

    with pytest.raises(Forbidden):
        data_requests.approve_data_change_request(operator=other_account, request_id=request.pk)

    request.refresh_from_db()
    assert request.status == Status.PENDING


def test_same_person_is_matched_by_passport_or_by_name_and_birth_date(person):
    from gosportal.profiles.selectors import same_person

    def account(**data):
        user = UserFactory()
        Profile.objects.create(user=user, **data)
        return user

    by_passport = account(last_name="Иванов", passport_series="4510", passport_number="123456")
    by_name = account(last_name="ПЕТРОВ", first_name="иван", birth_date=date(1985, 3, 14))
    stranger = account(
        last_name="Петров",
        first_name="Иван",
        birth_date=date(1990, 1, 1),
        passport_series="4510",
        passport_number="654321",
    )
    assert same_person(person, person)
    assert same_person(person, by_passport) and same_person(by_passport, person)
    assert same_person(person, by_name)
    assert not same_person(person, stranger)
    assert not same_person(person, UserFactory())  # no data to compare
