"""REG-5: adding an individual entrepreneur's account from ЕГРИП."""

import pytest

from gosportal.accounts.levels import LevelTooLow
from gosportal.accounts.models import User
from gosportal.core.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    RateLimited,
    ServiceUnavailable,
)
from gosportal.core.models import AuditEvent, OutboxEvent
from gosportal.organizations import services
from gosportal.organizations.models import Membership, Organization
from gosportal.profiles.models import Profile, ProfileChange, RegistryCheck
from gosportal.profiles.services import update_profile
from tests.factories import MembershipFactory
from tests.organizations.conftest import (
    ALENA_OGRNIP,
    IVAN_ACTIVE_OGRNIP,
    IVAN_CLOSED_OGRNIP,
    OUTAGE_OGRNIP,
    UNKNOWN_OGRNIP,
    make_person,
    pass_fns_check,
)

pytestmark = pytest.mark.django_db


def _refused(user, ogrnip, error=InvalidInput):
    with pytest.raises(error) as caught:
        services.register_entrepreneur(user=user, ogrnip=ogrnip)
    assert not Organization.objects.exists()
    assert not Membership.objects.exists()
    return caught.value


def test_confirmed_person_registers_own_active_entrepreneur_and_owns_it(ivan):
    organization = services.register_entrepreneur(user=ivan, ogrnip=IVAN_ACTIVE_OGRNIP)

    organization.refresh_from_db()
    assert organization.kind == Organization.Kind.ENTREPRENEUR
    assert organization.full_name == "ИП Петров Иван Сергеевич"
    assert organization.ogrn == IVAN_ACTIVE_OGRNIP
    assert organization.inn == "770712345633"
    assert organization.status == Organization.Status.ACTIVE
    assert str(organization.registered_on) == "2021-03-15"
    assert (organization.region_code, organization.okved_code) == ("77", "62.01")
    assert organization.verified_at is not None
    membership = Membership.objects.get(organization=organization)
    assert (membership.user, membership.role, membership.ended_at) == (ivan, "owner", None)
    row = AuditEvent.objects.get(action="organizations.entrepreneur_registered")
    assert (row.actor_id, row.object_id) == (ivan.pk, str(organization.pk))
    assert "770712345633" not in str(row.details)


def test_registering_sends_a_security_notice(ivan):
    services.register_entrepreneur(user=ivan, ogrnip=IVAN_ACTIVE_OGRNIP)
    notices = OutboxEvent.objects.filter(name="accounts.security_notice", payload__user_id=ivan.pk)
    assert [IVAN_ACTIVE_OGRNIP in event.payload["text"] for event in notices] == [True]


def test_ogrnip_with_spaces_is_accepted(ivan):
    organization = services.register_entrepreneur(user=ivan, ogrnip=" 321 770 000 123 456 ")
    assert organization.ogrn == IVAN_ACTIVE_OGRNIP


def test_name_compares_regardless_of_yo_and_case():
    alena = make_person(
        inn="500123456750", last_name="ФЕДОРОВА", first_name="Алена", middle_name="петровна"
    )
    organization = services.register_entrepreneur(user=alena, ogrnip=ALENA_OGRNIP)
    assert organization.full_name == "ИП Фёдорова Алёна Петровна"


@pytest.mark.parametrize("level", ["simplified", "standard"])
def test_only_a_confirmed_account_may_register(level):
    user = make_person(level=level)
    error = _refused(user, IVAN_ACTIVE_OGRNIP, LevelTooLow)
    assert "Подтверждённая" in str(error)


def test_a_person_without_inn_is_told_to_add_it():
    user = make_person(inn=None)
    error = _refused(user, IVAN_ACTIVE_OGRNIP, services.InnMissing)
    assert "ИНН" in str(error) and "Мои данные" in str(error)


@pytest.mark.parametrize(
    ("ogrnip", "message"),
    [
        ("", "ОГРНИП должен состоять из 15 цифр"),
        ("32177000012345", "ОГРНИП должен состоять из 15 цифр"),
        ("321770000123457", "контрольная цифра"),
        ("1027700132195", "ОГРНИП должен состоять из 15 цифр"),
    ],
)
def test_malformed_ogrnip_is_refused_naming_the_field(ivan, ogrnip, message):
    error = _refused(ivan, ogrnip)
    assert error.field == "ogrnip"
    assert message in str(error)


def test_unknown_ogrnip_is_refused(ivan):
    error = _refused(ivan, UNKNOWN_OGRNIP)
    assert (error.field, error.code) == ("ogrnip", "not_found")
    assert "не найден в ЕГРИП" in str(error)


def test_another_persons_entrepreneur_is_refused(ivan):
    error = _refused(ivan, ALENA_OGRNIP)
    assert error.code == "other_person"
    assert "другого человека" in str(error)


def test_same_inn_with_another_name_is_refused():
    user = make_person(last_name="Иванов")
    error = _refused(user, IVAN_ACTIVE_OGRNIP)
    assert error.code == "name_mismatch"


