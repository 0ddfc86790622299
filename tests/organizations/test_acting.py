"""Acting for an organisation (APP-11 groundwork): «Войти как ИП …» and back."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gosportal.core.models import AuditEvent
from gosportal.organizations import services
from gosportal.organizations.selectors import ACTING_SESSION_KEY as SESSION_KEY
from tests.conftest import sign_in_as
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client):
    membership = MembershipFactory()
    sign_in_as(client, membership.user)
    return membership


def _act(client, organization):
    return client.post(f"/organizations/{organization.public_id}/act/")


def _record_in_request(client):
    """A request to another app that writes an audit row: «завершить другие сеансы»."""
    response = client.post("/accounts/sessions/end-others/")
    assert response.status_code == 302
    return AuditEvent.objects.filter(action="accounts.sessions_ended").latest("pk")


def test_header_offers_to_act_as_the_entrepreneur(client, owner):
    page = client.get("/organizations/").content.decode()
    assert f"Войти как {owner.organization.full_name}" in page


def test_acting_as_shows_whose_behalf_in_the_header(client, owner):
    response = _act(client, owner.organization)
    assert response.status_code == 302
    page = client.get("/profile/").content.decode()
    assert f"От имени: {owner.organization.full_name}" in page
    assert "Вернуться в личный кабинет" in page
    assert client.session[SESSION_KEY] == str(owner.organization.public_id)


def test_switching_is_audited_for_the_organization(client, owner):
    _act(client, owner.organization)
    row = AuditEvent.objects.get(action="organizations.acting_started")
    assert (row.actor_id, row.acting_for_id) == (owner.user.pk, owner.organization.pk)


def test_audit_rows_carry_acting_for_while_acting_and_not_after_switching_back(client, owner):
    _act(client, owner.organization)
    acting_row = _record_in_request(client)
    assert acting_row.acting_for_id == owner.organization.pk

    response = client.post("/organizations/act-as-myself/")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        action="organizations.acting_ended", acting_for_id=owner.organization.pk
    ).exists()
    own_row = _record_in_request(client)
    assert own_row.acting_for_id is None
    assert SESSION_KEY not in client.session
    assert "От имени:" not in client.get("/organizations/").content.decode()


def test_ended_membership_means_no_longer_acting(client, owner):
    _act(client, owner.organization)
    services.end_membership(membership=owner, reason="test")

    page = client.get("/organizations/").content.decode()
    assert "От имени:" not in page
    assert SESSION_KEY not in client.session
    assert _record_in_request(client).acting_for_id is None


def test_cannot_act_as_another_persons_organization(client, owner):
    others = MembershipFactory()
    response = _act(client, others.organization)
    assert response.status_code == 404
    assert SESSION_KEY not in client.session
    assert not AuditEvent.objects.filter(action="organizations.acting_started").exists()


def test_cannot_act_after_leaving_the_organization(client, owner):
    services.end_membership(membership=owner, reason="test")
    assert _act(client, owner.organization).status_code == 404


def test_acting_needs_post(client, owner):
    response = client.get(f"/organizations/{owner.organization.public_id}/act/")
    assert response.status_code == 405
    assert SESSION_KEY not in client.session


def test_acting_for_one_and_then_another_switches_directly(client, owner):
    second = MembershipFactory(user=owner.user)
    _act(client, owner.organization)
    _act(client, second.organization)
    assert client.session[SESSION_KEY] == str(second.organization.public_id)
    assert _record_in_request(client).acting_for_id == second.organization.pk


# --- the account menu kept in the session ------------------------------------------------


def _membership_reads(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "organizations_" in q["sql"]]


def test_the_menu_comes_from_the_session_opened_at_sign_in(client):
    membership = MembershipFactory()
    sign_in_as(client, membership.user)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/profile/").content.decode()
    assert f"Войти как {membership.organization.full_name}" in page
    assert _membership_reads(queries) == []


def test_a_new_organisation_of_another_session_shows_once_organisations_are_opened(client):
    membership = MembershipFactory()
    sign_in_as(client, membership.user)
    later = MembershipFactory(user=membership.user)
    assert later.organization.full_name not in client.get("/profile/").content.decode()
    client.get("/organizations/")
    assert f"Войти как {later.organization.full_name}" in client.get("/profile/").content.decode()


def test_acting_re_checks_the_membership_on_every_request_and_only_then(client, owner):
    with CaptureQueriesContext(connection) as queries:
        client.get("/profile/")
    as_oneself = _membership_reads(queries)
    _act(client, owner.organization)
    with CaptureQueriesContext(connection) as queries:
        client.get("/profile/")
    acting = _membership_reads(queries)
    assert as_oneself == []
    assert len(acting) == 1


def test_a_stale_menu_entry_leads_nowhere_and_is_dropped(client, owner):
    services.end_membership(membership=owner, reason="test")
    assert f"Войти как {owner.organization.full_name}" in client.get("/profile/").content.decode()
    assert _act(client, owner.organization).status_code == 404
    assert owner.organization.full_name not in client.get("/profile/").content.decode()
