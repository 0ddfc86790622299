import pytest

from gosportal.signatures.services import create_signing_certificate
from tests.signatures.helpers import DEMO_INN, DEMO_OGRN, small_pdf


@pytest.fixture(scope="session")
def unsigned_pdf() -> bytes:
    return small_pdf()


@pytest.fixture
def certificate(db):
    return create_signing_certificate(
        issuer_code="demo",
        issuer_name="Госпортал (демонстрационный стенд)",
        inn=DEMO_INN,
        ogrn=DEMO_OGRN,
    )
