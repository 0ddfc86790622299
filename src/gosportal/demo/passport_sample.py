"""Passport-like pictures for the demo data and the tests of the remote check (REG-3).

Draws the data page of a Russian internal passport as plain text (DejaVu fonts) with
an optional machine-readable zone, and a stand-in "selfie". Nothing here reads
pictures: the MRZ is built with its own check digits, so tests of the reader compare
it with an independent writer.
"""

import io
from datetime import date

from PIL import Image, ImageDraw, ImageFont

FONTS = "/usr/share/fonts/truetype/dejavu/"
# The Russian MRZ transliteration, written out again on purpose (see the docstring).
_MRZ = dict(
    zip(
        "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ",
        "ABVGDE2JZIQKLMNOPRSTUFHC34WXY9678",
        strict=True,
    )
)


def mrz_check_digit(text: str) -> str:
    weights = (7, 3, 1)
    total = 0
    for index, char in enumerate(text):
        if char.isdigit():
            value = int(char)
        elif char.isalpha():
            value = ord(char) - 55
        else:
            value = 0
        total += value * weights[index % 3]
    return str(total % 10)


def mrz_lines(
    *,
    last_name: str,
    first_name: str,
    middle_name: str,
    birth_date: date,
    sex: str,
    series: str,
    number: str,
    issued_on: date,
    department_code: str,
) -> tuple[str, str]:
    """The two 44-character lines of a Russian internal passport MRZ."""

    def latin(name: str) -> str:
        return "".join(_MRZ.get(char, "") for char in name.upper())

    names = f"{latin(last_name)}<<{latin(first_name)}<{latin(middle_name)}"
    line1 = ("PNRUS" + names).ljust(44, "<")[:44]
    document = series[1:] + number
    birth = birth_date.strftime("%y%m%d")
    optional = series[0] + issued_on.strftime("%y%m%d") + department_code.replace("-", "") + "<"
    line2 = (
        document
        + mrz_check_digit(document)
        + "RUS"
        + birth
        + mrz_check_digit(birth)
        + ("M" if sex == "male" else "F")
        + "<<<<<<<"
        + optional
        + mrz_check_digit(optional)
    )
    line2 += mrz_check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    return line1, line2


def passport_page(
    *,
    last_name: str,
    first_name: str,
    middle_name: str,
    birth_date: date,
    sex: str,
    series: str,
    number: str,
    issued_on: date,
    department_code: str,
    with_mrz: bool = True,
    mrz: tuple[str, str] | None = None,
    image_format: str = "PNG",
) -> bytes:
    """The data page as PNG, JPEG or PDF bytes (``mrz`` overrides the generated lines)."""
    image = Image.new("RGB", (1400, 760 if with_mrz else 560), "white")
    draw = ImageDraw.Draw(image)
    text = ImageFont.truetype(FONTS + "DejaVuSans.ttf", 34)
    mono = ImageFont.truetype(FONTS + "DejaVuSansMono.ttf", 28)
    lines = [
        f"{series[:2]} {series[2:]} {number}",
        f"Фамилия {last_name.upper()}",
        f"Имя {first_name.upper()}",
        f"Отчество {middle_name.upper()}",
        f"Пол {'МУЖ.' if sex == 'male' else 'ЖЕН.'} Дата рождения {birth_date:%d.%m.%Y}",
        f"Дата выдачи {issued_on:%d.%m.%Y}",
        f"Код подразделения {department_code}",
    ]
    y = 30
    for line in lines:
        draw.text((40, y), line, font=text, fill="black")
        y += 60
    if with_mrz:
        zone = mrz or mrz_lines(
            last_name=last_name,
            first_name=first_name,
            middle_name=middle_name,
            birth_date=birth_date,
            sex=sex,
            series=series,
            number=number,
            issued_on=issued_on,
            department_code=department_code,
        )
        y += 40
        for line in zone:
            draw.text((40, y), line, font=mono, fill="black")
            y += 50
    return _encode(image, image_format)


def selfie(*, image_format: str = "JPEG") -> bytes:
    """A stand-in for a person holding the open passport: a face and a page."""
    image = Image.new("RGB", (480, 360), (214, 226, 240))
    draw = ImageDraw.Draw(image)
    draw.ellipse((60, 60, 200, 220), fill=(238, 200, 170), outline="black", width=3)
    draw.rectangle((250, 120, 430, 300), fill="white", outline="black", width=3)
    draw.rectangle((265, 140, 320, 200), fill=(200, 200, 200))
    return _encode(image, image_format)


def blank_page(*, image_format: str = "PNG") -> bytes:
    return _encode(Image.new("RGB", (600, 400), "white"), image_format)


def _encode(image: Image.Image, image_format: str) -> bytes:
    out = io.BytesIO()
    if image_format == "PDF":
        image.save(out, "PDF", resolution=150)
    elif image_format == "JPEG":
        image.save(out, "JPEG", quality=90)
    else:
        image.save(out, "PNG")
    return out.getvalue()


def ensure_demo_remote_check(user, profile_data: dict, write) -> None:
    """REG-3 demo: one remote check of ``user`` waiting in the operators' queue, made
    through the real services (registry checks, upload, OCR, submission)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gosportal.accounts.models import User
    from gosportal.identity import remote
    from gosportal.profiles.checks import run_check
    from gosportal.profiles.models import RegistryCheck

    # The worker would run the registry checks later; the request needs a standard account.
    for check_id in RegistryCheck.objects.filter(
        user=user, status=RegistryCheck.Status.PENDING
    ).values_list("pk", flat=True):
        run_check(check_id=check_id)
    user.refresh_from_db()
    if user.level != User.Level.STANDARD:
        write(f"  remote check skipped: the account is {user.level}")
        return
    if remote.current_check(user) is not None:
        write("  remote check already waiting")
        return
    page = passport_page(
        last_name=profile_data["last_name"],
        first_name=profile_data["first_name"],
        middle_name=profile_data["middle_name"],
        birth_date=profile_data["birth_date"],
        sex=profile_data["sex"],
        series=profile_data["passport_series"],
        number=profile_data["passport_number"],
        issued_on=profile_data["passport_issued_on"],
        department_code=profile_data["passport_department_code"],
        image_format="JPEG",
    )
    check = remote.start_remote_check(
        user=user,
        passport=SimpleUploadedFile("passport.jpg", page),
        selfie=SimpleUploadedFile("selfie.jpg", selfie()),
    )
    outcome = remote.run_ocr(check_id=check.pk)
    remote.submit_for_review(user=user, check_id=check.pk)
    write(f"  remote check № {check.pk} waiting for an operator (OCR: {outcome})")
