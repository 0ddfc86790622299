"""Consents to personal-data processing (PROF-5): listed with scope, date and version;
given and revoked by the person, revoked rows kept as history."""

import datetime as dt

import pytest
import time_machine

from gosportal.core.models import AuditEvent, OutboxEvent
from gosportal.profiles.models import Consent
from tests.conftest import sign_in_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/profile/consents/"
GRANT = "/profile/consents/grant/"
REVOKE = "/profile/consents/revoke/"
PROCESSING = Consent.Scope.PROCESSING


@pytest.fixture
def user():
    return UserFactory()


@pytest.fixture
def signed_in(client, user):
    return sign_in_as(client, user)


@pytest.mark.parametrize(("method", "url"), [("get", URL), ("post", GRANT), ("post", REVOKE)])
def test_anonymous_is_sent_to_sign_in(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_lists_the_four_scopes_none_given(signed_in):
    html = signed_in.get(URL).content.decode()
    for scope in Consent.Scope:
        assert str(scope.label) in html
    assert html.count("не дано") == 4
    assert html.count("Дать согласие") == 4


def test_given_consent_shows_date_and_version(signed_in, user):
    Consent.objects.create(
        user=user,
        scope=PROCESSING,
        version="2026-11",
        granted_at=dt.datetime(2026, 5, 14, 10, 0, tzinfo=dt.UTC),
    )
    html = signed_in.get(URL).content.decode()
    assert "дано 14.05.2026" in html
    assert "2026-11" in html
    assert "Отозвать согласие" in html


def test_grant_creates_an_active_consent_audited(signed_in, user):
    with time_machine.travel(dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC), tick=False):
        response = signed_in.post(GRANT, {"scope": "notifications"}, follow=True)
    consent = Consent.objects.get(user=user, scope="notifications")
    assert consent.revoked_at is None
    assert consent.version == "2026-11"
    assert "Согласие «Информационные рассылки о новых услугах» дано." in (response.content.decode())
    assert "дано 01.06.2026" in response.content.decode()
    assert AuditEvent.objects.filter(
        action="profile.consent_granted", object_id=str(consent.pk), actor_id=user.pk
    ).exists()


def test_grant_twice_is_refused(signed_in, user):
    signed_in.post(GRANT, {"scope": "research"})
    response = signed_in.post(GRANT, {"scope": "research"}, follow=True)
    assert "Это согласие уже дано." in response.content.decode()
    assert Consent.objects.filter(user=user, scope="research").count() == 1


def test_grant_unknown_scope_is_refused(signed_in, user):
    response = signed_in.post(GRANT, {"scope": "everything"}, follow=True)
    assert "Такого согласия нет." in response.content.decode()
    assert not Consent.objects.filter(user=user).exists()


def test_revoke_keeps_history_audits_and_notifies(signed_in, user):
    consent = Consent.objects.create(user=user, scope="partner_sites")
    response = signed_in.post(REVOKE, {"consent": consent.pk}, follow=True)
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    html = response.content.decode()
    assert "отозвано" in html
    assert "История согласий" in html
    assert AuditEvent.objects.filter(action="profile.consent_revoked").exists()
    notice = OutboxEvent.objects.get(name="accounts.security_notice")
    assert "Передача данных сайтам-партнёрам" in notice.payload["text"]


def test_grant_again_after_revoke_adds_a_new_row(signed_in, user):
    old = Consent.objects.create(user=user, scope="research")
    signed_in.post(REVOKE, {"consent": old.pk})
    signed_in.post(GRANT, {"scope": "research"})
    rows = Consent.objects.filter(user=user, scope="research")
    assert rows.count() == 2
    assert rows.filter(revoked_at__isnull=True).exclude(pk=old.pk).exists()


def test_revoking_processing_needs_the_confirmation(signed_in, user):
    consent = Consent.objects.create(user=user, scope=PROCESSING)
    page = signed_in.get(URL).content.decode()
    assert "станут недоступны" in page

    response = signed_in.post(REVOKE, {"consent": consent.pk})
    assert response.status_code == 400
    assert "Подтвердите, что понимаете последствия отзыва согласия." in (response.content.decode())
    consent.refresh_from_db()
    assert consent.revoked_at is None

    signed_in.post(REVOKE, {"consent": consent.pk, "confirm": "on"})
    consent.refresh_from_db()
    assert consent.revoked_at is not None


def test_other_users_consent_cannot_be_revoked(signed_in):
    other = UserFactory()
    theirs = Consent.objects.create(user=other, scope="notifications")
    response = signed_in.post(REVOKE, {"consent": theirs.pk, "confirm": "on"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_other_users_consents_are_not_listed(signed_in):
    Consent.objects.create(user=UserFactory(), scope="notifications")
    assert signed_in.get(URL).content.decode().count("не дано") == 4


@pytest.mark.parametrize("value", ["", "abc", "0"])
def test_revoke_without_a_valid_id_is_not_found(signed_in, value):
    assert signed_in.post(REVOKE, {"consent": value}).status_code == 404


def test_revoking_an_already_revoked_consent_is_not_found(signed_in, user):
    consent = Consent.objects.create(user=user, scope="research")
    signed_in.post(REVOKE, {"consent": consent.pk})
    assert signed_in.post(REVOKE, {"consent": consent.pk}).status_code == 404
