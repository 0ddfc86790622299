"""Uploads are recognised by content, cleaned and scanned before storage (APP-2, PROF-2, SEC-5)."""

import hashlib
import io
import logging
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import ExifTags, Image, ImageCms, PngImagePlugin

from gosportal.core import files
from gosportal.core.errors import InvalidInput, ServiceUnavailable

# Built from halves so that this file is not itself flagged by a virus scanner.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
AV_UNAVAILABLE = b"GOSPORTAL-AV-UNAVAILABLE-TEST"
MB = 1024 * 1024


# --- building real files ----------------------------------------------------------------


def make_pdf(*objects: bytes, catalog: bytes = b"", trailer: bytes = b"", comment=b"") -> bytes:
    """A minimal valid one-page PDF; ``objects`` are numbered from 4 on."""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        *objects,
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    if comment:
        out += b"%" + comment + b"\n"
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R " % (len(bodies) + 1) + trailer + b" >>\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def make_image(image_format: str, size=(20, 10), mode="RGB", **save_params) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "red" if mode != "CMYK" else (0, 255, 255, 0)).save(
        buffer, image_format, **save_params
    )
    return buffer.getvalue()


def make_docx(extra: dict[str, bytes] | None = None, *, content_types: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            b'<?xml version="1.0"?><Types><Override PartName="/word/document.xml" '
            b'ContentType="application/vnd.openxmlformats-officedocument.'
            b'wordprocessingml.document.main+xml"/>' + content_types + b"</Types>",
        )
        archive.writestr("word/document.xml", b"<w:document><w:body>Text</w:body></w:document>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def make_ole(*stream_names: str) -> bytes:
    """A compound file header and a directory sector naming the given streams."""
    header = (
        files.OLE2_SIGNATURE
        + bytes(16)  # CLSID
        + b"\x3e\x00\x03\x00"  # minor and major version
        + b"\xfe\xff"  # byte order
        + b"\x09\x00"  # 512-byte sectors
        + b"\x06\x00"  # 64-byte mini sectors
    )
    directory = b"".join(
        name.encode("utf-16-le").ljust(128, b"\x00") for name in ("Root Entry", *stream_names)
    )
    return (header.ljust(512, b"\x00") + directory).ljust(1536, b"\x00")


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


class RawUpload(io.BytesIO):
    """A file object as a client library would send it, its name untouched by Django."""

    def __init__(self, name: str, data: bytes):
        super().__init__(data)
        self.name = name


def refusal(name: str, data: bytes, **kwargs) -> InvalidInput:
    kwargs.setdefault("allowed", files.ATTACHMENT_KINDS)
    with pytest.raises(InvalidInput) as caught:
        files.check_upload(upload(name, data), **kwargs)
    return caught.value


# --- each kind accepted by content -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "kind", "mime_type", "stored_name"),
    [
        ("заявление.pdf", make_pdf(), files.PDF, "application/pdf", "заявление.pdf"),
        ("photo.jpeg", make_image("JPEG"), files.JPEG, "image/jpeg", "photo.jpg"),
        ("scan.png", make_image("PNG"), files.PNG, "image/png", "scan.png"),
        ("old.doc", make_ole("WordDocument"), files.DOC, "application/msword", "old.doc"),
        (
            "new.docx",
            make_docx(),
            files.DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "new.docx",
        ),
    ],
)
def test_each_allowed_kind_is_accepted(name, data, kind, mime_type, stored_name):
    checked = files.check_upload(upload(name, data), allowed=files.ATTACHMENT_KINDS)

    assert (checked.kind, checked.mime_type, checked.name) == (kind, mime_type, stored_name)
    assert checked.size == len(checked.content)


def test_a_plain_file_object_with_a_name_is_accepted():
    stream = RawUpload("scan.pdf", make_pdf())

    assert files.check_upload(stream, allowed=files.SCAN_KINDS).kind == files.PDF


