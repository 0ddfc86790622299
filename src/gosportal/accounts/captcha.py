"""The «я не робот» check on the sign-in page after failed passwords (AUTH-5).

Generated here, no outside service: a PNG of five distorted digits, and for people
who cannot see it an arithmetic question in Russian words («Сколько будет семь плюс
три?»); either answer passes. Only keyed hashes of the answers sit in the session,
each challenge is used once and a new one is drawn every time the form is shown.
"""

import base64
import io
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFilter, ImageFont

SESSION_KEY = "login_captcha"
TTL_SECONDS = 15 * 60
DIGITS = 5
FONT_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
WIDTH, HEIGHT = 200, 70

NUMBER_WORDS = [
    "ноль",
    "один",
    "два",
    "три",
    "четыре",
    "пять",
    "шесть",
    "семь",
    "восемь",
    "девять",
    "десять",
    "одиннадцать",
    "двенадцать",
    "тринадцать",
    "четырнадцать",
    "пятнадцать",
    "шестнадцать",
    "семнадцать",
    "восемнадцать",
]
_WORD_VALUES = {word: str(value) for value, word in enumerate(NUMBER_WORDS)}
_random = secrets.SystemRandom()


@dataclass(frozen=True)
class Challenge:
    image_data_uri: str  # data:image/png;base64,…
    question: str  # «Сколько будет семь плюс три?»


def _hash(nonce: str, answer: str) -> str:
    return salted_hmac("gosportal.accounts.captcha", f"{nonce}:{answer}").hexdigest()


def _normalise(answer: str) -> str:
    text = "".join((answer or "").split()).lower().replace("ё", "е")
    return _WORD_VALUES.get(text, text)


def _font(size: int):
    try:
        return ImageFont.truetype(str(FONT_PATH), size)
    except OSError:
        return ImageFont.load_default(size=size)


def _render(digits: str) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), (245, 247, 250))
    draw = ImageDraw.Draw(image)
    for _i in range(6):  # noise lines behind the digits
        draw.line(
            [(_random.randint(0, WIDTH), _random.randint(0, HEIGHT)) for _j in range(2)],
            fill=(_random.randint(120, 200),) * 3,
            width=2,
        )
    step = WIDTH // (DIGITS + 1)
    for index, digit in enumerate(digits):
        glyph = Image.new("RGBA", (48, 60), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text(
            (8, 4), digit, font=_font(_random.randint(36, 44)), fill=(20, 40, 90, 255)
        )
        glyph = glyph.rotate(_random.uniform(-28, 28), resample=Image.Resampling.BICUBIC)
        image.paste(
            glyph, (10 + index * step + _random.randint(-4, 4), _random.randint(0, 10)), glyph
        )
    for _i in range(250):  # speckles over them
        draw.point(
            (_random.randrange(WIDTH), _random.randrange(HEIGHT)),
            fill=(_random.randint(60, 160),) * 3,
        )
    image = image.filter(ImageFilter.SMOOTH)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def new_challenge(request) -> Challenge:
    """Draw a new challenge, keep only its answers' hashes in the session."""
    digits = "".join(str(_random.randrange(10)) for _i in range(DIGITS))
    a, b = _random.randint(1, 9), _random.randint(1, 9)
    if _random.random() < 0.5:
        question = _("Сколько будет %(a)s плюс %(b)s?")
        result = a + b
    else:
        a, b = max(a, b), min(a, b)
        question = _("Сколько будет %(a)s минус %(b)s?")
        result = a - b
    nonce = secrets.token_hex(8)
    request.session[SESSION_KEY] = {
        "nonce": nonce,
        "hashes": [_hash(nonce, digits), _hash(nonce, str(result))],
        "at": int(time.time()),
    }
    image = base64.b64encode(_render(digits)).decode()
    return Challenge(
        image_data_uri=f"data:image/png;base64,{image}",
        question=question % {"a": NUMBER_WORDS[a], "b": NUMBER_WORDS[b]},
    )


def matches(stored: dict, answer: str) -> bool:
    """Whether ``answer`` solves the stored challenge (tests use it to solve one)."""
    if not isinstance(stored, dict) or int(time.time()) - int(stored.get("at", 0)) > TTL_SECONDS:
        return False
    candidate = _hash(str(stored.get("nonce", "")), _normalise(answer))
    return any(constant_time_compare(candidate, h) for h in stored.get("hashes", []))


def verify(request, answer: str) -> bool:
    """Check the answer against the challenge shown last; the challenge is used up."""
    stored = request.session.pop(SESSION_KEY, None)
    return bool(answer) and stored is not None and matches(stored, answer)
