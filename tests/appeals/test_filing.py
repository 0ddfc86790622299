"""APP-9, the applicant's side: a refusal is appealed within 30 calendar days (Moscow
calendar) with a reason and evidence; a dismissed appeal is repeated only with new
evidence; the card shows the appeals. Another person's application is not found."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gosportal.appeals import services as appeals
from gosportal.appeals.models import VAULT_PURPOSE, Appeal, AppealEvidence
from gosportal.applications import services
from gosportal.applications.models import Application, Status
from gosportal.core import vault
from gosportal.core.errors import Conflict, InvalidInput
from gosportal.core.models import AuditEvent
from tests.appeals.conftest import REASON, REFUSED_AT, pdf_file, png_file, submit
from tests.conftest import sign_in_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MOSCOW = datetime.timezone(datetime.timedelta(hours=3))


def _url(application, rest=""):
    return f"/applications/{application.number}/appeal/{rest}"


def _post(client, application, *, reason=REASON, files=()):
    return client.post(_url(application), {"reason": reason, "files": list(files)})


def test_the_applicant_appeals_a_refusal_with_files(client, refused, citizen):
    sign_in_as(client, citizen)
    form = client.get(_url(refused))
    assert form.status_code == 200
    assert "Доход выше порога" in form.content.decode()  # the refusal appealed
    response = _post(client, refused, files=[pdf_file(), png_file()])
    assert response.status_code == 302 and response.url == f"/applications/{refused.number}/"
    appeal = Appeal.objects.get(application=refused)
    assert appeal.number == f"{refused.number}/Ж-1"
    assert appeal.status == Appeal.Status.REGISTERED and appeal.reason == REASON
    assert sorted(e.name for e in appeal.evidence.all()) == ["письмо.png", "справка.pdf"]
    refused.refresh_from_db()
    assert refused.status == Status.APPEALED
    change = refused.changes.last()
    assert change.visible_to_applicant and appeal.number in change.comment
    assert AuditEvent.objects.filter(action="appeal.filed", object_id=str(appeal.pk)).exists()
    card = client.get(f"/applications/{refused.number}/").content.decode()
    assert f"Жалоба № {appeal.number}" in card and "Зарегистрирована" in card
    assert "справка.pdf" in card and "Обжаловано" in card


def test_the_reason_and_the_evidence_are_stored_encrypted(appeal):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM appeals_appeal WHERE id = %s", [appeal.pk])
        assert "разовая" not in cursor.fetchone()[0]
    evidence = appeal.evidence.get()
    assert b"%PDF" not in vault.raw(evidence.vault_name, purpose=VAULT_PURPOSE)
    assert appeals.read_evidence(evidence).startswith(b"%PDF")


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        (datetime.datetime(2026, 4, 1, 0, 5, tzinfo=MOSCOW), True),  # day 30
        (datetime.datetime(2026, 4, 1, 23, 55, tzinfo=MOSCOW), True),  # day 30, late
        (datetime.datetime(2026, 4, 2, 0, 5, tzinfo=MOSCOW), False),  # day 31
    ],
)
def test_an_appeal_is_accepted_up_to_day_30_and_refused_on_day_31(
    refused, citizen, moment, allowed
):
    with time_machine.travel(moment, tick=False):
        if allowed:
            appeal = appeals.file_appeal(application=refused, actor=citizen, reason=REASON)
            assert appeal.status == Appeal.Status.REGISTERED
        else:
            with pytest.raises(Conflict, match=r"Срок обжалования истёк.*01\.04\.2026"):
                appeals.file_appeal(application=refused, actor=citizen, reason=REASON)
            assert not Appeal.objects.exists()


def test_the_30_days_count_in_the_moscow_calendar(citizen, service, officer):
    # Refused at 23:30 Moscow on 2 March (20:30 UTC): day 1 is 3 March in Moscow.
    with time_machine.travel(datetime.datetime(2026, 3, 2, 23, 30, tzinfo=MOSCOW), tick=False):
        application = submit(citizen, service)
        services.reject(application=application, officer=officer, reason="Нет оснований")
    application.refresh_from_db()
    # 1 April, 23:30 Moscow is 20:30 UTC on 1 April: still day 30.
    with time_machine.travel(datetime.datetime(2026, 4, 1, 23, 30, tzinfo=MOSCOW), tick=False):
        assert appeals.window(application).open
    # 2 April, 00:30 Moscow is 21:30 UTC on 1 April — yet day 31 in Moscow.
    with time_machine.travel(datetime.datetime(2026, 4, 2, 0, 30, tzinfo=MOSCOW), tick=False):
        assert not appeals.window(application).open


def test_after_30_days_the_page_refuses_with_a_message(client, refused, citizen):
    with time_machine.travel(REFUSED_AT + datetime.timedelta(days=40), tick=False):
        sign_in_as(client, citizen)
        response = client.post(_url(refused), {"reason": REASON}, follow=True)
        text = response.content.decode()
        assert "Срок обжалования истёк" in text
        assert "Обжаловать решение</a>" not in text
    assert not Appeal.objects.exists()
    refused.refresh_from_db()
    assert refused.status == Status.REJECTED


def test_the_card_offers_the_appeal_with_its_last_day(client, refused, citizen):
    sign_in_as(client, citizen)
    card = client.get(f"/applications/{refused.number}/").content.decode()
    assert "Обжаловать решение" in card and "01.04.2026" in card


def test_only_a_refusal_can_be_appealed(client, frozen, citizen, service):
    application = submit(citizen, service)
    sign_in_as(client, citizen)
    response = client.get(_url(application), follow=True)
    assert "Обжаловать можно только решение об отказе." in response.content.decode()
    with pytest.raises(Conflict):
        appeals.file_appeal(application=application, actor=citizen, reason=REASON)


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Причина несогласия: опишите, с чем в решении вы не согласны."),
        ("   ", "Причина несогласия: опишите, с чем в решении вы не согласны."),
        ("Не согласен", "Причина несогласия: опишите подробнее — не меньше 20 символов."),
        ("я" * 5001, "Причина несогласия: не больше 5000 символов."),
    ],
)
def test_the_reason_is_required_and_between_20_and_5000_characters(
    client, refused, citizen, reason, message
):
    sign_in_as(client, citizen)
    response = _post(client, refused, reason=reason, files=[pdf_file()])
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text
    if reason.strip():
        assert reason[:50] in text  # what was typed stays
    assert not Appeal.objects.exists()
    refused.refresh_from_db()
    assert refused.status == Status.REJECTED


def test_a_file_is_judged_by_its_content_not_its_name(client, refused, citizen):
    fake = SimpleUploadedFile("скан.pdf", b"MZ\x90\x00 not a document", "application/pdf")
    sign_in_as(client, citizen)
    response = _post(client, refused, files=[fake])
    assert response.status_code == 400
    text = response.content.decode()
    assert "Файл «скан.pdf» не подходит" in text and REASON in text
    assert not Appeal.objects.exists() and not AppealEvidence.objects.exists()
    assert not [name for purpose, name in vault.stored_files() if purpose == VAULT_PURPOSE]


def test_a_file_over_10_mb_is_refused(refused, citizen):
    big = SimpleUploadedFile("большой.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024))
    with pytest.raises(InvalidInput, match=r"слишком большой.*10 МБ") as refused_error:
        appeals.file_appeal(application=refused, actor=citizen, reason=REASON, uploads=[big])
    assert refused_error.value.field == "files"
    assert not Appeal.objects.exists()


def test_more_than_10_files_are_refused(refused, citizen):
    uploads = [pdf_file(marker=str(i)) for i in range(11)]
    with pytest.raises(InvalidInput, match="не больше 10 файлов"):
        appeals.file_appeal(application=refused, actor=citizen, reason=REASON, uploads=uploads)


def test_another_persons_application_is_not_found(client, refused, appeal):
    stranger = UserFactory(level="standard")
    sign_in_as(client, stranger)
    evidence = appeal.evidence.get()
    assert client.get(_url(refused)).status_code == 404
    assert _post(client, refused).status_code == 404
    assert client.get(_url(refused, f"files/{evidence.pk}/")).status_code == 404
    assert Appeal.objects.count() == 1


def test_filing_needs_a_fresh_re_authentication(client, refused, citizen):
    sign_in_as(client, citizen, reauthenticated=False)
    response = _post(client, refused)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:reauth"))
    assert not Appeal.objects.exists()


def test_the_reason_typed_before_a_re_authentication_is_kept(client, refused, citizen):
    import time

    from gosportal.accounts.reauth import SESSION_KEY

    sign_in_as(client, citizen, reauthenticated=False)
    response = _post(client, refused, files=[pdf_file()])
    assert response.url.startswith(reverse("accounts:reauth"))
    session = client.session
    session[SESSION_KEY] = int(time.time())  # as the re-authentication page leaves it
    session.save()
    page = client.get(_url(refused))
    html = page.content.decode()
    assert REASON in html
    assert "Текст жалобы сохранён. Приложите файлы ещё раз." in html
    # Once only, and for this page only.
    assert REASON not in client.get(_url(refused)).content.decode()
    assert not Appeal.objects.exists()


def test_filing_is_rate_limited_per_account(client, refused, citizen):
    sign_in_as(client, citizen)
    for _ in range(10):
        assert _post(client, refused, reason="коротко").status_code == 400
    assert _post(client, refused).status_code == 429
    assert not Appeal.objects.exists()


def test_the_applicant_downloads_own_evidence_never_cached(client, appeal, citizen):
    sign_in_as(client, citizen)
    evidence = appeal.evidence.get()
    response = client.get(_url(appeal.application, f"files/{evidence.pk}/"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_second_appeal_while_one_is_open_is_refused(appeal, citizen):
    application = Application.objects.get(pk=appeal.application_id)
    with pytest.raises(Conflict, match="уже подана"):
        appeals.file_appeal(application=application, actor=citizen, reason=REASON)


# --- repeat after dismissal ------------------------------------------------------------


def _dismissed(appeal, appeal_officer):
    return appeals.decide_appeal(
        appeal=appeal,
        officer=appeal_officer,
        outcome=appeals.DISMISS,
        decision="Разовая выплата учтена верно: она входит в доход по закону.",
    )


def test_a_dismissed_appeal_is_repeated_only_with_new_evidence(appeal, appeal_officer, citizen):
    _dismissed(appeal, appeal_officer)
    application = Application.objects.get(pk=appeal.application_id)
    assert application.status == Status.REJECTED
    message = "только с новыми доказательствами"
    with pytest.raises(InvalidInput, match=message) as no_files:
        appeals.file_appeal(application=application, actor=citizen, reason=REASON)
    assert no_files.value.field == "files"
    with pytest.raises(InvalidInput, match=message):  # the same file again, renamed
        appeals.file_appeal(
            application=application,
            actor=citizen,
            reason=REASON,
            uploads=[pdf_file("другое-имя.pdf")],
        )
    again = appeals.file_appeal(
        application=application,
        actor=citizen,
        reason=REASON,
        uploads=[pdf_file(), pdf_file("новая-справка.pdf", marker="new")],
    )
    assert again.number == f"{application.number}/Ж-2" and again.sequence == 2
    application.refresh_from_db()
    assert application.status == Status.APPEALED


def test_the_repeat_window_runs_30_days_from_the_dismissal(appeal, appeal_officer, citizen):
    dismissed_at = REFUSED_AT + datetime.timedelta(days=25)
    with time_machine.travel(dismissed_at, tick=False):
        _dismissed(appeal, appeal_officer)
    application = Application.objects.get(pk=appeal.application_id)
    # 40 days after the first refusal, 15 after the dismissal: open.
    with time_machine.travel(REFUSED_AT + datetime.timedelta(days=40), tick=False):
        state = appeals.window(application)
        assert state.open and state.repeat
    with (
        time_machine.travel(dismissed_at + datetime.timedelta(days=31), tick=False),
        pytest.raises(Conflict, match="Срок обжалования истёк"),
    ):
        appeals.file_appeal(
            application=application,
            actor=citizen,
            reason=REASON,
            uploads=[pdf_file(marker="new")],
        )


def test_the_repeat_page_asks_for_new_evidence(client, appeal, appeal_officer, citizen):
    _dismissed(appeal, appeal_officer)
    sign_in_as(client, citizen)
    card = client.get(f"/applications/{appeal.application.number}/").content.decode()
    assert "Отклонена" in card and "Разовая выплата учтена верно" in card
    assert "только с новыми доказательствами" in card
    response = _post(client, appeal.application, files=[pdf_file()])
    assert response.status_code == 400
    assert "только с новыми доказательствами" in response.content.decode()
