"""Further documents of «Мои данные» (PROF-1): driver licence, OMS policy, vehicle
registration certificates and children's birth certificates, each change confirmed by a
one-time code, recorded masked in the history and undoable within 30 minutes (PROF-4)."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from gosportal.core.models import AuditEvent, OutboxEvent
from gosportal.integrations.models import SandboxMessage
from gosportal.profiles import documents
from gosportal.profiles.models import PersonalDocument, ProfileChange
from tests.conftest import sign_in_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Kind = PersonalDocument.Kind
WEB = ProfileChange.Channel.WEB

LICENCE = {
    "series_number": "99 12 345678",
    "issued_on": "10.06.2020",
    "valid_until": "10.06.2030",
    "categories": ["B", "A"],
}
POLICY = {"number": "7750 8908 1234 5678", "issued_on": ""}
VEHICLE = {
    "series_number": "77 уа 123456",
    "vehicle_model": "Лада  Веста",
    "plate_number": "a123bc 777",
    "vin": "xta21700080123456",
    "issued_on": "01.02.2021",
}
CERTIFICATE = {
    "series": "iv-мю",
    "number": "654321",
    "child_last_name": "Петрова",
    "child_first_name": "Мария",
    "child_middle_name": "Ивановна",
    "child_birth_date": "05.05.2015",
    "issued_on": "20.05.2015",
}


@pytest.fixture
def user():
    return UserFactory(phone="+79161112244")


@pytest.fixture
def signed_in(client, user):
    return sign_in_as(client, user)


def last_code(recipient: str) -> str:
    message = SandboxMessage.objects.filter(recipient=recipient).order_by("-id").first()
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def confirm(client, user):
    response = client.post("/profile/documents/confirm/", {"code": last_code(user.phone)})
    assert response.status_code == 302 and response["Location"] == "/profile/documents/"
    return response


def add(client, user, kind, data):
    response = client.post(f"/profile/documents/add/{kind}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == "/profile/documents/confirm/"
    return confirm(client, user)


def make_licence(user) -> PersonalDocument:
    documents.apply_document_change(
        user=user,
        op=documents.ADD,
        kind=Kind.DRIVER_LICENCE,
        document_id=None,
        values={
            "series": "9912",
            "number": "345678",
            "issued_on": date(2020, 6, 10),
            "valid_until": date(2030, 6, 10),
            "categories": "B",
        },
        channel=WEB,
        actor=user,
    )
    return PersonalDocument.objects.get(user=user, kind=Kind.DRIVER_LICENCE)


# --- adding --------------------------------------------------------------------------------


def test_a_driver_licence_is_added_after_the_code(signed_in, user):
    add(signed_in, user, Kind.DRIVER_LICENCE, LICENCE)
    licence = PersonalDocument.objects.get(user=user)
    assert (licence.series, licence.number) == ("9912", "345678")
    assert licence.valid_until == date(2030, 6, 10) and licence.categories == "A,B"
    page = signed_in.get("/profile/documents/").content.decode()
    assert "Документ добавлен." in page and "9912" in page and "A, B" in page


def test_nothing_is_added_before_the_code(signed_in, user):
    signed_in.post(f"/profile/documents/add/{Kind.DRIVER_LICENCE}/", LICENCE)
    assert not PersonalDocument.objects.exists()
    page = signed_in.get("/profile/documents/confirm/").content.decode()
    assert "99 12 ****78" in page and "345678" not in page


def test_a_wrong_code_adds_nothing(signed_in, user):
    signed_in.post(f"/profile/documents/add/{Kind.OMS_POLICY}/", POLICY)
    right = last_code(user.phone)
    wrong = "000000" if right != "000000" else "111111"
    response = signed_in.post("/profile/documents/confirm/", {"code": wrong})
    assert response.status_code == 200 and "Неверный код" in response.content.decode()
    assert not PersonalDocument.objects.exists()


def test_an_oms_policy_is_16_digits(signed_in, user):
    add(signed_in, user, Kind.OMS_POLICY, POLICY)
    policy = PersonalDocument.objects.get(user=user)
    assert policy.number == "7750890812345678" and policy.issued_on is None


def test_a_vehicle_is_normalised_to_cyrillic_and_upper_case(signed_in, user):
    add(signed_in, user, Kind.VEHICLE, VEHICLE)
    vehicle = PersonalDocument.objects.get(user=user)
    assert (vehicle.series, vehicle.number) == ("77УА", "123456")
    assert vehicle.plate_number == "А123ВС777" and vehicle.vin == "XTA21700080123456"
    assert vehicle.vehicle_model == "Лада Веста"


def test_several_vehicles_and_children_are_allowed(signed_in, user):
    start = timezone.now()
    for minute, (kind, data) in enumerate(
        [
            (Kind.VEHICLE, VEHICLE),
            (Kind.VEHICLE, {**VEHICLE, "plate_number": "В456ОР99"}),
            (Kind.BIRTH_CERTIFICATE, CERTIFICATE),
            (Kind.BIRTH_CERTIFICATE, {**CERTIFICATE, "child_first_name": "Ольга"}),
        ]
    ):
        with time_machine.travel(start + timedelta(minutes=2 * minute)):  # code resend limit
            add(signed_in, user, kind, data)
    assert PersonalDocument.objects.filter(user=user, kind=Kind.VEHICLE).count() == 2
    child = PersonalDocument.objects.filter(user=user, kind=Kind.BIRTH_CERTIFICATE).first()
    assert child.series == "IV-МЮ" and child.child_birth_date == date(2015, 5, 5)


def test_only_one_driver_licence(signed_in, user):
    make_licence(user)
    response = signed_in.get(f"/profile/documents/add/{Kind.DRIVER_LICENCE}/")
    assert response["Location"] == "/profile/documents/"
    response = signed_in.post(f"/profile/documents/add/{Kind.DRIVER_LICENCE}/", LICENCE)
    assert "Водительское удостоверение уже добавлен" in response.content.decode()
    assert PersonalDocument.objects.filter(user=user).count() == 1
    assert not SandboxMessage.objects.exists()


def test_an_unknown_kind_is_404(signed_in):
    assert signed_in.get("/profile/documents/add/passport/").status_code == 404


@pytest.mark.parametrize(
    ("kind", "data", "field", "message"),
    [
        (Kind.DRIVER_LICENCE, LICENCE, "series_number", "Серия и номер: 10 цифр"),
        (Kind.DRIVER_LICENCE, LICENCE, "valid_until", "Действительно до: заполните поле."),
        (Kind.DRIVER_LICENCE, LICENCE, "issued_on", "Дата выдачи: укажите существующую дату"),
        (Kind.OMS_POLICY, POLICY, "number", "Номер полиса: 16 цифр."),
        (Kind.VEHICLE, VEHICLE, "plate_number", "Государственный номер: в формате А123ВС77"),
        (Kind.VEHICLE, VEHICLE, "vin", "VIN: 17 латинских букв и цифр, без букв I, O и Q."),
        (Kind.VEHICLE, VEHICLE, "series_number", "Серия и номер: две цифры"),
        (Kind.BIRTH_CERTIFICATE, CERTIFICATE, "series", "Серия: римские цифры, дефис"),
        (Kind.BIRTH_CERTIFICATE, CERTIFICATE, "number", "Номер: 6 цифр."),
        (Kind.BIRTH_CERTIFICATE, CERTIFICATE, "child_first_name", "Имя ребёнка: допускаются"),
        (Kind.BIRTH_CERTIFICATE, CERTIFICATE, "child_birth_date", "Дата рождения ребёнка:"),
    ],
)
def test_bad_input_is_named_and_the_typed_value_kept(signed_in, kind, data, field, message):
    bad = {
        "series_number": "12 34 5" if kind == Kind.DRIVER_LICENCE else "7 УА 12",
        "valid_until": "",
        "issued_on": "31.02.2020",
        "number": "12345",
        "plate_number": "Б123ВС77",
        "vin": "XTA2170008012345I",
        "series": "IIII-МЮ",
        "child_first_name": "Мария1",
        "child_birth_date": "01.01.2999",
    }[field]
    response = signed_in.post(f"/profile/documents/add/{kind}/", {**data, field: bad})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    if bad:
        assert f'value="{bad}"' in page
    assert not SandboxMessage.objects.exists()


def test_a_licence_valid_until_before_its_issue_is_refused(signed_in):
    data = {**LICENCE, "valid_until": "01.01.2019"}
    page = signed_in.post(f"/profile/documents/add/{Kind.DRIVER_LICENCE}/", data)
    assert "Действительно до: дата должна быть позже даты выдачи." in page.content.decode()


def test_plate_with_zeros_and_vin_with_o_are_refused(signed_in):
    page = signed_in.post(
        f"/profile/documents/add/{Kind.VEHICLE}/",
        {**VEHICLE, "plate_number": "А000ВС77", "vin": "XTA21700080O23456"},
    ).content.decode()
    assert "Государственный номер: в формате" in page and "VIN: 17 латинских" in page


def test_a_certificate_issued_before_the_birth_is_refused(signed_in):
    data = {**CERTIFICATE, "issued_on": "01.05.2015"}
    page = signed_in.post(f"/profile/documents/add/{Kind.BIRTH_CERTIFICATE}/", data)
    assert "Дата выдачи: не раньше даты рождения ребёнка." in page.content.decode()


# --- editing and deleting -----------------------------------------------------------------


def test_a_licence_is_edited_after_the_code(signed_in, user):
    licence = make_licence(user)
    page = signed_in.get(f"/profile/documents/{licence.pk}/edit/").content.decode()
    assert 'value="9912 345678"' in page and 'value="10.06.2030"' in page
    response = signed_in.post(
        f"/profile/documents/{licence.pk}/edit/",
        {**LICENCE, "valid_until": "10.06.2031", "categories": ["B"]},
    )
    assert response["Location"] == "/profile/documents/confirm/"
    confirm(signed_in, user)
    licence.refresh_from_db()
    assert licence.valid_until == date(2031, 6, 10) and licence.number == "345678"


def test_an_unchanged_document_sends_no_code(signed_in, user):
    licence = make_licence(user)
    data = {**LICENCE, "categories": ["B"]}
    response = signed_in.post(f"/profile/documents/{licence.pk}/edit/", data)
    assert "Вы ничего не изменили." in response.content.decode()
    assert not SandboxMessage.objects.exists()


def test_a_document_is_deleted_after_the_code(signed_in, user):
    licence = make_licence(user)
    page = signed_in.get(f"/profile/documents/{licence.pk}/delete/").content.decode()
    assert "Удаление документа" in page and "9912" in page
    response = signed_in.post(f"/profile/documents/{licence.pk}/delete/")
    assert response["Location"] == "/profile/documents/confirm/"
    assert PersonalDocument.objects.filter(pk=licence.pk).exists()
    confirm(signed_in, user)
    assert not PersonalDocument.objects.filter(pk=licence.pk).exists()


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_another_persons_document_is_404(client, user, action):
    licence = make_licence(user)
    sign_in_as(client, UserFactory())
    assert client.get(f"/profile/documents/{licence.pk}/{action}/").status_code == 404
    assert client.post(f"/profile/documents/{licence.pk}/{action}/", LICENCE).status_code == 404
    assert PersonalDocument.objects.filter(pk=licence.pk).exists()


def test_a_pending_change_of_another_user_is_not_applied(client, user):
    licence = make_licence(user)
    sign_in_as(client, UserFactory())
    session = client.session
    session[documents.SESSION_KEY] = {
        "user_id": user.pk,
        "op": "delete",
        "kind": Kind.DRIVER_LICENCE,
        "document_id": licence.pk,
        "values": {},
        "at": int(timezone.now().timestamp()),
    }
    session.save()
    assert client.get("/profile/documents/confirm/")["Location"] == "/profile/documents/"
    assert PersonalDocument.objects.filter(pk=licence.pk).exists()


@pytest.mark.parametrize(
    "path",
    [
        "/profile/documents/",
        f"/profile/documents/add/{Kind.VEHICLE}/",
        "/profile/documents/1/edit/",
    ],
)
def test_anonymous_is_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- history, undo, storage, notices --------------------------------------------------------


def test_history_shows_the_document_masked(signed_in, user):
    add(signed_in, user, Kind.VEHICLE, VEHICLE)
    page = signed_in.get("/profile/history/").content.decode()
    assert "Свидетельство о регистрации транспортного средства: VIN" in page
    assert "*************3456" in page and "XTA21700080123456" not in page
    assert "77 УА ****56" in page and "А***ВС777" in page


def test_undo_of_an_addition_within_30_minutes_deletes_the_document(signed_in, user):
    add(signed_in, user, Kind.OMS_POLICY, POLICY)
    change = ProfileChange.objects.filter(user=user).first()
    with time_machine.travel(timezone.now() + timedelta(minutes=29)):
        signed_in.post("/profile/history/undo/", {"change": change.pk})
        response = signed_in.post("/profile/history/undo/confirm/", {"code": last_code(user.phone)})
    assert response["Location"] == "/profile/history/"
    assert not PersonalDocument.objects.filter(user=user).exists()
    assert ProfileChange.objects.filter(user=user, channel="undo").exists()


def test_undo_of_a_deletion_brings_the_document_back(signed_in, user):
    licence = make_licence(user)
    signed_in.post(f"/profile/documents/{licence.pk}/delete/")
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        confirm(signed_in, user)
        change = ProfileChange.objects.filter(user=user, document_action="delete").first()
        signed_in.post("/profile/history/undo/", {"change": change.pk})
        signed_in.post("/profile/history/undo/confirm/", {"code": last_code(user.phone)})
    restored = PersonalDocument.objects.get(pk=licence.pk)
    assert restored.number == "345678" and restored.valid_until == date(2030, 6, 10)


def test_undo_of_an_edit_restores_the_old_values(user):
    licence = make_licence(user)
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        rows = documents.apply_document_change(
            user=user,
            op=documents.EDIT,
            kind=Kind.DRIVER_LICENCE,
            document_id=licence.pk,
            values={"valid_until": date(2031, 1, 1)},
            channel=WEB,
            actor=user,
        )
        from gosportal.profiles.services import undo_change

        undo_change(user=user, change_id=rows[0].pk, actor=user)
    licence.refresh_from_db()
    assert licence.valid_until == date(2030, 6, 10)


def test_a_document_change_cannot_be_undone_after_30_minutes(signed_in, user):
    add(signed_in, user, Kind.OMS_POLICY, POLICY)
    change = ProfileChange.objects.filter(user=user).first()
    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        signed_in.get("/profile/")  # the idle session itself ends after 30 minutes
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        response = signed_in.post("/profile/history/undo/", {"change": change.pk}, follow=True)
    assert "только в течение 30 минут" in response.content.decode()
    assert PersonalDocument.objects.filter(user=user).exists()


def test_a_document_row_is_encrypted_in_the_database(user):
    licence = make_licence(user)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT series, number, valid_until, categories FROM profiles_personaldocument"
            " WHERE id = %s",
            [licence.pk],
        )
        row = cursor.fetchone()
    assert all(str(value).startswith("gcm1:") for value in row)
    assert "345678" not in row[1]


def test_a_change_is_audited_without_values_and_the_person_notified(signed_in, user):
    add(signed_in, user, Kind.VEHICLE, VEHICLE)
    event = AuditEvent.objects.get(action="profiles.document_added")
    assert event.details["kind"] == Kind.VEHICLE and "vin" in event.details["fields"]
    assert "XTA21700080123456" not in str(event.details)
    notice = OutboxEvent.objects.filter(name="accounts.security_notice").last()
    assert "добавлен документ: Свидетельство о регистрации" in notice.payload["text"]


def test_my_data_lists_the_documents(signed_in, user):
    make_licence(user)
    page = signed_in.get("/profile/").content.decode()
    assert "Другие документы" in page and "действительно до 10.06.2030" in page
    assert 'href="/profile/documents/"' in page


def test_the_documents_page_shows_only_the_own_documents(client, user):
    make_licence(user)
    sign_in_as(client, UserFactory())
    page = client.get("/profile/documents/").content.decode()
    assert "9912" not in page


# --- reminders (PROF-8), export (PROF-7), erasure (REC-4) ---------------------------------


def test_a_reminder_30_days_before_the_licence_expires_is_sent_once(user):
    from gosportal.profiles.reminders import send_due_reminders

    make_licence(user)  # valid until 10.06.2030
    OutboxEvent.objects.all().delete()
    with time_machine.travel("2030-05-20 09:00:00+00:00"):
        assert send_due_reminders() == 1
        assert send_due_reminders() == 0
    notice = OutboxEvent.objects.get(name="accounts.security_notice")
    assert "водительское удостоверение действительно до 10.06.2030" in notice.payload["text"]
    assert "/profile/documents/" in notice.payload["text"]


def test_no_licence_reminder_earlier_and_one_after_it_expired(user):
    from gosportal.profiles.reminders import send_due_reminders

    make_licence(user)
    with time_machine.travel("2030-05-01 09:00:00+00:00"):
        assert send_due_reminders() == 0
    with time_machine.travel("2030-06-11 09:00:00+00:00"):
        assert send_due_reminders() == 1
    notice = OutboxEvent.objects.filter(name="accounts.security_notice").last()
    assert "истёк 10.06.2030" in notice.payload["text"]


def test_the_export_lists_the_documents(user):
    import io
    import json
    import zipfile

    from gosportal.accounts.export import build_export

    make_licence(user)
    archive = zipfile.ZipFile(io.BytesIO(build_export(user=user)))
    rows = json.loads(archive.read("documents.json"))
    assert rows[0]["kind"] == Kind.DRIVER_LICENCE and rows[0]["number"] == "345678"
    assert rows[0]["valid_until"] == "2030-06-10"
    assert "data_change_requests.json" in archive.namelist()


def test_account_deletion_erases_the_documents_and_their_history(user):
    from gosportal.accounts.deletion import delete_account

    make_licence(user)
    delete_account(user)
    assert not PersonalDocument.objects.filter(user=user).exists()
    assert not ProfileChange.objects.filter(user=user).exclude(document_action="").exists()
