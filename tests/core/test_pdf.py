"""Rendering of issued documents to PDF/A (OFF-3)."""

import io
import re

import pytest
from django.template import engines
from pyhanko.pdf_utils.reader import PdfFileReader

from gosportal.core import pdf

pytestmark = pytest.mark.real_pdf

TEMPLATE = "documents/pdf/letter.html"


def _context(**extra):
    document = {
        "number": "DOC-2026-000001",
        "title": "Выписка о подтверждении личности",
        "issuer_name": "Госпортал (демонстрационный стенд)",
        "verify_url": "http://127.0.0.1:8000/verify/DOC-2026-000001/",
        "qr": pdf.qr_data_uri("http://127.0.0.1:8000/verify/DOC-2026-000001/"),
        "certificate_serial": "1a2b",
    }
    return {"document": document, "paragraphs": ["Личность подтверждена."], **extra}


def _embedded_fonts(data: bytes) -> list[str]:
    """Base names of the fonts on the first page whose font program is embedded."""
    reader = PdfFileReader(io.BytesIO(data))
    page = reader.root["/Pages"]["/Kids"][0]
    names = []
    for font in page["/Resources"]["/Font"].values():
        font = font.get_object()
        descendants = font.get("/DescendantFonts")
        descriptor = (descendants[0] if descendants else font)["/FontDescriptor"]
        if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
            names.append(str(font["/BaseFont"]))
    return names


def test_rendered_document_is_pdf_a_with_embedded_cyrillic_fonts():
    data = pdf.render_pdf(TEMPLATE, _context())

    assert data.startswith(b"%PDF-")
    reader = PdfFileReader(io.BytesIO(data))
    metadata = reader.root["/Metadata"].data.decode()
    assert re.search(r'pdfaid:part(>|=")3', metadata)
    assert re.search(r'pdfaid:conformance(>|=")B', metadata)
    assert "Выписка о подтверждении личности" in metadata  # the title, in Cyrillic
    fonts = _embedded_fonts(data)
    assert fonts
    assert {name.split("+")[-1] for name in fonts} == {"Portal-Sans", "Portal-Sans-Bold"}


def test_qr_code_is_a_png_data_uri():
    uri = pdf.qr_data_uri("http://127.0.0.1:8000/verify/DOC-2026-000001/")

    assert uri.startswith("data:image/png;base64,")


def test_rendering_refuses_to_fetch_from_the_network(settings, tmp_path):
    fetcher = pdf.RefusingURLFetcher(pdf.allowed_dirs())

    with pytest.raises(ValueError, match="may not fetch"):
        fetcher.fetch("http://example.com/logo.png")
    with pytest.raises(ValueError, match="may not read"):
        fetcher.fetch("file:///etc/passwd")
    font = fetcher.fetch((pdf.FONT_DIR / "DejaVuSans.ttf").as_uri())
    assert font is not None


def test_a_remote_image_in_a_template_is_not_fetched(monkeypatch):
    calls = []
    real_fetch = pdf.RefusingURLFetcher.fetch

    def spy(self, url, headers=None):
        calls.append(url)
        return real_fetch(self, url, headers)

    monkeypatch.setattr(pdf.RefusingURLFetcher, "fetch", spy)
    template = engines["django"].from_string(
        '<html><body><img src="http://198.51.100.7/x.png" alt="x"><p>Проверка</p></body></html>'
    )
    monkeypatch.setattr(pdf, "render_to_string", lambda name, context: template.render(context))

    data = pdf.render_pdf("unused.html", {})

    assert data.startswith(b"%PDF-")
    assert calls == ["http://198.51.100.7/x.png"]  # asked, refused, rendered without it
