"""Reading a Russian internal passport from a scan or a photo (PROF-2, REG-3).

``read_passport`` runs Tesseract (Russian and English) over the page — the first page
of a PDF, rendered by poppler — and picks out the series and number, the name, the
dates of birth and issue and the department code from the visual zone, and the
machine-readable zone (MRZ) where the page has one. The MRZ of the Russian internal
passport is a TD3 zone (2 lines of 44 characters) starting ``PNRUS``: names in the
transliteration table of the Russian MRZ, the last three digits of the series and the
number as the document number, the first series digit, the issue date and the
department code in the optional data, every group protected by a 7-3-1 check digit.
``compare_passport`` then names each field where the page and what the person typed
differ, or where the page could not be read. The result is a pre-check for a person
(an operator decides): it never raises on an unreadable page, only when Tesseract
itself cannot run.
"""

import itertools
import logging
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps

from gosportal.core.errors import ServiceUnavailable

logger = logging.getLogger(__name__)

LANGUAGES = "rus+eng"
OCR_TIMEOUT = 60  # seconds for one page; a stuck Tesseract must not hold a worker forever
PDF_MAX_PIXELS = 2400  # a PDF page is drawn with its longest side this long (~200 dpi A4)
MAX_SIDE = 2400  # larger photos are scaled down: more pixels cost time, not accuracy
MIN_SIDE = 900  # small pictures are scaled up: Tesseract wants ~30 px high letters

MRZ_LENGTH = 44
_WEIGHTS = (7, 3, 1)

# The Russian MRZ transliteration (order of the МВД, used since 2011): one character per
# letter, digits for the letters Latin has no single letter for.
MRZ_LETTERS = {
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Д": "D", "Е": "E", "Ё": "2", "Ж": "J",
    "З": "Z", "И": "I", "Й": "Q", "К": "K", "Л": "L", "М": "M", "Н": "N", "О": "O",
    "П": "P", "Р": "R", "С": "S", "Т": "T", "У": "U", "Ф": "F", "Х": "H", "Ц": "C",
    "Ч": "3", "Ш": "4", "Щ": "W", "Ъ": "X", "Ы": "Y", "Ь": "9", "Э": "6", "Ю": "7",
    "Я": "8",
}  # fmt: skip
_MRZ_TO_CYRILLIC = {latin: cyrillic for cyrillic, latin in MRZ_LETTERS.items()}
_MRZ_TO_CYRILLIC["2"] = "Е"  # Ё is written as Е in the fields compared with it

# What OCR of a mixed Russian/English page makes of MRZ characters: Cyrillic look-alikes,
# guillemets and other fillers. Applied only to lines already taken for MRZ lines.
_MRZ_LOOKALIKES = str.maketrans(
    {
        "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "К": "K", "М": "M", "О": "O",
        "Р": "P", "Т": "T", "Х": "X", "У": "Y", "З": "3", "Ч": "4", "б": "6",
        "«": "<<", "‹": "<", "〈": "<", "≤": "<", "(": "<", "[": "<", "{": "<",
    }
)  # fmt: skip
_MRZ_LINE = re.compile(r"^[A-Z0-9<]{30,48}$")

_SERIES_NUMBER = re.compile(r"(?<!\d)(\d{2})\s?(\d{2})\s?[№N]?\s?(\d{6})(?!\d)")
_DATE = re.compile(r"(?<!\d)(\d{2})[.,](\d{2})[.,](\d{4})(?!\d)")
_DEPARTMENT = re.compile(r"(?<!\d)(\d{3})\s?[-–—]\s?(\d{3})(?!\d)")
_NAME_VALUE = r"[\s:.]*([А-ЯЁа-яё][А-ЯЁа-яё\-]+)"
_NAME_LABELS = {
    "last_name": re.compile(r"Фамилия" + _NAME_VALUE, re.I),
    "first_name": re.compile(r"(?<![А-Яа-яЁё])Имя" + _NAME_VALUE, re.I),
    "middle_name": re.compile(r"Отчество" + _NAME_VALUE, re.I),
}
_STOP_WORDS = {"ПОЛ", "ДАТА", "МЕСТО", "ИМЯ", "ОТЧЕСТВО", "ФАМИЛИЯ", "МУЖ", "ЖЕН"}