def test_closed_entrepreneur_is_refused_with_the_date(ivan):
    error = _refused(ivan, IVAN_CLOSED_OGRNIP)
    assert error.code == "closed"
    assert "прекратил деятельность 20.12.2019" in str(error)


def test_registry_outage_asks_to_try_later_and_stores_nothing(ivan):
    error = _refused(ivan, OUTAGE_OGRNIP, ServiceUnavailable)
    assert "повторите попытку позже" in str(error)
    assert not AuditEvent.objects.filter(action__startswith="organizations.").exists()


def test_entrepreneur_already_registered_by_someone_else_is_refused(ivan):
    # Added earlier by another account (INNs are unique among profiles, so that account
    # has since changed its INN or been a mistake the support desk has to sort out).
    MembershipFactory(organization__ogrn=IVAN_ACTIVE_OGRNIP)
    with pytest.raises(Conflict) as caught:
        services.register_entrepreneur(user=ivan, ogrnip=IVAN_ACTIVE_OGRNIP)
    assert caught.value.code == "already_registered"
    assert Organization.objects.count() == 1
    assert not Membership.objects.filter(user=ivan).exists()


def test_registering_the_same_entrepreneur_twice_says_it_is_already_yours(ivan):
    services.register_entrepreneur(user=ivan, ogrnip=IVAN_ACTIVE_OGRNIP)
    with pytest.raises(Conflict) as caught:
        services.register_entrepreneur(user=ivan, ogrnip=IVAN_ACTIVE_OGRNIP)
    assert caught.value.code == "already_yours"
    assert Membership.objects.filter(user=ivan).count() == 1


def test_attempts_are_rate_limited(ivan):
    for _ in range(services.REGISTER_RATE.limit):
        with pytest.raises(InvalidInput):
            services.register_entrepreneur(user=ivan, ogrnip=UNKNOWN_OGRNIP)
    _refused(ivan, IVAN_ACTIVE_OGRNIP, RateLimited)


def test_one_active_owner_per_organization_is_enforced_by_the_database():
    from django.db import IntegrityError, transaction

    membership = MembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(organization=membership.organization)


def test_ending_a_membership_is_audited_and_keeps_the_row():
    membership = MembershipFactory()
    services.end_membership(membership=membership, reason="test")
    membership.refresh_from_db()
    assert membership.ended_at is not None
    assert AuditEvent.objects.filter(
        action="organizations.membership_ended", object_id=str(membership.pk)
    ).exists()


def test_inn_not_yet_confirmed_by_the_tax_service_is_refused():
    user = make_person(inn_checked=False)
    error = _refused(user, IVAN_ACTIVE_OGRNIP, services.InnNotConfirmed)
    assert error.code == "inn_not_confirmed"
    assert "не подтверждён ФНС" in str(error)


def test_a_check_of_earlier_data_does_not_confirm_a_changed_inn():
    # ФНС passed Алёна's INN; then the INN in «Мои данные» became Иван's: the check
    # was about other data, so it does not count.
    user = make_person(inn="500123456750")
    Profile.objects.filter(user=user).update(inn="770712345633")
    error = _refused(user, IVAN_ACTIVE_OGRNIP, services.InnNotConfirmed)
    assert error.code == "inn_not_confirmed"


def test_a_failed_tax_service_check_does_not_count():
    user = make_person(inn_checked=False)
    check = pass_fns_check(user)
    RegistryCheck.objects.filter(pk=check.pk).update(status=RegistryCheck.Status.MISMATCH)
    _refused(user, IVAN_ACTIVE_OGRNIP, services.InnNotConfirmed)


def test_confirmed_person_who_rewrites_name_and_inn_cannot_claim_another_entrepreneur():
    """The reviewer's exploit: a confirmed account puts another person's consistent
    name and INN into «Мои данные» and asks for that person's ИП."""
    mallory = make_person(
        inn="780123456724", last_name="Сидоров", first_name="Олег", middle_name="Петрович"
    )
    update_profile(
        user=mallory,
        changes={
            "last_name": "Петров",
            "first_name": "Иван",
            "middle_name": "Сергеевич",
            "inn": "770712345633",
        },
        channel=ProfileChange.Channel.WEB,
        actor=mallory,
    )
    mallory.refresh_from_db()
    assert mallory.level == "standard"
    _refused(mallory, IVAN_ACTIVE_OGRNIP, LevelTooLow)
    # Even at the confirmed level, ФНС has not confirmed the new INN yet.
    mallory.level = "confirmed"
    mallory.save(update_fields=["level"])
    _refused(mallory, IVAN_ACTIVE_OGRNIP, services.InnNotConfirmed)


def test_civil_servant_account_cannot_add_an_entrepreneur():
    user = make_person()
    user.kind = User.Kind.CIVIL_SERVANT
    user.save(update_fields=["kind"])
    error = _refused(user, IVAN_ACTIVE_OGRNIP, Forbidden)
    assert error.code == "civil_servant"
    assert "государственного служащего" in str(error)
