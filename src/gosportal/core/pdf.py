"""PDF rendering of documents the portal issues (OFF-3, DOC-2, DOC-3).

A Django template is rendered to HTML and WeasyPrint turns it into PDF/A-3b: every font
embedded (DejaVu from the system font folder, which has Cyrillic), XMP metadata with the
PDF/A identification, no transparency tricks. Rendering never reaches the network: the
URL fetcher serves ``data:`` URIs and files under the font folder and our static folders
only, and refuses anything else. ``qr_data_uri`` makes the QR code printed on documents.
WeasyPrint is imported on first use: it takes over a second of CPU, which every process
(web workers, the task worker, management commands) would otherwise pay at start.
"""

from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from PIL import ImageFile

PDF_VARIANT = "pdf/a-3b"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


@cache
def _weasyprint():
    import weasyprint

    # WeasyPrint switches Pillow to accept truncated images process-wide when imported;
    # uploads must keep refusing them (core.files), and our documents embed only our own.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    return weasyprint


@cache
def _refusing_url_fetcher():
    from weasyprint.urls import URLFetcher

    _weasyprint()

    class RefusingURLFetcher(URLFetcher):
        """Serves ``data:`` URIs and local files under the allowed folders; refuses the
        rest."""

        def __init__(self, allowed_dirs: list[Path]):
            super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
            self._allowed = [folder.resolve() for folder in allowed_dirs]

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if not any(path.is_relative_to(folder) for folder in self._allowed):
                    raise ValueError(f"PDF rendering may not read {path}")
            elif scheme != "data":
                raise ValueError(f"PDF rendering may not fetch {scheme}: URLs")
            return super().fetch(url, headers)

    return RefusingURLFetcher


def __getattr__(name: str):
    # ``pdf.RefusingURLFetcher`` is built with WeasyPrint's base class on first use.
    if name == "RefusingURLFetcher":
        return _refusing_url_fetcher()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def allowed_dirs() -> list[Path]:
    return [FONT_DIR, *(Path(folder) for folder in settings.STATICFILES_DIRS)]


def static_base_url() -> str:
    """A base URL under which ``{% static %}``-like relative paths resolve to our files."""
    return Path(settings.STATICFILES_DIRS[0]).resolve().as_uri() + "/"


def render_pdf(template_name: str, context: dict, *, base_url: str | None = None) -> bytes:
    """The PDF/A-3b bytes of ``template_name`` rendered with ``context``.

    The template gets ``pdf_font_css`` (the ``@font-face`` rules of the family
    'Portal Sans') to put in its ``<style>``; relative URLs resolve in our static folder.
    """
    fonts = mark_safe(font_face_css())  # noqa: S308 -- our own CSS, no user input
    html = render_to_string(template_name, {"pdf_font_css": fonts, **context})
    document = _weasyprint().HTML(
        string=html,
        base_url=base_url or static_base_url(),
        url_fetcher=_refusing_url_fetcher()(allowed_dirs()),
    )
    return document.write_pdf(pdf_variant=PDF_VARIANT, uncompressed_pdf=False)


def font_face_css() -> str:
    """``@font-face`` rules for DejaVu Sans (regular, bold) read from the system fonts."""
    faces = []
    for weight, file_name in (("normal", "DejaVuSans.ttf"), ("bold", "DejaVuSans-Bold.ttf")):
        url = (FONT_DIR / file_name).as_uri()
        faces.append(
            f"@font-face {{ font-family: 'Portal Sans'; font-weight: {weight}; "
            f"src: url('{url}'); }}"
        )
    return "\n".join(faces)


def qr_data_uri(text: str, *, scale: int = 4) -> str:
    """A PNG QR code of ``text`` as a ``data:`` URI (error correction M, quiet zone 4)."""
    return segno.make(text, error="m", micro=False).png_data_uri(scale=scale, border=4)
