"""File intake: every file a person uploads passes ``check_upload`` before it is stored.

Attachments (APP-2), passport scans (PROF-2) and any other upload are recognised by
their content — magic bytes and structure, never the name or the browser's content
type — and limited in size; images are decoded and re-encoded with the EXIF
orientation applied and every piece of metadata dropped; PDF and Word files are
checked for truncation, passwords and active content (scripts, launch actions,
embedded files, macros); ZIP bombs and decompression bombs are refused; the final
bytes go through the antivirus adapter (SEC-5). The result is a ``CheckedFile`` with a
safe name and the extension that matches the content. Every refusal is a
``DomainError`` with a Russian message that names the file and says what to do.
"""

import contextlib
import dataclasses
import hashlib
import io
import logging
import re
import unicodedata
import urllib.parse
import zipfile
import zlib
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.utils import formats
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps

from gosportal.core.antivirus import AntivirusUnavailable, get_antivirus
from gosportal.core.errors import InvalidInput, ServiceUnavailable

logger = logging.getLogger(__name__)

PDF = "pdf"
JPEG = "jpeg"
PNG = "png"
DOC = "doc"
DOCX = "docx"


@dataclasses.dataclass(frozen=True)
class Kind:
    mime_type: str
    extension: str
    label: str


KINDS = {
    PDF: Kind("application/pdf", ".pdf", "PDF"),
    JPEG: Kind("image/jpeg", ".jpg", "JPEG"),
    PNG: Kind("image/png", ".png", "PNG"),
    DOC: Kind("application/msword", ".doc", "DOC"),
    DOCX: Kind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "DOCX"
    ),
}
IMAGE_KINDS = frozenset({JPEG, PNG})
SCAN_KINDS = (PDF, JPEG, PNG)  # PROF-2: a scan or a photo of a document
ATTACHMENT_KINDS = (PDF, JPEG, PNG, DOC, DOCX)  # APP-2

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: DOC, XLS, MSI…
ZIP_SIGNATURE = b"PK\x03\x04"

JPEG_QUALITY = 90
PDF_EOF_WINDOW = 1024
# Object streams are inflated to find actions hidden in them; beyond this the PDF is
# refused as too complex rather than accepted unchecked.
PDF_MAX_INFLATED = 100 * 1024 * 1024
DOCX_MAX_ENTRIES = 1000
DOCX_MAX_UNPACKED = 100 * 1024 * 1024
NAME_MAX_STEM = 100

# Long names are looked for everywhere, stream data included (they cannot occur there by
# chance); "/JS" is three bytes, so only outside stream data, or random compressed
# bytes would refuse a few percent of large scans. A JavaScript action also carries
# "/S /JavaScript", so nothing escapes through that gap.
_PDF_ACTIVE_LONG = frozenset({b"JavaScript", b"Launch", b"EmbeddedFile", b"EmbeddedFiles"})
_PDF_ACTIVE_SHORT = frozenset({b"JS"})
_PDF_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]+)")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM_DATA = re.compile(rb"stream\r?\n.*?endstream", re.S)
_PDF_STREAM_HEADER = re.compile(rb"\bobj\b(.{0,2048}?)\bstream\r?\n", re.S)

ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    OSError,
)

_SUFFIX = re.compile(r"(?=[0-9]*[A-Za-z])[A-Za-z0-9]{1,5}")
_UNSAFE_NAME_CHARS = re.compile(r"[^\w.\-]+")
_REPEATED_SEPARATORS = re.compile(r"([._\-])[._\-]+")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


@dataclasses.dataclass(frozen=True)
class CheckedFile:
    """An upload that passed every check; ``content`` is what must be stored."""

    kind: str
    mime_type: str
    extension: str
    name: str  # safe, with the extension that matches the content
    size: int
    sha256: str
    content: bytes = dataclasses.field(repr=False)

    def as_django_file(self) -> ContentFile:
        return ContentFile(self.content, name=self.name)


class _Refused(Exception):
    """A check failed; ``check_upload`` adds the file's name and the field."""

    def __init__(self, code: str, message: str, **params):
        self.code = code
        self.message = message
        self.params = params
        super().__init__(code)


def kinds_label(kinds: Iterable[str]) -> str:
    """The kinds for a hint next to a file input: "PDF, JPEG, PNG"."""
    return ", ".join(KINDS[kind].label for kind in _ordered(kinds))


