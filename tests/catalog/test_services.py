"""REG-5: an agency administrator creates civil-servant accounts; the person activates
theirs through a single-use link with a code by SMS and gets SMS codes as second factor."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from gosportal.accounts.models import Authenticator, User, UserSession
from gosportal.accounts.selectors import user_by_login
from gosportal.catalog import services
from gosportal.catalog.models import Invitation, Officer
from gosportal.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gosportal.core.models import AuditEvent
from gosportal.profiles.models import Profile
from tests.accounts.test_mfa import sms_code
from tests.catalog.conftest import link_token
from tests.factories import DEFAULT_PASSWORD, OfficerFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Slon-Na-Velosipede-7"


def activate(token, phone="+79105551234", password=NEW_PASSWORD):
    services.send_activation_code(token=token)
    return services.activate_officer(token=token, code=sms_code(phone), password=password)


# --- creating -------------------------------------------------------------------------


def test_admin_creates_a_confirmed_civil_servant_who_must_set_a_password(invited, admin):
    officer, _token = invited
    user = officer.user
    assert (user.kind, user.level) == (User.Kind.CIVIL_SERVANT, User.Level.CONFIRMED)
    assert user.phone == "+79105551234" and user.email == "m.sokolova@tula.example.ru"
    assert not user.has_usable_password() and user.must_change_password
    assert officer.agency == admin.officer.agency and officer.created_by == admin
    assert (officer.service_id, officer.staff_number) == ("ТУЛ-000123", "00123")
    profile = Profile.objects.get(user=user)
    assert (profile.last_name, profile.first_name, profile.middle_name) == (
        "Соколова",
        "Мария",
        "Игоревна",
    )
    assert AuditEvent.objects.filter(
        action="catalog.officer_created", actor_id=admin.pk, object_id=str(officer.pk)
    ).exists()


def test_the_invitation_e_mail_carries_a_link_valid_for_72_hours(invited, mailoutbox):
    officer, token = invited
    assert mailoutbox[-1].to == ["m.sokolova@tula.example.ru"]
    assert "72 часа" in mailoutbox[-1].body
    invitation = Invitation.objects.get(officer=officer)
    assert invitation.expires_at - invitation.created_at == timedelta(hours=72)
    assert token not in invitation.token_hash  # only a keyed hash is stored


def test_a_phone_used_by_another_account_is_refused_on_the_phone_field(admin, officer_data):
    UserFactory(phone="+79105551234")
    with pytest.raises(Conflict) as caught:
        services.create_civil_servant(admin=admin, **officer_data)
    assert caught.value.field == "phone"
    assert not Officer.objects.filter(staff_number="00123").exists()


def test_an_e_mail_used_by_another_account_is_refused_on_the_email_field(admin, officer_data):
    UserFactory(email="M.Sokolova@tula.example.ru")
    with pytest.raises(Conflict) as caught:
        services.create_civil_servant(admin=admin, **officer_data)
    assert caught.value.field == "email"


def test_a_staff_number_taken_in_the_agency_is_refused(admin, officer_data):
    OfficerFactory(agency=admin.officer.agency, staff_number="00123")
    with pytest.raises(Conflict) as caught:
        services.create_civil_servant(admin=admin, **officer_data)
    assert caught.value.field == "staff_number"
    assert user_by_login("+79105551234") is None  # nothing half-created


def test_a_service_id_taken_in_the_agency_is_refused(admin, officer_data):
    OfficerFactory(agency=admin.officer.agency, service_id="ТУЛ-000123")
    with pytest.raises(Conflict) as caught:
        services.create_civil_servant(admin=admin, **officer_data)
    assert caught.value.field == "service_id"


def test_another_agency_may_use_the_same_staff_number(admin, officer_data):
    OfficerFactory(staff_number="00123")  # another agency
    officer = services.create_civil_servant(admin=admin, **officer_data)
    assert officer.staff_number == "00123"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("last_name", "Соколова1"),
        ("first_name", ""),
        ("phone", "+1 202 555 0100"),
        ("email", "not-an-address"),
        ("service_id", "№"),
        ("staff_number", "12 34"),
        ("position", "x"),
        ("role", "boss"),
    ],
)
def test_bad_input_is_refused_naming_the_field(admin, officer_data, field, value):
    with pytest.raises(InvalidInput) as caught:
        services.create_civil_servant(admin=admin, **{**officer_data, field: value})
    assert caught.value.field == field
    assert str(caught.value.message)


@pytest.mark.parametrize("role", ["officer", "head", "appeal_officer"])
def test_officers_who_are_not_administrators_cannot_add_staff(officer_data, role):
    officer = OfficerFactory(role=role)
    with pytest.raises(Forbidden):
        services.create_civil_servant(admin=officer.user, **officer_data)


def test_a_citizen_cannot_add_staff(officer_data):
    with pytest.raises(Forbidden):
        services.create_civil_servant(admin=UserFactory(), **officer_data)


def test_the_administrator_of_a_closed_agency_cannot_add_staff(admin, officer_data):
    agency = admin.officer.agency
    agency.is_active = False
    agency.save()
    with pytest.raises(Forbidden):
        services.create_civil_servant(admin=admin, **officer_data)


# --- activation -----------------------------------------------------------------------


def test_activation_sets_the_password_and_turns_on_sms_codes(invited):
    officer, token = invited
    user = activate(token)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD) and not user.must_change_password
    assert user.email_confirmed
    assert list(user.authenticators.values_list("kind", flat=True)) == [Authenticator.Kind.SMS]
    assert Invitation.objects.get(officer=officer).used_at is not None
    assert AuditEvent.objects.filter(action="catalog.officer_activated").exists()


def test_the_activation_link_works_only_once(invited):
    _officer, token = invited
    activate(token)
    with pytest.raises(services.InvitationNotValid):
        services.send_activation_code(token=token)
    with pytest.raises(services.InvitationNotValid):
        services.activate_officer(token=token, code="000000", password="Another-Pass-8")


def test_the_activation_link_expires_after_72_hours(invited):
    _officer, token = invited
    later = timezone.now() + timedelta(hours=72, minutes=1)
    with time_machine.travel(later), pytest.raises(services.InvitationNotValid):
        services.send_activation_code(token=token)


def test_the_activation_link_still_works_just_before_72_hours(invited):
    officer, token = invited
    with time_machine.travel(timezone.now() + timedelta(hours=71, minutes=59)):
        user = activate(token)
    assert user.pk == officer.user_id


def test_a_wrong_code_keeps_the_link_and_sets_no_password(invited):
    officer, token = invited
    services.send_activation_code(token=token)
    right = sms_code("+79105551234")
    wrong = "000000" if right != "000000" else "111111"
    with pytest.raises(InvalidInput):
        services.activate_officer(token=token, code=wrong, password=NEW_PASSWORD)
    officer.user.refresh_from_db()
    assert not officer.user.has_usable_password()
    assert not officer.user.authenticators.exists()
    services.activate_officer(token=token, code=right, password=NEW_PASSWORD)


def test_a_weak_password_is_refused_on_the_password_field(invited):
    _officer, token = invited
    services.send_activation_code(token=token)
    with pytest.raises(InvalidInput) as caught:
        services.activate_officer(token=token, code=sms_code("+79105551234"), password="12345678")
    assert caught.value.field == "password1"


def test_a_forged_link_is_refused():
    with pytest.raises(services.InvitationNotValid):
        services.invitation_for_token("x" * services.LINK_LENGTH)


# --- reset and deactivation ---------------------------------------------------------------


def test_a_new_invitation_voids_the_old_link(
    invited, admin, mailoutbox, django_capture_on_commit_callbacks
):
    officer, old = invited
    with django_capture_on_commit_callbacks(execute=True):
        services.reset_invitation(admin=admin, officer_id=officer.pk)
    new = link_token(mailoutbox)
    assert new != old
    with pytest.raises(services.InvitationNotValid):
        services.invitation_for_token(old)
    assert services.invitation_for_token(new).officer == officer


def test_no_new_invitation_after_activation(invited, admin):
    officer, token = invited
    activate(token)
    with pytest.raises(Conflict):
        services.reset_invitation(admin=admin, officer_id=officer.pk)


def test_deactivation_ends_sessions_and_the_account_cannot_sign_in(admin):
    officer = OfficerFactory(agency=admin.officer.agency)
    UserSession.objects.create(user=officer.user, session_key="k" * 32)
    services.deactivate_officer(admin=admin, officer_id=officer.pk)
    officer.refresh_from_db()
    officer.user.refresh_from_db()
    assert not officer.is_active and officer.deactivated_at is not None
    assert not officer.user.is_active
    assert UserSession.objects.get(session_key="k" * 32).ended_at is not None
    assert AuditEvent.objects.filter(
        action="catalog.officer_deactivated", actor_id=admin.pk, object_id=str(officer.pk)
    ).exists()


def test_deactivation_voids_an_open_invitation(invited, admin):
    officer, token = invited
    services.deactivate_officer(admin=admin, officer_id=officer.pk)
    with pytest.raises(services.InvitationNotValid):
        services.invitation_for_token(token)


def test_an_administrator_cannot_deactivate_themselves(admin):
    with pytest.raises(Conflict):
        services.deactivate_officer(admin=admin, officer_id=admin.officer.pk)


def test_another_agencys_officer_is_not_found(admin):
    stranger = OfficerFactory()
    with pytest.raises(NotFound):
        services.deactivate_officer(admin=admin, officer_id=stranger.pk)
    with pytest.raises(NotFound):
        services.reset_invitation(admin=admin, officer_id=stranger.pk)
    stranger.refresh_from_db()
    assert stranger.is_active


def test_a_password_still_valid_for_a_citizen_is_unaffected(admin):
    citizen = UserFactory()
    assert citizen.check_password(DEFAULT_PASSWORD)
