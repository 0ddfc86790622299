"""Favourites and «Недавние» are the person's data: exported (PROF-7), erased (REC-4)."""

import io
import json
import zipfile

import pytest

from gosportal.accounts.deletion import delete_account
from gosportal.accounts.export import build_export
from gosportal.catalog import services
from gosportal.catalog.models import Favourite, RecentService
from tests.factories import ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_export_lists_only_the_persons_favourites_and_recent():
    mine, theirs = ServiceFactory(title="Моя услуга"), ServiceFactory(title="Чужая услуга")
    me, other = UserFactory(), UserFactory()
    services.set_favourite(user=me, service=mine, favourite=True)
    services.record_view(user=me, service=mine)
    services.set_favourite(user=other, service=theirs, favourite=True)
    archive = zipfile.ZipFile(io.BytesIO(build_export(user=me)))
    data = json.loads(archive.read("catalog.json"))
    assert [f["title"] for f in data["favourites"]] == ["Моя услуга"]
    assert [r["title"] for r in data["recently_viewed"]] == ["Моя услуга"]


def test_deleting_the_account_erases_favourites_and_recent():
    service = ServiceFactory()
    me, other = UserFactory(), UserFactory()
    services.set_favourite(user=me, service=service, favourite=True)
    services.record_view(user=me, service=service)
    services.set_favourite(user=other, service=service, favourite=True)
    delete_account(me)
    assert not Favourite.objects.filter(user=me).exists()
    assert not RecentService.objects.filter(user=me).exists()
    assert Favourite.objects.filter(user=other).exists()
