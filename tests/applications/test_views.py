"""Pages of applications: start, fill, attach, submit, list, card, cancel, restore."""

import datetime
import re
import time

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from gosportal.accounts.reauth import SESSION_KEY as REAUTH_KEY
from gosportal.applications import services
from gosportal.applications.models import Application, Status
from gosportal.profiles.models import Profile
from tests.applications.conftest import PASSPORT_COPY, PHOTO, VALID, pdf, png
from tests.conftest import sign_in_as
from tests.factories import ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db


def _routes(application):
    ref = application.ref
    return [
        ("get", reverse("applications:detail", kwargs={"ref": ref})),
        ("get", reverse("applications:edit", kwargs={"ref": ref})),
        ("post", reverse("applications:edit", kwargs={"ref": ref})),
        ("get", reverse("applications:submitted", kwargs={"ref": ref})),
        ("post", reverse("applications:cancel", kwargs={"ref": ref})),
        ("post", reverse("applications:restore", kwargs={"ref": ref})),
    ]


# --- permissions --------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in_on_every_route(client, submitted, service):
    routes = [
        *_routes(submitted),
        ("get", reverse("applications:list")),
        ("get", reverse("applications:export")),
        ("get", reverse("applications:start", kwargs={"slug": service.slug})),
        (
            "get",
            reverse(
                "applications:attachment",
                kwargs={"ref": submitted.ref, "attachment_id": submitted.attachments.get().pk},
            ),
        ),
    ]
    for method, url in routes:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert "/accounts/" in response["Location"], url


def test_another_persons_application_is_not_found_on_every_route(client, submitted, other_citizen):
    sign_in_as(client, other_citizen)
    attachment = submitted.attachments.get()
    routes = [
        *_routes(submitted),
        (
            "get",
            reverse(
                "applications:attachment",
                kwargs={"ref": submitted.ref, "attachment_id": attachment.pk},
            ),
        ),
    ]
    for method, url in routes:
        assert getattr(client, method)(url).status_code == 404, url
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_another_persons_draft_is_not_found_by_its_id(client, draft, other_citizen):
    sign_in_as(client, other_citizen)
    url = reverse("applications:edit", kwargs={"ref": draft.ref})
    assert client.post(url, {**VALID, "action": "save"}).status_code == 404
    draft.refresh_from_db()
    assert draft.answers == {}


def test_another_persons_attachment_id_is_not_found_under_my_application(
    client, citizen, submitted, other_citizen, service
):
    theirs = services.start_draft(user=other_citizen, service=service)
    foreign = services.add_attachment(application=theirs, document=PHOTO, upload=png())
    sign_in_as(client, citizen)
    url = reverse(
        "applications:attachment", kwargs={"ref": submitted.ref, "attachment_id": foreign.pk}
    )
    assert client.get(url).status_code == 404


# --- start --------------------------------------------------------------------------------


def test_service_card_button_leads_to_start(client, citizen, service):
    sign_in_as(client, citizen)
    page = client.get(reverse("catalog:detail", kwargs={"slug": service.slug}))
    assert reverse("applications:start", kwargs={"slug": service.slug}) in page.content.decode()


def test_start_shows_terms_then_creates_one_draft(client, citizen, service):
    sign_in_as(client, citizen)
    url = reverse("applications:start", kwargs={"slug": service.slug})
    page = client.get(url)
    assert "Начать заполнение" in page.content.decode()
    assert not Application.objects.exists()
    response = client.post(url)
    draft = Application.objects.get()
    assert response["Location"] == reverse("applications:edit", kwargs={"ref": draft.ref})
    assert client.get(url)["Location"] == response["Location"]  # reopened, not a second one


def test_start_with_a_low_level_says_what_is_missing(client, service):
    sign_in_as(client, UserFactory(level="simplified"))
    response = client.post(reverse("applications:start", kwargs={"slug": service.slug}))
    assert response.status_code == 403
    assert "Заполнить данные" in response.content.decode()
    assert not Application.objects.exists()


