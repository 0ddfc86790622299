"""OCR of the Russian internal passport (PROF-2, REG-3): the visual zone and the MRZ are
read from PNG, JPEG and PDF pages drawn here; the comparison names each field that
differs or could not be read."""

import datetime

import pytest

from gosportal.core import ocr
from gosportal.demo.passport_sample import blank_page, mrz_lines, passport_page

IVAN = {
    "last_name": "Петров",
    "first_name": "Иван",
    "middle_name": "Сергеевич",
    "birth_date": datetime.date(1985, 3, 14),
    "sex": "male",
    "series": "4506",
    "number": "123456",
    "issued_on": datetime.date(2005, 4, 1),
    "department_code": "770-001",
}
TYPED = {key: value for key, value in IVAN.items() if key != "sex"}


def digit(text: str) -> str:
    """ICAO 9303 check digit, computed here independently of the code under test."""
    values = {str(d): d for d in range(10)} | {"<": 0}
    values |= {chr(ord("A") + i): 10 + i for i in range(26)}
    return str(sum(values[c] * (7, 3, 1)[i % 3] for i, c in enumerate(text)) % 10)


def second_line(document="506123456", birth="850314", optional="4050401770001<") -> str:
    head = document + digit(document) + "RUS" + birth + digit(birth) + "M" + "<<<<<<" + "<"
    line = head + optional + digit(optional)
    return line + digit(line[0:10] + line[13:20] + line[21:43])


FIRST_LINE = "PNRUSPETROV<<IVAN<SERGEEVI3".ljust(44, "<")


# --- the MRZ parser ---------------------------------------------------------------------


def test_mrz_of_a_russian_passport_gives_every_field():
    mrz = ocr.parse_mrz(FIRST_LINE, second_line())

    assert mrz == ocr.MrzData(
        series="4506",
        number="123456",
        last_name="ПЕТРОВ",
        first_name="ИВАН",
        middle_name="СЕРГЕЕВИЧ",
        birth_date=datetime.date(1985, 3, 14),
        issued_on=datetime.date(2005, 4, 1),
        department_code="770-001",
        sex="male",
        valid_check_digits=True,
    )


def test_mrz_transliteration_digits_become_letters_again():
    first = "PNRUS469KIN<<8KOV<ALEKSEEVI3".ljust(44, "<")  # ШЭЬКИН << ЯКОВ
    mrz = ocr.parse_mrz(first, second_line())

    assert (mrz.last_name, mrz.first_name, mrz.middle_name) == ("ШЭЬКИН", "ЯКОВ", "АЛЕКСЕЕВИЧ")


@pytest.mark.parametrize("position", [9, 19, 42, 43])
def test_a_wrong_check_digit_in_the_mrz_is_flagged(position):
    line = second_line()
    wrong = str((int(line[position]) + 1) % 10)
    broken = line[:position] + wrong + line[position + 1 :]

    mrz = ocr.parse_mrz(FIRST_LINE, broken)

    assert mrz is not None
    assert mrz.valid_check_digits is False


def test_a_changed_number_breaks_the_mrz_check_digits():
    line = second_line()
    altered = line[:3] + "9" + line[4:]  # 506923456 with the check digit of 506123456

    assert ocr.parse_mrz(FIRST_LINE, altered).valid_check_digits is False


def test_lines_of_another_document_are_not_a_russian_passport_mrz():
    assert ocr.parse_mrz("P<UTOERIKSSON<<ANNA<MARIA".ljust(44, "<"), second_line()) is None
    assert ocr.parse_mrz(FIRST_LINE, second_line()[:40]) is None


def test_mrz_is_found_among_ocr_lines_with_lookalike_characters():
    # OCR of a Russian page reads Latin letters as Cyrillic twins and fillers as «.
    text = "Фамилия ПЕТРОВ\n\nРNRUSРЕТRОV«IVAN<SERGEEVI3«««««««««\n" + second_line() + "\n"

    mrz = ocr.find_mrz(text)

    assert mrz is not None
    assert mrz.valid_check_digits is True
    assert mrz.last_name == "ПЕТРОВ"


def test_the_sample_writer_and_the_reader_agree():
    lines = mrz_lines(**IVAN)

    assert lines == (FIRST_LINE, second_line())


# --- the visual zone without OCR ----------------------------------------------------------


def test_visual_zone_is_read_by_labels():
    text = (
        "45 06 123456\nФамилия ПЕТРОВ\nИмя ИВАН\nОтчество СЕРГЕЕВИЧ\n"
        "Пол МУЖ. Дата рождения 14.03.1985\nДата выдачи 01.04.2005\n"
        "Код подразделения 770-001\n"
    )

    reading = ocr.reading_from_text(text)

    assert reading.mrz is None
    assert ocr.compare_passport(reading, **TYPED) == []


# --- pictures through Tesseract -----------------------------------------------------------