def check_upload(
    upload,
    *,
    allowed: Iterable[str],
    max_bytes: int | None = None,
    field: str | None = None,
) -> CheckedFile:
    """Check an uploaded file and return the bytes fit to store.

    ``upload`` is a Django ``UploadedFile`` or any file object with ``name`` and
    ``read``; ``max_bytes`` defaults to ``settings.UPLOAD_MAX_BYTES``. Raises
    ``InvalidInput`` (on ``field``) when the file is refused and ``ServiceUnavailable``
    when the antivirus cannot give a verdict.
    """
    kinds = _ordered(allowed)
    limit = settings.UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    original = getattr(upload, "name", None) or ""
    shown = _shown_name(original)
    try:
        data = _read(upload, limit)
        kind = _detect_kind(data)
        if kind is None:
            raise _unrecognised(data, kinds)
        if kind not in kinds:
            raise _Refused(
                "file_kind_not_allowed",
                _(
                    "Файл «%(name)s» не подходит: по содержимому это %(kind)s, "
                    "а здесь принимаются только %(allowed)s."
                ),
                kind=KINDS[kind].label,
                allowed=_kinds_or(kinds),
            )
        content = _CHECKS[kind](data)
    except _Refused as refusal:
        message = refusal.message % {"name": shown, **refusal.params}
        raise InvalidInput(message, field=field, code=refusal.code) from None

    name = safe_name(original, extension=KINDS[kind].extension)
    digest = hashlib.sha256(content).hexdigest()
    _scan(content, name=name, kind=kind, digest=digest, shown=shown, field=field)
    return CheckedFile(
        kind=kind,
        mime_type=KINDS[kind].mime_type,
        extension=KINDS[kind].extension,
        name=name,
        size=len(content),
        sha256=digest,
        content=content,
    )


def safe_name(original: str | None, *, extension: str) -> str:
    """A file name fit for storage and downloads: the original's stem cleaned up.

    Letters (Cyrillic included), digits, dot, dash and underscore are kept, anything
    else becomes "_"; paths are cut off; the stem is at most ``NAME_MAX_STEM``
    characters; the extension is the one given, replacing the client's.
    """
    base = re.split(r"[\\/]", original or "")[-1]
    stem, dot, suffix = base.rpartition(".")
    if dot and _SUFFIX.fullmatch(suffix):
        base = stem
    base = unicodedata.normalize("NFKC", base)
    base = _UNSAFE_NAME_CHARS.sub("_", base)
    base = _REPEATED_SEPARATORS.sub(r"\1", base).strip("._-")
    base = base[:NAME_MAX_STEM].rstrip("._-")
    return (base or "file") + extension


# --- reading and recognising ----------------------------------------------------------


def _ordered(kinds: Iterable[str]) -> tuple[str, ...]:
    if isinstance(kinds, str):
        raise TypeError("allowed must be a collection of kinds, not a string")
    wanted = set(kinds)
    unknown = wanted - KINDS.keys()
    if unknown or not wanted:
        raise ValueError(f"unknown or no file kinds: {sorted(unknown)}")
    return tuple(kind for kind in KINDS if kind in wanted)