class OcrUnavailable(ServiceUnavailable):
    default_message = gettext_lazy(
        "Распознавание документов временно недоступно. Попробуйте позже."
    )


@dataclass(frozen=True)
class MrzData:
    """The machine-readable zone as read; names back in Cyrillic (Ё as Е)."""

    series: str = ""
    number: str = ""
    last_name: str = ""
    first_name: str = ""
    middle_name: str = ""
    birth_date: date | None = None
    issued_on: date | None = None
    department_code: str = ""
    sex: str = ""  # "male" / "female" as in profiles.Sex, "" when unreadable
    valid_check_digits: bool = False


@dataclass(frozen=True)
class PassportReading:
    """What could be read from the page; a field that could not is "" or None."""

    text: str
    mrz: MrzData | None
    series: str = ""
    number: str = ""
    last_name: str = ""
    first_name: str = ""
    middle_name: str = ""
    birth_date: date | None = None
    issued_on: date | None = None
    department_code: str = ""


@dataclass(frozen=True)
class Mismatch:
    """A field where the page differs from what was typed (``read`` "" when unreadable)."""

    field: str
    label: str
    typed: str
    read: str


# --- the MRZ ---------------------------------------------------------------------------


def check_digit(text: str) -> str:
    """ICAO 9303 check digit: values (digits, A=10 … Z=35, < = 0) weighted 7-3-1, mod 10."""
    total = 0
    for index, char in enumerate(text):
        if char.isdigit():
            value = int(char)
        elif "A" <= char <= "Z":
            value = ord(char) - ord("A") + 10
        else:
            value = 0
        total += value * _WEIGHTS[index % 3]
    return str(total % 10)


def _mrz_name(text: str) -> str:
    return "".join(_MRZ_TO_CYRILLIC.get(char, "") for char in text)


def _mrz_date(text: str) -> date | None:
    """YYMMDD; the century is the one that puts a birth or issue date in the past."""
    if not re.fullmatch(r"\d{6}", text):
        return None
    year, month, day = int(text[:2]), int(text[2:4]), int(text[4:])
    today = date.today()  # noqa: DTZ011 -- only the century is taken from it
    century = 2000 if year <= today.year % 100 else 1900
    try:
        return date(century + year, month, day)
    except ValueError:
        return None


def parse_mrz(line1: str, line2: str) -> MrzData | None:
    """The fields of a Russian internal passport MRZ, or None when it is not one."""
    line1, line2 = line1.strip(), line2.strip()
    if len(line1) != MRZ_LENGTH or len(line2) != MRZ_LENGTH or not line1.startswith("PNRUS"):
        return None
    surname, _sep, given = line1[5:].partition("<<")
    given_parts = [part for part in given.split("<") if part]
    document, document_check = line2[0:9], line2[9]
    birth, birth_check = line2[13:19], line2[19]
    optional, optional_check = line2[28:42], line2[42]
    composite = line2[0:10] + line2[13:20] + line2[21:43]
    valid = (
        check_digit(document) == document_check
        and check_digit(birth) == birth_check
        and check_digit(optional) == optional_check
        and check_digit(composite) == line2[43]
    )
    series = number = department = ""
    if re.fullmatch(r"\d{9}", document) and optional[:1].isdigit():
        series, number = optional[0] + document[:3], document[3:]
    if re.fullmatch(r"\d{6}", optional[7:13]):
        department = f"{optional[7:10]}-{optional[10:13]}"
    return MrzData(
        series=series,
        number=number,
        last_name=_mrz_name(surname.replace("<", "")),
        first_name=_mrz_name(given_parts[0]) if given_parts else "",
        middle_name=_mrz_name(given_parts[1]) if len(given_parts) > 1 else "",
        birth_date=_mrz_date(birth),
        issued_on=_mrz_date(optional[1:7]),
        department_code=department,
        sex={"M": "male", "F": "female"}.get(line2[20], ""),
        valid_check_digits=valid,
    )


