import pytest

from gosportal.documents.services import issue_document
from tests.factories import UserFactory
from tests.signatures.conftest import certificate, unsigned_pdf  # noqa: F401 -- shared fixtures


@pytest.fixture
def owner(db):
    return UserFactory(display_name="Иван Петров")


@pytest.fixture
def issued(owner, certificate):  # noqa: F811 -- the imported fixture
    return issue_document(
        owner=owner,
        title="Выписка о подтверждении личности",
        template_name="documents/pdf/letter.html",
        context={"recipient": "Петров Иван Сергеевич", "paragraphs": ["Личность подтверждена."]},
        certificate=certificate,
    )