def test_png_page_with_mrz_is_read_completely():
    reading = ocr.read_passport(passport_page(**IVAN, image_format="PNG"), kind="png")

    assert (reading.series, reading.number) == ("4506", "123456")
    assert (reading.last_name, reading.first_name, reading.middle_name) == (
        "ПЕТРОВ",
        "ИВАН",
        "СЕРГЕЕВИЧ",
    )
    assert reading.birth_date == datetime.date(1985, 3, 14)
    assert reading.issued_on == datetime.date(2005, 4, 1)
    assert reading.department_code == "770-001"
    assert reading.mrz is not None and reading.mrz.valid_check_digits
    assert reading.mrz.number == "123456"
    assert ocr.compare_passport(reading, **TYPED) == []


def test_jpeg_page_without_mrz_is_read_from_the_visual_zone():
    content = passport_page(**IVAN, with_mrz=False, image_format="JPEG")

    reading = ocr.read_passport(content, kind="jpeg")

    assert reading.mrz is None
    assert ocr.compare_passport(reading, **TYPED) == []


def test_pdf_scan_is_read_from_its_first_page_and_a_wrong_typed_number_is_reported():
    reading = ocr.read_passport(passport_page(**IVAN, image_format="PDF"), kind="pdf")

    mismatches = ocr.compare_passport(
        reading, **{**TYPED, "number": "654321", "last_name": "Петрова"}
    )

    assert mismatches == [
        ocr.Mismatch(field="number", label="Номер паспорта", typed="654321", read="123456"),
        ocr.Mismatch(field="last_name", label="Фамилия", typed="Петрова", read="ПЕТРОВ"),
    ]


def test_a_page_with_a_bad_mrz_check_digit_is_flagged():
    line1, line2 = mrz_lines(**IVAN)
    broken = line2[:9] + str((int(line2[9]) + 3) % 10) + line2[10:]

    reading = ocr.read_passport(
        passport_page(**IVAN, mrz=(line1, broken), image_format="PNG"), kind="png"
    )

    assert reading.mrz is not None
    assert reading.mrz.valid_check_digits is False
    assert reading.number == "123456"  # still read from the visual zone


def test_blank_page_gives_an_empty_reading_and_every_field_unread():
    reading = ocr.read_passport(blank_page(), kind="png")

    assert reading.mrz is None
    assert (reading.series, reading.number, reading.last_name, reading.birth_date) == (
        "",
        "",
        "",
        None,
    )
    mismatches = ocr.compare_passport(reading, **TYPED)
    assert [m.field for m in mismatches] == [
        "series",
        "number",
        "last_name",
        "first_name",
        "middle_name",
        "birth_date",
        "issued_on",
        "department_code",
    ]
    assert all(m.read == "" for m in mismatches)


# --- comparison rules ---------------------------------------------------------------------


def reading_of(**fields) -> ocr.PassportReading:
    values = {key: IVAN[key] for key in TYPED} | {"last_name": "ПЕТРОВ"}
    values["first_name"], values["middle_name"] = "ИВАН", "СЕРГЕЕВИЧ"
    return ocr.PassportReading(text="", mrz=None, **(values | fields))


def test_names_compare_without_case_and_yo():
    reading = reading_of(last_name="СЕМЕНОВ")

    assert ocr.compare_passport(reading, **{**TYPED, "last_name": "Семёнов"}) == []


def test_dates_compare_exactly():
    reading = reading_of(birth_date=datetime.date(1985, 3, 15))

    assert ocr.compare_passport(reading, **TYPED) == [
        ocr.Mismatch(
            field="birth_date", label="Дата рождения", typed="14.03.1985", read="15.03.1985"
        )
    ]


def test_issue_date_and_department_code_are_compared_only_when_given():
    reading = reading_of(issued_on=None, department_code="")

    typed = {**TYPED, "issued_on": None, "department_code": ""}
    assert ocr.compare_passport(reading, **typed) == []


def test_missing_tesseract_is_a_service_unavailable(monkeypatch, settings):
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")

    with pytest.raises(ocr.OcrUnavailable) as error:
        ocr.read_passport(blank_page(), kind="png")

    assert error.value.status == 503
    assert "Распознавание документов временно недоступно" in str(error.value)


def test_a_broken_picture_reads_as_nothing_instead_of_failing():
    reading = ocr.read_passport(b"\x89PNG\r\n\x1a\nnot really a picture", kind="png")

    assert reading.text == ""
    assert reading.mrz is None and reading.number == ""


def test_a_pdf_page_is_drawn_no_larger_than_the_cap_whatever_size_it_declares():
    from tests.profiles.scan_files import huge_page_pdf

    image = ocr.render_pdf_page(huge_page_pdf())

    assert max(image.size) <= ocr.PDF_MAX_PIXELS


def test_a_small_pdf_page_is_drawn_large_enough_to_read():
    image = ocr.render_pdf_page(passport_page(**IVAN, image_format="PDF"))
    assert max(image.size) == ocr.PDF_MAX_PIXELS