def test_start_for_a_kind_the_service_does_not_serve_is_refused(client, citizen):
    only_companies = ServiceFactory(for_individuals=False, for_organizations=True)
    sign_in_as(client, citizen)
    response = client.post(reverse("applications:start", kwargs={"slug": only_companies.slug}))
    assert response.status_code == 403
    assert "заявители вашего типа" in response.content.decode()


def test_start_of_an_unknown_service_is_not_found(client, citizen):
    sign_in_as(client, citizen)
    assert client.get(reverse("applications:start", kwargs={"slug": "nope"})).status_code == 404


# --- filling ------------------------------------------------------------------------------


def test_form_is_prefilled_from_the_profile(client, citizen, draft):
    Profile.objects.create(user=citizen, last_name="Сидорова")
    sign_in_as(client, citizen)
    page = client.get(reverse("applications:edit", kwargs={"ref": draft.ref})).content.decode()
    assert 'value="Сидорова"' in page
    assert "Копия паспорта" in page and 'name="files_0"' in page


def test_save_draft_keeps_what_was_typed(client, citizen, draft):
    sign_in_as(client, citizen)
    url = reverse("applications:edit", kwargs={"ref": draft.ref})
    response = client.post(url, {"last_name": "Петров", "birth_date": "99.99", "action": "save"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.answers["birth_date"] == "99.99"
    assert 'value="99.99"' in client.get(url).content.decode()


def test_autosave_answers_json(client, citizen, draft):
    sign_in_as(client, citizen)
    url = reverse("applications:edit", kwargs={"ref": draft.ref})
    response = client.post(url, {"last_name": "Пет", "action": "autosave"})
    assert response.status_code == 200 and "saved_at" in response.json()
    draft.refresh_from_db()
    assert draft.answers["last_name"] == "Пет"


def test_submit_with_missing_data_shows_russian_errors_and_keeps_input(client, citizen, draft):
    sign_in_as(client, citizen)
    url = reverse("applications:edit", kwargs={"ref": draft.ref})
    response = client.post(
        url, {"last_name": "Петров", "birth_date": "01.01.2999", "action": "submit"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Проверьте данные формы" in page
    assert "Дата должна быть не позже сегодняшнего дня." in page
    assert "Выберите" in page or "Заполните поле." in page
    assert "Приложите файл." in page  # the mandatory passport copy
    assert 'value="01.01.2999"' in page and 'value="Петров"' in page
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.number == ""


def test_upload_without_javascript_then_submit(client, citizen, draft, service):
    sign_in_as(client, citizen)
    url = reverse("applications:edit", kwargs={"ref": draft.ref})
    response = client.post(url, {**VALID, "action": "upload:0", "files_0": [pdf(), png()]})
    assert response.status_code == 302
    assert sorted(draft.attachments.values_list("name", flat=True)) == ["photo.png", "паспорт.pdf"]
    response = client.post(url, {**VALID, "action": "submit"})
    draft.refresh_from_db()
    assert response["Location"] == reverse("applications:submitted", kwargs={"ref": draft.ref})
    assert draft.status == Status.SUBMITTED
    assert draft.answers == {"last_name": "Петров", "birth_date": "1990-02-01", "reason": "lost"}
    page = client.get(response["Location"]).content.decode()
    assert draft.number in page
    assert "1\xa0500,00\xa0₽" in page and "оплата из заявления появится" in page


def test_upload_of_a_refused_type_shows_why_and_keeps_the_typed_data(client, citizen, draft):
    sign_in_as(client, citizen)
    url = reverse("applications:edit", kwargs={"ref": draft.ref})
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(url, {**VALID, "action": "upload:0", "files_0": fake})
    page = response.content.decode()
    assert response.status_code == 400
    assert "не подходит" in page and 'value="Петров"' in page
    assert not draft.attachments.exists()


def test_upload_with_javascript_answers_json(client, citizen, draft):
    sign_in_as(client, citizen)
    url = reverse("applications:edit", kwargs={"ref": draft.ref})
    headers = {"Accept": "application/json"}
    ok = client.post(url, {"action": "upload:1", "files_1": png()}, headers=headers)
    assert ok.status_code == 200 and ok.json() == {"error": ""}
    refused = client.post(url, {"action": "upload:1", "files_1": pdf()}, headers=headers)
    assert refused.status_code == 400 and "JPEG или PNG" in refused.json()["error"]
    unknown = client.post(url, {"action": "upload:9", "files_9": png()}, headers=headers)
    assert unknown.status_code == 400


def test_delete_attachment_before_submission(client, citizen, draft):
    attachment = services.add_attachment(application=draft, document=PHOTO, upload=png())
    sign_in_as(client, citizen)
    url = reverse("applications:edit", kwargs={"ref": draft.ref})
    client.post(url, {"action": f"delete:{attachment.pk}"})
    assert not draft.attachments.exists()


def test_submit_without_the_mandatory_document_is_refused(client, citizen, draft):
    sign_in_as(client, citizen)
    url = reverse("applications:edit", kwargs={"ref": draft.ref})
    services.add_attachment(application=draft, document=PHOTO, upload=png())
    response = client.post(url, {**VALID, "action": "submit"})
    assert response.status_code == 400
    assert "Приложите файл." in response.content.decode()


def test_mandatory_document_not_in_the_form_is_checked_too(client, citizen, service, draft):
    service.required_documents[1]["mandatory"] = True
    service.save(update_fields=["required_documents"])
    services.add_attachment(application=draft, document=PASSPORT_COPY, upload=pdf())
    sign_in_as(client, citizen)
    url = reverse("applications:edit", kwargs={"ref": draft.ref})
    response = client.post(url, {**VALID, "action": "submit"})
    assert "Приложите документ «Фотография»." in response.content.decode()


# --- list ---------------------------------------------------------------------------------


def _submit_many(citizen, service, count):
    result = []
    for _ in range(count):
        draft = services.start_draft(user=citizen, service=service)
        result.append(services.submit(application=draft, answers={}, actor=citizen))
    return result


def test_list_tabs_show_active_finished_and_drafts(client, citizen, service, submitted):
    other = ServiceFactory(title="Справка о несудимости")
    draft = services.start_draft(user=citizen, service=other)
    sign_in_as(client, citizen)
    url = reverse("applications:list")
    active = client.get(url).content.decode()
    assert submitted.number in active and "Замена паспорта" in active
    assert reverse("applications:edit", kwargs={"ref": draft.ref}) not in active
    drafts = client.get(url, {"tab": "drafts"}).content.decode()
    assert reverse("applications:edit", kwargs={"ref": draft.ref}) in drafts
    services.cancel(application=submitted, actor=citizen)
    finished = client.get(url, {"tab": "finished"}).content.decode()
    assert submitted.number in finished and "Отменено" in finished


def test_list_never_shows_another_persons_applications(client, submitted, other_citizen):
    sign_in_as(client, other_citizen)
    page = client.get(reverse("applications:list")).content.decode()
    assert submitted.number not in page
    assert "Заявлений не найдено" in page


def test_list_search_by_number_and_service_and_filters(client, citizen, service, submitted):
    other = ServiceFactory(title="Справка о несудимости")
    second = _submit_many(citizen, other, 1)[0]
    sign_in_as(client, citizen)
    url = reverse("applications:list")
    by_number = client.get(url, {"q": second.number.lower()}).content.decode()
    assert second.number in by_number and submitted.number not in by_number
    by_title = client.get(url, {"q": "несудим"}).content.decode()
    assert second.number in by_title and submitted.number not in by_title
    by_service = client.get(url, {"service": service.pk}).content.decode()
    assert submitted.number in by_service and second.number not in by_service
    services.change_status(second, Status.ACCEPTED, actor=None, by=services.AGENCY)
    by_status = client.get(url, {"status": "accepted"}).content.decode()
    assert second.number in by_status and submitted.number not in by_status


def test_list_date_range(client, citizen, service):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)):
        old = _submit_many(citizen, service, 1)[0]
    with time_machine.travel(datetime.datetime(2026, 5, 4, 9, tzinfo=datetime.UTC)):
        new = _submit_many(citizen, service, 1)[0]
    sign_in_as(client, citizen)
    page = client.get(
        reverse("applications:list"), {"date_from": "2026-04-01", "date_to": "2026-05-31"}
    ).content.decode()
    assert new.number in page and old.number not in page


def test_list_bad_filters_are_ignored_and_explained(client, citizen, submitted):
    sign_in_as(client, citizen)
    response = client.get(
        reverse("applications:list"),
        {"date_from": "вчера", "status": "nonsense", "service": "x", "sort": "?", "after": "%%"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert submitted.number in page
    assert "Введите дату в формате ДД.ММ.ГГГГ." in page


def test_list_keyset_pages_cover_every_row_once(client, citizen, service):
    made = _submit_many(citizen, service, 45)
    sign_in_as(client, citizen)
    seen = []
    url = reverse("applications:list") + "?sort=old"
    while url:
        page = client.get(url).content.decode()
        seen += re.findall(r">(MVD-\d{4}-\d{6})<", page)
        found = re.search(r'href="(\?[^"]*after=[^"]*)" rel="next"', page)
        url = reverse("applications:list") + found.group(1).replace("&amp;", "&") if found else ""
    assert seen == [a.number for a in made]


def test_list_query_count_does_not_grow_with_rows(
    client, citizen, service, django_assert_max_num_queries
):
    _submit_many(citizen, service, 3)
    sign_in_as(client, citizen)
    url = reverse("applications:list")
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    _submit_many(citizen, service, 15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_csv_export_is_filtered_and_safe_from_formulas(client, citizen):
    dangerous = ServiceFactory(title='=HYPERLINK("http://x")')
    plain = ServiceFactory(title="Обычная услуга")
    _submit_many(citizen, dangerous, 1)
    _submit_many(citizen, plain, 1)
    sign_in_as(client, citizen)
    response = client.get(reverse("applications:export"), {"service": dangerous.pk})
    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK" in body and "Обычная услуга" not in body


# --- card ---------------------------------------------------------------------------------


def test_card_shows_status_timeline_agency_data_and_files(client, citizen, submitted):
    sign_in_as(client, citizen)
    page = client.get(
        reverse("applications:detail", kwargs={"ref": submitted.ref})
    ).content.decode()
    assert submitted.number in page and "Отправлено" in page
    assert submitted.agency.full_name in page
    assert "Петров" in page and "01.02.1990" in page and "Утеря" in page
    attachment = submitted.attachments.get()
    assert (
        reverse(
            "applications:attachment", kwargs={"ref": submitted.ref, "attachment_id": attachment.pk}
        )
        in page
    )


def test_card_highlights_an_overdue_date(client, citizen, submitted):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=40)):
        sign_in_as(client, citizen)
        page = client.get(
            reverse("applications:detail", kwargs={"ref": submitted.ref})
        ).content.decode()
    assert "срок истёк" in page


def test_attachment_download_is_the_owners_and_not_cached(client, citizen, submitted):
    sign_in_as(client, citizen)
    attachment = submitted.attachments.get()
    response = client.get(
        reverse(
            "applications:attachment",
            kwargs={"ref": submitted.ref, "attachment_id": attachment.pk},
        )
    )
    assert response.content.startswith(b"%PDF")
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "application/pdf"


def test_edit_and_resubmit_shows_versions(client, citizen, submitted):
    sign_in_as(client, citizen)
    url = reverse("applications:edit", kwargs={"ref": submitted.ref})
    response = client.post(url, {**VALID, "last_name": "Иванов", "action": "submit"})
    submitted.refresh_from_db()
    assert submitted.status == Status.RESUBMITTED
    card = reverse("applications:detail", kwargs={"ref": submitted.ref})
    assert response.status_code == 302
    page = client.get(card).content.decode()
    assert "Переподано" in page and "Иванов" in page and "версия 2" in page
    assert "Петров" in client.get(card, {"version": 1}).content.decode()


def test_edit_form_of_a_submitted_application_shows_dates_as_typed(client, citizen, submitted):
    sign_in_as(client, citizen)
    page = client.get(reverse("applications:edit", kwargs={"ref": submitted.ref}))
    assert 'value="01.02.1990"' in page.content.decode()


def test_edit_after_work_started_is_refused_with_a_message(client, citizen, submitted):
    services.change_status(submitted, Status.ACCEPTED, actor=None, by=services.AGENCY)
    services.change_status(submitted, Status.IN_PROGRESS, actor=None, by=services.AGENCY)
    sign_in_as(client, citizen)
    url = reverse("applications:edit", kwargs={"ref": submitted.ref})
    response = client.post(url, {**VALID, "last_name": "Иванов", "action": "submit"}, follow=True)
    assert "Изменить заявление уже нельзя" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.IN_PROGRESS and submitted.version == 1


def test_cancel_needs_a_recent_sign_in(client, citizen, submitted):
    sign_in_as(client, citizen, reauthenticated=False)
    response = client.post(reverse("applications:cancel", kwargs={"ref": submitted.ref}))
    assert reverse("accounts:reauth") in response["Location"]
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    session = client.session  # proved who they are; back from the re-authentication page
    session[REAUTH_KEY] = int(time.time())
    session.save()
    back = client.get(reverse("applications:cancel", kwargs={"ref": submitted.ref}))
    assert back["Location"] == reverse("applications:detail", kwargs={"ref": submitted.ref})
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_cancel_and_restore_from_the_card(client, citizen, submitted):
    sign_in_as(client, citizen)
    cancel = reverse("applications:cancel", kwargs={"ref": submitted.ref})
    page = client.post(cancel, {"reason": "Передумал"}, follow=True).content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.CANCELLED
    assert "Восстановить заявление" in page and "Передумал" in page
    restore = reverse("applications:restore", kwargs={"ref": submitted.ref})
    client.post(restore)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_cancel_after_work_started_shows_the_refusal(client, citizen, submitted):
    services.change_status(submitted, Status.ACCEPTED, actor=None, by=services.AGENCY)
    services.change_status(submitted, Status.IN_PROGRESS, actor=None, by=services.AGENCY)
    sign_in_as(client, citizen)
    page = client.post(
        reverse("applications:cancel", kwargs={"ref": submitted.ref}), follow=True
    ).content.decode()
    assert "Отменить заявление уже нельзя" in page
    submitted.refresh_from_db()
    assert submitted.status == Status.IN_PROGRESS


def test_restore_after_thirty_days_shows_the_refusal(client, citizen, submitted):
    services.cancel(application=submitted, actor=citizen)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        sign_in_as(client, citizen)
        page = client.post(
            reverse("applications:restore", kwargs={"ref": submitted.ref}), follow=True
        ).content.decode()
    assert "больше 30 дней" in page
    submitted.refresh_from_db()
    assert submitted.status == Status.CANCELLED


def test_list_sorted_by_status_follows_the_lifecycle_across_pages(client, citizen, service):
    made = _submit_many(citizen, service, 25)
    for application in made[:3]:
        services.change_status(application, Status.ACCEPTED, actor=None, by=services.AGENCY)
    sign_in_as(client, citizen)
    seen = []
    url = reverse("applications:list") + "?sort=status"
    while url:
        page = client.get(url).content.decode()
        seen += re.findall(r">(MVD-\d{4}-\d{6})<", page)
        found = re.search(r'href="(\?[^"]*after=[^"]*)" rel="next"', page)
        url = reverse("applications:list") + found.group(1).replace("&amp;", "&") if found else ""
    submitted_first = [a.number for a in reversed(made[3:])]
    accepted_next = [a.number for a in reversed(made[:3])]
    assert seen == submitted_first + accepted_next
