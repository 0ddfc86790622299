"""The person's organisations in the data export and on account deletion (REC-4)."""

import pytest

from gosportal.accounts.deletion import delete_account
from gosportal.accounts.export import build_export
from gosportal.organizations.models import Membership, Organization
from tests.factories import EntrepreneurFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_export_lists_the_persons_organizations():
    import io
    import json
    import zipfile

    membership = MembershipFactory()
    archive = zipfile.ZipFile(io.BytesIO(build_export(user=membership.user)))
    rows = json.loads(archive.read("organizations.json"))
    assert [(r["ogrn"], r["role"]) for r in rows] == [(membership.organization.ogrn, "owner")]


def test_deleting_the_account_erases_the_entrepreneur_and_ends_memberships():
    owned = MembershipFactory()
    employee = Membership.objects.create(
        user=owned.user, organization=EntrepreneurFactory(), role=Membership.Role.EMPLOYEE
    )
    delete_account(owned.user)
    assert not Organization.objects.filter(pk=owned.organization_id).exists()
    employee.refresh_from_db()
    assert employee.ended_at is not None
    assert Organization.objects.filter(pk=employee.organization_id).exists()