def find_mrz(text: str) -> MrzData | None:
    """The MRZ among OCR'd lines: a ``PNRUS`` line and the line after it."""
    lines = []
    for raw in text.splitlines():
        line = re.sub(r"\s+", "", raw).translate(_MRZ_LOOKALIKES).upper()
        if _MRZ_LINE.fullmatch(line):
            lines.append(line)
    for first, second in itertools.pairwise(lines):
        if first.startswith("PNRUS"):
            # A filler read once too often or too rarely is the usual OCR slip at the end.
            first = first[:MRZ_LENGTH].ljust(MRZ_LENGTH, "<")
            if len(second) == MRZ_LENGTH:
                return parse_mrz(first, second)
    return None


# --- the visual zone -------------------------------------------------------------------


def _date(day: str, month: str, year: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _date_after(text: str, label: str) -> date | None:
    position = text.lower().find(label)
    if position < 0:
        return None
    match = _DATE.search(text, position)
    return _date(*match.groups()) if match else None


def _name(text: str, field: str) -> str:
    match = _NAME_LABELS[field].search(text)
    if not match:
        return ""
    word = match[1].upper()
    return "" if word in _STOP_WORDS else word


def parse_visual(text: str) -> dict:
    """The fields printed on the page, by their labels and shapes."""
    fields = {
        "series": "",
        "number": "",
        "birth_date": _date_after(text, "рождения"),
        "issued_on": _date_after(text, "выдачи"),
        "department_code": "",
    }
    fields.update({name: _name(text, name) for name in _NAME_LABELS})
    series_number = _SERIES_NUMBER.search(text)
    if series_number:
        fields["series"] = series_number[1] + series_number[2]
        fields["number"] = series_number[3]
    department = _DEPARTMENT.search(text)
    if department:
        fields["department_code"] = f"{department[1]}-{department[2]}"
    dates = sorted(d for d in (_date(*m.groups()) for m in _DATE.finditer(text)) if d)
    if dates and fields["birth_date"] is None and fields["issued_on"] is None:
        # Without labels the earliest date is the birth, the latest the issue.
        fields["birth_date"] = dates[0]
        fields["issued_on"] = dates[-1] if len(dates) > 1 else None
    return fields


def reading_from_text(text: str) -> PassportReading:
    """Visual zone and MRZ combined: the MRZ's checked numbers and dates win, the visual
    zone's names (they keep Ё and have no transliteration to undo)."""
    visual = parse_visual(text)
    mrz = find_mrz(text)
    fields = dict(visual)
    if mrz is not None:
        trusted = ("series", "number", "birth_date", "issued_on", "department_code")
        for name in fields:
            from_mrz = getattr(mrz, name)
            if from_mrz in ("", None):
                continue
            if (mrz.valid_check_digits and name in trusted) or fields[name] in ("", None):
                fields[name] = from_mrz
    return PassportReading(text=text, mrz=mrz, **fields)


# --- OCR -------------------------------------------------------------------------------


def render_pdf_page(content: bytes) -> Image.Image:
    """Page 1 of a PDF as an image (blank when poppler cannot draw it)."""
    with tempfile.TemporaryDirectory(prefix="ocr-") as folder:
        source = Path(folder) / "page.pdf"
        source.write_bytes(content)
        target = Path(folder) / "page"
        program = shutil.which("pdftoppm")
        if program is None:
            logger.error("pdftoppm is not installed")
            raise OcrUnavailable()
        try:
            subprocess.run(  # noqa: S603 -- fixed program and arguments, no shell
                [
                    program,
                    # The longest side is drawn at PDF_MAX_PIXELS whatever the page's size:
                    # a tiny PDF may declare a page of metres (memory, SEC).
                    "-scale-to",
                    str(PDF_MAX_PIXELS),
                    "-png",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    str(source),
                    str(target),
                ],
                check=True,
                capture_output=True,
                timeout=OCR_TIMEOUT,
            )
        except subprocess.TimeoutExpired as exc:
            raise OcrUnavailable() from exc
        except subprocess.CalledProcessError:
            # A PDF poppler cannot draw reads as a blank page: nothing could be read.
            logger.warning("pdftoppm could not render the page")
            return Image.new("L", (MIN_SIDE, MIN_SIDE), 255)
        try:
            with Image.open(target.with_suffix(".png")) as page:
                page.load()
                return page.copy()
        except (OSError, ValueError, Image.DecompressionBombError):
            logger.warning("the page poppler drew cannot be decoded")
            return Image.new("L", (MIN_SIDE, MIN_SIDE), 255)


def _prepared(image: Image.Image) -> Image.Image:
    image = ImageOps.exif_transpose(image).convert("L")
    longest = max(image.size)
    if longest > MAX_SIDE or longest < MIN_SIDE:
        scale = (MAX_SIDE if longest > MAX_SIDE else MIN_SIDE) / longest
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS)
    return image