def test_the_stored_pdf_is_the_uploaded_bytes_with_their_sha256():
    data = make_pdf()

    checked = files.check_upload(upload("a.pdf", data), allowed=files.SCAN_KINDS)

    assert checked.content == data
    assert checked.sha256 == hashlib.sha256(data).hexdigest()


def test_the_django_file_carries_the_safe_name_and_content():
    checked = files.check_upload(upload("скан.pdf", make_pdf()), allowed=files.SCAN_KINDS)

    django_file = checked.as_django_file()

    assert django_file.name == "скан.pdf"
    assert django_file.read() == checked.content


def test_the_kinds_hint_lists_formats_in_a_fixed_order():
    assert files.kinds_label([files.PNG, files.PDF, files.JPEG]) == "PDF, JPEG, PNG"


# --- type by content, not by name ---------------------------------------------------------


def test_a_program_renamed_to_pdf_is_refused_naming_the_file_and_what_is_allowed():
    program = b"MZ\x90\x00\x03" + bytes(59) + b"This program cannot be run in DOS mode."

    error = refusal("setup.pdf", program, allowed=files.SCAN_KINDS, field="passport_scan")

    assert str(error) == (
        "Файл «setup.pdf» не подходит: по содержимому это не PDF, JPEG или PNG. "
        "Загрузите документ в одном из этих форматов."
    )
    assert error.field == "passport_scan"
    assert error.status == 400


def test_a_png_named_pdf_is_accepted_as_png_with_a_png_name():
    checked = files.check_upload(upload("scan.pdf", make_image("PNG")), allowed=files.SCAN_KINDS)

    assert checked.kind == files.PNG
    assert checked.name == "scan.png"


def test_a_kind_the_form_does_not_take_is_refused_saying_what_it_is():
    error = refusal("letter.docx", make_docx(), allowed=files.SCAN_KINDS)

    assert str(error) == (
        "Файл «letter.docx» не подходит: по содержимому это DOCX, "
        "а здесь принимаются только PDF, JPEG или PNG."
    )


def test_a_compound_file_without_a_word_document_is_not_a_doc():
    installer = make_ole("SummaryInformation", "Binary.Icon")

    assert refusal("readme.doc", installer).code == "file_type"


def test_a_zip_without_word_parts_is_not_a_docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/workbook.xml", b"<workbook/>")

    assert refusal("table.docx", buffer.getvalue()).code == "file_type"


# --- size ---------------------------------------------------------------------------------


def test_an_empty_file_is_refused():
    error = refusal("scan.pdf", b"")

    assert str(error) == "Файл «scan.pdf» пустой. Загрузите файл с документом."


def test_a_file_over_the_default_limit_is_refused_with_the_limit_in_megabytes():
    data = make_pdf(comment=b"x" * (10 * MB))

    error = refusal("big.pdf", data)

    assert "Файл «big.pdf» слишком большой" in str(error)
    assert "не больше 10 МБ" in str(error)


def test_a_form_may_set_a_lower_limit():
    data = make_pdf(comment=b"x" * (5 * MB))

    assert "не больше 5 МБ" in str(refusal("passport.pdf", data, max_bytes=5 * MB))


# --- images are re-encoded ----------------------------------------------------------------


def test_a_jpeg_loses_its_exif_gps_icc_profile_and_comment():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Phone"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (55.0, 45.0, 21.0),
    }
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = make_image("JPEG", exif=exif, icc_profile=icc, comment=b"home address")

    checked = files.check_upload(upload("photo.jpg", data), allowed=files.SCAN_KINDS)

    stored = Image.open(io.BytesIO(checked.content))
    assert dict(stored.getexif()) == {}
    assert not {"exif", "icc_profile", "comment"} & stored.info.keys()
    assert b"home address" not in checked.content


def test_a_jpeg_is_turned_upright_by_its_exif_orientation():
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # rotate 90° clockwise to view
    data = make_image("JPEG", size=(20, 10), exif=exif)

    checked = files.check_upload(upload("photo.jpg", data), allowed=files.SCAN_KINDS)

    assert Image.open(io.BytesIO(checked.content)).size == (10, 20)


