"""Shared set-up of the remote identity check tests (REG-3): a standard citizen whose
data match the sample passport page, an operator of remote checks, uploads."""

import datetime

from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from gosportal.core.events import OutboxEvent
from gosportal.demo.passport_sample import passport_page, selfie
from gosportal.identity import remote
from gosportal.profiles.models import Profile
from tests.factories import UserFactory

OPERATOR_GROUP = "Операторы удалённой проверки"
PASSPORT = {
    "last_name": "Петров",
    "first_name": "Иван",
    "middle_name": "Сергеевич",
    "birth_date": datetime.date(1985, 3, 14),
    "sex": "male",
    "series": "4506",
    "number": "123456",
    "issued_on": datetime.date(2005, 4, 1),
    "department_code": "770-001",
}


def standard_citizen(**changes):
    user = UserFactory(level="standard")
    data = {**PASSPORT, **changes}
    Profile.objects.create(
        user=user,
        last_name=data["last_name"],
        first_name=data["first_name"],
        middle_name=data["middle_name"],
        birth_date=data["birth_date"],
        passport_series=data["series"],
        passport_number=data["number"],
        passport_issued_on=data["issued_on"],
        passport_issuer="ОВД района Хамовники г. Москвы",
        passport_department_code=data["department_code"],
        registration_address="119021, г. Москва, ул. Льва Толстого, д. 1",
    )
    return user


def remote_operator():
    user = UserFactory()
    group, _created = Group.objects.get_or_create(name=OPERATOR_GROUP)
    group.permissions.add(Permission.objects.get(codename="review_remote_check"))
    user.groups.add(group)
    return user


def passport_upload(image_format="PNG", name=None, **changes):
    content = passport_page(**{**PASSPORT, **changes}, image_format=image_format)
    extension = {"PNG": "png", "JPEG": "jpg", "PDF": "pdf"}[image_format]
    return SimpleUploadedFile(name or f"passport.{extension}", content)


def selfie_upload(name="selfie.jpg"):
    return SimpleUploadedFile(name, selfie())


def uploaded_check(user, **passport_changes):
    return remote.start_remote_check(
        user=user, passport=passport_upload(**passport_changes), selfie=selfie_upload()
    )


def no_tesseract(monkeypatch):
    """Make Tesseract unavailable, as on a worker without it installed."""
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")


def submitted_check(user, monkeypatch=None):
    """A request sent to the operators; with ``monkeypatch`` the OCR step is the fast
    «unavailable» outcome, otherwise Tesseract reads the page."""
    check = uploaded_check(user)
    if monkeypatch is not None:
        with monkeypatch.context() as patch:
            no_tesseract(patch)
            remote.run_ocr(check_id=check.pk)
    else:
        remote.run_ocr(check_id=check.pk)
    return remote.submit_for_review(user=user, check_id=check.pk)


def notices_to(user) -> list[str]:
    return [
        e.payload["text"]
        for e in OutboxEvent.objects.filter(name="accounts.security_notice")
        if e.payload["user_id"] == user.pk
    ]