def ocr_text(content: bytes, *, kind: str) -> str:
    """The page's text by Tesseract; ``OcrUnavailable`` when Tesseract cannot run."""
    import pytesseract

    if kind == "pdf":
        image = render_pdf_page(content)
    elif kind in ("jpeg", "png"):
        try:
            with Image.open(BytesIO(content)) as opened:
                opened.load()
                image = opened.copy()
        except (OSError, ValueError, Image.DecompressionBombError):
            logger.warning("OCR got an image it cannot decode")
            return ""  # nothing could be read; the comparison says so field by field
    else:
        raise ValueError(f"cannot read a {kind} file")
    try:
        return pytesseract.image_to_string(_prepared(image), lang=LANGUAGES, timeout=OCR_TIMEOUT)
    except (pytesseract.TesseractNotFoundError, pytesseract.TesseractError, RuntimeError) as exc:
        # RuntimeError is pytesseract's timeout.
        logger.error("tesseract failed: %s", exc.__class__.__name__)
        raise OcrUnavailable() from exc


def read_passport(content: bytes, *, kind: str) -> PassportReading:
    """Read a passport page (``kind`` as in ``core.files.CheckedFile``: pdf, jpeg, png)."""
    return reading_from_text(ocr_text(content, kind=kind))


# --- comparison ------------------------------------------------------------------------


def _name_key(value: str) -> str:
    return re.sub(r"[\s\-]+", "-", (value or "").strip().upper().replace("Ё", "Е"))


def _shown_date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def compare_passport(
    reading: PassportReading,
    *,
    last_name: str,
    first_name: str,
    middle_name: str,
    birth_date: date | None,
    series: str,
    number: str,
    issued_on: date | None = None,
    department_code: str = "",
) -> list[Mismatch]:
    """Each field where the page differs from what was typed or could not be read.

    Names ignore case and Ё/Е; dates compare exactly; the issue date and the department
    code are compared only when given.
    """
    mismatches = []

    def add(field: str, label: str, typed: str, read: str) -> None:
        mismatches.append(Mismatch(field=field, label=label, typed=typed, read=read))

    if _digits(series) != reading.series:
        add("series", _("Серия паспорта"), _digits(series), reading.series)
    if _digits(number) != reading.number:
        add("number", _("Номер паспорта"), _digits(number), reading.number)
    names = (
        ("last_name", _("Фамилия"), last_name, reading.last_name),
        ("first_name", _("Имя"), first_name, reading.first_name),
        ("middle_name", _("Отчество"), middle_name, reading.middle_name),
    )
    for field, label, typed, read in names:
        if _name_key(typed) != _name_key(read):
            add(field, label, (typed or "").strip(), read)
    if birth_date != reading.birth_date:
        add(
            "birth_date",
            _("Дата рождения"),
            _shown_date(birth_date),
            _shown_date(reading.birth_date),
        )
    if issued_on is not None and issued_on != reading.issued_on:
        add("issued_on", _("Дата выдачи"), _shown_date(issued_on), _shown_date(reading.issued_on))
    if department_code and _digits(department_code) != _digits(reading.department_code):
        add(
            "department_code",
            _("Код подразделения"),
            department_code.strip(),
            reading.department_code,
        )
    return mismatches