def test_a_png_loses_its_text_chunks():
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Иванов Иван")
    text.add_itxt("Comment", "паспорт 4510 123456")

    checked = files.check_upload(
        upload("scan.png", make_image("PNG", pnginfo=text)), allowed=files.SCAN_KINDS
    )

    stored = Image.open(io.BytesIO(checked.content))
    assert stored.text == {}
    assert b"Author" not in checked.content


def test_a_cmyk_jpeg_is_stored_as_rgb():
    checked = files.check_upload(
        upload("print.jpg", make_image("JPEG", mode="CMYK")), allowed=files.SCAN_KINDS
    )

    assert Image.open(io.BytesIO(checked.content)).mode == "RGB"


def test_a_palette_png_keeps_its_transparency():
    image = Image.new("P", (4, 4), 0)
    image.putpalette([255, 0, 0, 0, 0, 255])
    buffer = io.BytesIO()
    image.save(buffer, "PNG", transparency=0)

    checked = files.check_upload(upload("logo.png", buffer.getvalue()), allowed=files.SCAN_KINDS)

    stored = Image.open(io.BytesIO(checked.content))
    assert stored.convert("RGBA").getpixel((0, 0))[3] == 0


@override_settings(IMAGE_MAX_PIXELS=100)
def test_an_image_over_the_pixel_limit_is_refused_as_a_decompression_bomb():
    error = refusal("bomb.png", make_image("PNG", size=(20, 20)))

    assert error.code == "image_too_large"
    assert "Изображение «bomb.png» слишком большое" in str(error)


