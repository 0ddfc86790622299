"""«Скачать мои данные» (PROF-7): the profile's files join accounts' single archive."""

import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from django.utils import timezone

from gosportal.accounts import export as accounts_export
from gosportal.identity.models import Confirmation
from gosportal.profiles.models import Consent, Profile, ProfileChange, RegistryCheck
from tests.conftest import sign_in_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROFILE_FILES = {
    "profile.json",
    "profile_changes.json",
    "registry_checks.json",
    "consents.json",
    "identity_confirmations.json",
}
CODE_HASH = "c0de" * 16


@pytest.fixture
def user():
    user = UserFactory()
    Profile.objects.create(
        user=user,
        last_name="Петрова",
        first_name="Анна",
        middle_name="Игоревна",
        birth_date=date(1990, 3, 1),
        sex="female",
        passport_series="4510",
        passport_number="123456",
        passport_issued_on=date(2010, 3, 15),
        snils="11223344595",
        registration_address="г. Москва, ул. Тверская, д. 1",
    )
    ProfileChange.objects.create(
        user=user,
        field="passport_number",
        old_display="45 09 ****99",
        new_display="45 10 ****56",
        old_value="OLD-RAW-654399",
        channel=ProfileChange.Channel.WEB,
    )
    RegistryCheck.objects.create(
        user=user, registry="mvd", status="passed", data_hash="HASH-OF-DATA" * 4
    )
    Consent.objects.create(user=user, scope=Consent.Scope.PROCESSING)
    Confirmation.objects.create(
        user=user,
        method=Confirmation.Method.POST_LETTER,
        code_hash=CODE_HASH,
        code_index="1ndex" * 8,
        expires_at=timezone.now() + timedelta(days=30),
        tracking_number="RA123456789RU",
    )
    return user


def download(client, user) -> zipfile.ZipFile:
    response = sign_in_as(client, user).post("/accounts/export/")
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(response.content))


def read(archive, name):
    return json.loads(archive.read(name))


def test_the_single_archive_holds_the_profile_files_and_readme_lists_them(client, user):
    archive = download(client, user)
    assert set(archive.namelist()) >= PROFILE_FILES
    readme = archive.read("README.txt").decode()
    for name in set(archive.namelist()) - {"README.txt"}:
        assert name in readme


def test_profile_file_has_my_data_decrypted_with_iso_dates(client, user):
    profile = read(download(client, user), "profile.json")
    assert profile["last_name"] == "Петрова" and profile["first_name"] == "Анна"
    assert profile["birth_date"] == "1990-03-01"
    assert profile["passport_issued_on"] == "2010-03-15"
    assert profile["passport_number"] == "123456" and profile["snils"] == "11223344595"
    assert profile["registration_address"] == "г. Москва, ул. Тверская, д. 1"
    assert profile["sex_name"] == "женский"


def test_history_gives_masked_displays_never_old_values(client, user):
    archive = download(client, user)
    [change] = read(archive, "profile_changes.json")
    assert change["old"] == "45 09 ****99" and change["new"] == "45 10 ****56"
    assert change["field_name"] == "номер паспорта"
    assert "old_value" not in change
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
    assert "OLD-RAW-654399" not in everything


def test_registry_checks_and_consents_are_exported(client, user):
    archive = download(client, user)
    [check] = read(archive, "registry_checks.json")
    assert check["registry"] == "mvd" and check["status_name"] == "Данные подтверждены"
    assert "HASH-OF-DATA" not in json.dumps(check)
    [consent] = read(archive, "consents.json")
    assert consent["scope"] == "processing" and consent["revoked_at"] is None


def test_identity_confirmations_have_method_status_tracking_but_no_code(client, user):
    archive = download(client, user)
    [confirmation] = read(archive, "identity_confirmations.json")
    assert confirmation["method"] == "post_letter" and confirmation["status"] == "pending"
    assert confirmation["tracking_number"] == "RA123456789RU"
    assert confirmation["expires_at"]
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
    assert "code_hash" not in everything and CODE_HASH not in everything
    assert "1ndex" not in everything


def test_a_person_without_a_profile_gets_empty_files(client):
    archive = download(client, UserFactory())
    assert read(archive, "profile.json") == {}
    assert read(archive, "profile_changes.json") == []


def test_other_peoples_profiles_are_not_in_the_archive(client, user):
    other = UserFactory()
    Profile.objects.create(user=other, last_name="Чужаков", registration_address="Тула")
    ProfileChange.objects.create(
        user=other, field="last_name", new_display="Чужаков", channel="web"
    )
    archive = download(client, user)
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
    assert "Чужаков" not in everything and "Тула" not in everything


def test_a_part_may_bring_a_file_of_its_own_format(monkeypatch, client, user):
    monkeypatch.setattr(accounts_export, "_parts", dict(accounts_export._parts))
    accounts_export.register_export_part(
        "scan",
        lambda person: ("scan.txt", b"plain bytes"),
        description="тестовый файл",
    )
    archive = download(client, user)
    assert archive.read("scan.txt") == b"plain bytes"
    assert "scan.txt" in archive.read("README.txt").decode()