def _kinds_or(kinds: tuple[str, ...]) -> str:
    labels = [KINDS[kind].label for kind in kinds]
    if len(labels) == 1:
        return labels[0]
    return _("%(first)s или %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}


def _shown_name(original: str) -> str:
    base = _CONTROL_CHARS.sub("", re.split(r"[\\/]", original)[-1]).strip()
    if len(base) > NAME_MAX_STEM:
        base = base[: NAME_MAX_STEM - 1] + "…"
    return base or _("без имени")


def _number(value: Decimal) -> str:
    value = value.quantize(Decimal("0.1"))
    if value == value.to_integral_value():
        return formats.number_format(int(value))
    return formats.number_format(value, decimal_pos=1)


def _too_big(limit: int) -> _Refused:
    return _Refused(
        "file_too_large",
        _("Файл «%(name)s» слишком большой: можно загрузить файл не больше %(limit)s МБ."),
        limit=_number(Decimal(limit) / (1024 * 1024)),
    )


def _read(upload, limit: int) -> bytes:
    """The whole file, reading at most one byte past ``limit``."""
    declared = getattr(upload, "size", None)
    if isinstance(declared, int) and declared > limit:
        raise _too_big(limit)
    if hasattr(upload, "chunks"):
        pieces = upload.chunks()
    else:
        with contextlib.suppress(AttributeError, OSError, ValueError):
            upload.seek(0)
        pieces = iter(lambda: upload.read(64 * 1024), b"")
    data = bytearray()
    for piece in pieces:
        data += piece
        if len(data) > limit:
            raise _too_big(limit)
    if not data:
        raise _Refused("file_empty", _("Файл «%(name)s» пустой. Загрузите файл с документом."))
    return bytes(data)


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _is_ole2(data: bytes) -> bool:
    # Byte-order mark and a 512- or 4096-byte sector size, as every compound file has.
    return (
        data.startswith(OLE2_SIGNATURE)
        and data[28:30] == b"\xfe\xff"
        and data[30:31] in (b"\x09", b"\x0c")
    )


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except ZIP_ERRORS:
        return False
    return "[Content_Types].xml" in names and any(name.startswith("word/") for name in names)


def _detect_kind(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(PNG_SIGNATURE):
        return PNG
    # A compound file is a Word document only with a WordDocument stream: an installer
    # (MSI) or a spreadsheet has the same header.
    if len(data) >= 512 and _is_ole2(data) and _utf16("WordDocument") in data:
        return DOC
    # The ZIP must start the file: self-extracting programs carry one at the end.
    if data.startswith(ZIP_SIGNATURE) and _is_docx(data):
        return DOCX
    return None


def _unrecognised(data: bytes, kinds: tuple[str, ...]) -> _Refused:
    # A password-protected DOCX is a compound file holding an encrypted package.
    if {DOC, DOCX} & set(kinds) and _is_ole2(data) and _utf16("EncryptedPackage") in data:
        return _encrypted()
    if len(kinds) == 1:
        message = _(
            "Файл «%(name)s» не подходит: по содержимому это не %(allowed)s. "
            "Загрузите документ в этом формате."
        )
    else:
        message = _(
            "Файл «%(name)s» не подходит: по содержимому это не %(allowed)s. "
            "Загрузите документ в одном из этих форматов."
        )
    return _Refused("file_type", message, allowed=_kinds_or(kinds))


def _encrypted() -> _Refused:
    return _Refused(
        "file_encrypted", _("Файл «%(name)s» защищён паролем. Загрузите документ без пароля.")
    )


# --- checks per kind --------------------------------------------------------------------


def _check_image(data: bytes, *, kind: str) -> bytes:
    """The image decoded and encoded again: orientation applied, no metadata left."""
    limit = settings.IMAGE_MAX_PIXELS
    if Image.MAX_IMAGE_PIXELS:
        # Pillow warns about bombs above its own limit: such images are refused too.
        limit = min(limit, Image.MAX_IMAGE_PIXELS)
    too_large = _Refused(
        "image_too_large",
        _(
            "Изображение «%(name)s» слишком большое: разрешение должно быть не больше "
            "%(limit)s Мп. Уменьшите его и загрузите снова."
        ),
        limit=_number(Decimal(limit) / 1_000_000),
    )
    image_format, decoders = ("JPEG", ["JPEG", "MPO"]) if kind == JPEG else ("PNG", ["PNG"])
    # A library may have switched this on process-wide (WeasyPrint does on import).
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with Image.open(io.BytesIO(data), formats=decoders) as image:
            if image.width * image.height > limit:
                raise too_large
            image.load()
            upright = ImageOps.exif_transpose(image)
        return _encode_without_metadata(upright, image_format)
    except _Refused:
        raise
    except Image.DecompressionBombError:
        raise too_large from None
    except Exception:
        # Decoders raise many kinds of errors on broken input; each means the same here.
        raise _Refused(
            "image_corrupt",
            _(
                "Файл «%(name)s» повреждён или загружен не полностью: изображение не "
                "удаётся прочитать. Загрузите файл ещё раз."
            ),
        ) from None


def _encode_without_metadata(image: Image.Image, image_format: str) -> bytes:
    params = {}
    if image_format == "JPEG":
        if image.mode not in ("L", "RGB"):
            image = image.convert("RGB")  # CMYK and the rest: viewers expect RGB
        params = {"quality": JPEG_QUALITY, "optimize": True}
    elif image.mode in ("1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"):
        # A palette or a single transparent colour is image data, not metadata.
        if image.info.get("transparency") is not None:
            params["transparency"] = image.info["transparency"]
    else:
        image = image.convert("RGBA" if "A" in image.mode else "RGB")
    # Encoders fall back on ``info`` for EXIF, XMP, ICC profiles, comments and text
    # chunks; an empty one leaves nothing but pixels.
    image.info = {}
    out = io.BytesIO()
    image.save(out, image_format, **params)
    return out.getvalue()


def _pdf_names(chunk: bytes) -> set[bytes]:
    """PDF name objects in ``chunk``, with #xx escapes decoded (/J#61vaScript)."""
    return {
        _PDF_NAME_ESCAPE.sub(lambda match: bytes([int(match[1], 16)]), name)
        for name in _PDF_NAME.findall(chunk)
    }


def _pdf_object_streams(data: bytes):
    """The inflated content of compressed object streams, where objects can hide."""
    budget = PDF_MAX_INFLATED
    for match in _PDF_STREAM_HEADER.finditer(data):
        header = _pdf_names(match[1])
        if not {b"ObjStm", b"FlateDecode"} <= header:
            continue
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(data[match.end() :], budget + 1)
        except zlib.error:
            continue  # a reader cannot inflate it either
        budget -= len(inflated)
        if budget < 0:
            raise _Refused(
                "pdf_too_complex",
                _(
                    "Файл «%(name)s» слишком сложный для проверки. Сохраните документ "
                    "заново, например через «Печать в PDF», и загрузите снова."
                ),
            )
        yield inflated


def _check_pdf(data: bytes) -> bytes:
    if b"%%EOF" not in data[-PDF_EOF_WINDOW:]:
        raise _Refused(
            "pdf_truncated",
            _(
                "Файл «%(name)s» повреждён или загружен не полностью: PDF-документ "
                "обрывается. Загрузите файл ещё раз."
            ),
        )
    everywhere = _pdf_names(data)
    if b"Encrypt" in everywhere:
        raise _encrypted()
    outside_streams = _pdf_names(_PDF_STREAM_DATA.sub(b"stream endstream", data))
    active = bool(everywhere & _PDF_ACTIVE_LONG or outside_streams & _PDF_ACTIVE_SHORT)
    if not active:
        active_names = _PDF_ACTIVE_LONG | _PDF_ACTIVE_SHORT
        active = any(_pdf_names(chunk) & active_names for chunk in _pdf_object_streams(data))
    if active:
        raise _Refused(
            "pdf_active_content",
            _(
                "Файл «%(name)s» содержит активное содержимое (скрипты, запуск программ "
                "или вложенные файлы) — такие документы не принимаются. Сохраните "
                "документ заново, например через «Печать в PDF», и загрузите снова."
            ),
        )
    return data


def _macros() -> _Refused:
    return _Refused(
        "document_macros",
        _(
            "Файл «%(name)s» содержит макросы — такие документы не принимаются. "
            "Сохраните документ без макросов и загрузите снова."
        ),
    )


def _check_doc(data: bytes) -> bytes:
    if _utf16("_VBA_PROJECT") in data:
        raise _macros()
    return data


def _check_docx(data: bytes) -> bytes:
    damaged = _Refused(
        "document_corrupt",
        _(
            "Файл «%(name)s» повреждён: документ не удаётся прочитать. Сохраните его "
            "заново и загрузите снова."
        ),
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            unpacked = sum(member.file_size for member in members)
            if len(members) > DOCX_MAX_ENTRIES or unpacked > DOCX_MAX_UNPACKED:
                raise _Refused(
                    "archive_too_large",
                    _(
                        "Файл «%(name)s» не подходит: в распакованном виде он занимает "
                        "слишком много места. Сохраните документ заново и загрузите снова."
                    ),
                )
            if any(member.flag_bits & 0x1 for member in members):
                raise _encrypted()
            content_types = archive.read("[Content_Types].xml").lower()
            if b"macroenabled" in content_types or any(
                member.filename.lower().endswith("vbaproject.bin") for member in members
            ):
                raise _macros()
            # Python never inflates past the declared sizes checked above, so reading
            # every member costs at most that and proves the archive intact.
            for member in members:
                with archive.open(member) as stream:
                    while stream.read(1024 * 1024):
                        pass
    except ZIP_ERRORS:
        raise damaged from None
    return data


_CHECKS = {
    PDF: _check_pdf,
    JPEG: lambda data: _check_image(data, kind=JPEG),
    PNG: lambda data: _check_image(data, kind=PNG),
    DOC: _check_doc,
    DOCX: _check_docx,
}


# --- antivirus --------------------------------------------------------------------------


def _scan(content: bytes, *, name: str, kind: str, digest: str, shown: str, field) -> None:
    # The log carries the hash, never the file's name: names often hold personal data.
    details = {"upload_field": field, "file_kind": kind, "file_sha256": digest}
    try:
        verdict = get_antivirus().scan(content, name=name)
    except AntivirusUnavailable:
        logger.warning("antivirus unavailable, upload refused", extra=details, exc_info=True)
        raise ServiceUnavailable(
            _("Проверка файлов временно недоступна, попробуйте позже."),
            field=field,
            code="antivirus_unavailable",
        ) from None
    details |= {"av_clean": verdict.clean, "av_signature": verdict.signature}
    if verdict.clean:
        logger.info("antivirus scan clean", extra=details)
        return
    logger.warning("antivirus found %s, upload refused", verdict.signature, extra=details)
    raise InvalidInput(
        _(
            "Файл «%(name)s» не прошёл антивирусную проверку. Проверьте компьютер "
            "антивирусом и загрузите другой файл."
        )
        % {"name": shown},
        field=field,
        code="file_infected",
    )


def private_download(content: bytes, *, name: str, kind: str) -> HttpResponse:
    """A person's file as a download: its checked type, never cached, never sniffed."""
    response = HttpResponse(content, content_type=KINDS[kind].mime_type)
    quoted = urllib.parse.quote(name)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quoted}"
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