def test_a_truncated_jpeg_is_refused():
    noise = Image.effect_noise((200, 200), 64).convert("RGB")
    buffer = io.BytesIO()
    noise.save(buffer, "JPEG")
    data = buffer.getvalue()

    error = refusal("photo.jpg", data[: len(data) // 2])

    assert str(error).startswith("Файл «photo.jpg» повреждён или загружен не полностью")


# --- PDF sanity checks --------------------------------------------------------------------


def test_a_pdf_without_its_end_marker_is_refused_as_truncated():
    data = make_pdf()

    error = refusal("scan.pdf", data[: data.rindex(b"%%EOF")])

    assert error.code == "pdf_truncated"
    assert "обрывается" in str(error)


def test_an_encrypted_pdf_is_refused_asking_for_one_without_a_password():
    data = make_pdf(
        b"<< /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>",
        trailer=b"/Encrypt 4 0 R /ID [<01> <01>]",
    )

    error = refusal("scan.pdf", data)

    assert str(error) == "Файл «scan.pdf» защищён паролем. Загрузите документ без пароля."


def _object_stream(content: bytes) -> bytes:
    packed = zlib.compress(b"4 0 " + content)
    return (
        b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % len(packed)
        + packed
        + b"\nendstream"
    )


@pytest.mark.parametrize(
    ("catalog", "objects"),
    [
        (b"/OpenAction 4 0 R", [b"<< /S /JavaScript /JS (app.alert(1)) >>"]),
        (b"/OpenAction 4 0 R", [b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>"]),
        (b"/OpenAction 4 0 R", [b"<< /S /Launch /F (cmd.exe) >>"]),
        (b"/Names << /EmbeddedFiles 4 0 R >>", [b"<< /Names [(a.exe) 5 0 R] >>", b"<< >>"]),
        (
            b"/OpenAction 4 0 R",
            [b"<< >>", _object_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>")],
        ),
    ],
    ids=["javascript", "escaped-names", "launch", "embedded-file", "in-object-stream"],
)
def test_a_pdf_with_active_content_is_refused(catalog, objects):
    error = refusal("form.pdf", make_pdf(*objects, catalog=catalog))

    assert error.code == "pdf_active_content"
    assert "содержит активное содержимое" in str(error)


# --- Word documents -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "parts",
    [
        lambda: {f"word/part{i}.xml": b"<p/>" for i in range(files.DOCX_MAX_ENTRIES)},
        lambda: {"word/media/zeros.bin": bytes(files.DOCX_MAX_UNPACKED)},
    ],
    ids=["too-many-entries", "too-large-unpacked"],
)
def test_a_zip_bomb_docx_is_refused(parts):
    error = refusal("bomb.docx", make_docx(parts()))

    assert error.code == "archive_too_large"


def test_a_docx_with_macros_is_refused():
    data = make_docx({"word/vbaProject.bin": b"\x00" * 64})

    assert refusal("macro.docx", data).code == "document_macros"


def test_a_doc_with_macros_is_refused():
    data = make_ole("WordDocument", "Macros", "_VBA_PROJECT")

    assert refusal("macro.doc", data).code == "document_macros"


def test_a_password_protected_docx_is_refused_asking_for_one_without_a_password():
    data = make_ole("EncryptionInfo", "EncryptedPackage")

    assert str(refusal("secret.docx", data)) == (
        "Файл «secret.docx» защищён паролем. Загрузите документ без пароля."
    )


def test_a_damaged_docx_is_refused():
    data = bytearray(make_docx({"word/styles.xml": b"<styles>" * 500}))
    start = data.index(b"word/styles.xml") + len(b"word/styles.xml")
    data[start + 10 : start + 20] = b"\xff" * 10  # inside the compressed part

    assert refusal("broken.docx", bytes(data)).code == "document_corrupt"


# --- antivirus ----------------------------------------------------------------------------


def test_a_pdf_carrying_the_eicar_test_string_is_refused():
    error = refusal("invoice.pdf", make_pdf(comment=EICAR))

    assert str(error).startswith("Файл «invoice.pdf» не прошёл антивирусную проверку")
    assert error.code == "file_infected"


def test_the_scanner_finds_eicar_inside_a_docx():
    data = make_docx({"word/media/note.txt": EICAR})

    assert refusal("letter.docx", data).code == "file_infected"


def test_an_infected_upload_is_logged_with_the_signature(caplog):
    with caplog.at_level(logging.INFO, logger="gosportal.core.files"):
        refusal("invoice.pdf", make_pdf(comment=EICAR))

    logged = [r for r in caplog.records if r.name == "gosportal.core.files"]
    assert [record.av_signature for record in logged] == ["EICAR-Test-File"]


def test_when_the_scanner_is_down_the_upload_is_refused_with_503():
    with pytest.raises(ServiceUnavailable) as caught:
        files.check_upload(
            upload("scan.pdf", make_pdf(comment=AV_UNAVAILABLE)),
            allowed=files.SCAN_KINDS,
            field="passport_scan",
        )

    assert caught.value.status == 503
    assert str(caught.value) == "Проверка файлов временно недоступна, попробуйте позже."
    assert caught.value.field == "passport_scan"


# --- names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("original", "stored"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\fakepath\\Договор.PDF", "Договор.pdf"),
        ("Паспорт РФ (скан).pdf", "Паспорт_РФ_скан.pdf"),
        ("..pdf", "file.pdf"),
        ("отчёт.2024", "отчёт.2024.pdf"),
        ("a" * 300 + ".pdf", "a" * 100 + ".pdf"),
    ],
)
def test_the_stored_name_is_safe(original, stored):
    checked = files.check_upload(RawUpload(original, make_pdf()), allowed=files.SCAN_KINDS)

    assert checked.name == stored


def test_a_truncated_jpeg_is_refused_even_after_a_library_relaxed_pillow():
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = True  # what WeasyPrint does when imported
    noise = Image.effect_noise((200, 200), 64).convert("RGB")
    buffer = io.BytesIO()
    noise.save(buffer, "JPEG")
    data = buffer.getvalue()

    error = refusal("photo.jpg", data[: len(data) // 2])

    assert error.code == "image_corrupt"
