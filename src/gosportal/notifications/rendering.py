"""Rendering of notification templates over an event payload, and the checks an
admin's edit passes first.

Plain texts (SMS, subjects, e-mail text, inbox) render without HTML escaping; the HTML
body of an e-mail renders with autoescape, so payload values cannot inject markup. An
edited template may use only the harmless tags of ``ALLOWED_TAGS`` (no ``debug``,
``load``, ``include``, ``ssi``, ``autoescape``…) and no ``safe`` filter, and every link
it makes — in its source and in its rendering — leads to a page of the portal: a path
``/…`` or ``SITE_URL`` itself, never ``//host``, ``/\\host``, another site or a
``javascript:`` URL.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from django.conf import settings
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import Lexer, TokenType
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from gosportal.core.errors import InvalidInput

SMS_MAX_LENGTH = 670  # ten concatenated Cyrillic parts, the gateways' limit
# Conditions, loops and text helpers; nothing that reads files, loads libraries,
# dumps the context or switches escaping off.
ALLOWED_TAGS = frozenset(
    {"if", "elif", "else", "endif", "for", "empty", "endfor", "with", "endwith", "firstof"}
    | {"comment", "endcomment", "spaceless", "endspaceless"}
)
FORBIDDEN_FILTERS = frozenset(["safe", "safeseq"])
FIELDS = ("subject", "body", "html_body", "link")
# Attributes through which HTML makes the reader's browser go somewhere.
URL_ATTRIBUTES = frozenset(["href", "src", "action", "formaction", "background", "poster"])
# What a mail or SMS client turns into a link in plain text.
TEXT_URL = re.compile(
    r"\b(?:https?|ftp)://[^\s<>\"']+|\b(?:javascript|vbscript|data):[^\s<>\"']*", re.I
)
# Browsers drop these anywhere in a URL, so "java\tscript:" is "javascript:".
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]")
# In a source, the portal's own address as a variable: the rendering is checked after.
_SITE_URL_VARIABLE = re.compile(r"^\{\{\s*site_url\s*\}\}")
_SLASH_THEN_VARIABLE = re.compile(r"^[/\\]\{\{")
_plain = Engine(autoescape=False)
_html = Engine(autoescape=True)


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    html_body: str
    link: str


def _context(payload: dict, *, autoescape: bool) -> Context:
    # The Context decides escaping, whatever the Engine says.
    return Context({**payload, "site_url": settings.SITE_URL}, autoescape=autoescape)


def render(template, payload: dict) -> Rendered:
    """Render every part of ``template`` (a NotificationTemplate or alike) for ``payload``."""
    plain = _context(payload, autoescape=False)
    return Rendered(
        subject=" ".join(_plain.from_string(template.subject).render(plain).split()),
        body=_plain.from_string(template.body).render(plain).strip(),
        html_body=_html.from_string(template.html_body)
        .render(_context(payload, autoescape=True))
        .strip(),
        link=_plain.from_string(template.link).render(plain).strip(),
    )


def check_template(template, sample: dict) -> Rendered:
    """Raise ``InvalidInput`` naming the field when the template uses a forbidden tag or
    filter, does not render, links off the portal or an SMS would be too long; returns
    the rendering of ``sample`` (the admin's preview)."""
    for name in FIELDS:
        source = getattr(template, name)
        _check_tags(source, name)
        try:
            Engine(autoescape=name == "html_body").from_string(source)
        except TemplateSyntaxError as exc:
            raise InvalidInput(
                _("Шаблон не разбирается: %(error)s") % {"error": exc}, field=name
            ) from exc
        # The source too: a link behind a condition the sample does not meet counts.
        _check_links(source, name, source=True)
    rendered = render(template, sample)
    for name in FIELDS:
        _check_links(getattr(rendered, name), name, source=False)
    if template.channel == "sms" and len(rendered.body) > SMS_MAX_LENGTH:
        raise InvalidInput(
            _("Текст SMS длиннее %(limit)s знаков.") % {"limit": SMS_MAX_LENGTH}, field="body"
        )
    if template.link and not rendered.link.startswith("/"):
        raise InvalidInput(_("Ссылка должна вести на страницу портала: /…"), field="link")
    return rendered


def _label(name: str) -> str:
    from gosportal.notifications.models import NotificationTemplate

    return str(NotificationTemplate._meta.get_field(name).verbose_name)


def _check_tags(source: str, name: str) -> None:
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            tag = token.contents.split()[0] if token.contents.split() else ""
            if tag not in ALLOWED_TAGS:
                raise InvalidInput(
                    _(
                        "«%(field)s»: тег «%(tag)s» в шаблонах уведомлений запрещён. "
                        "Можно: %(allowed)s."
                    )
                    % {
                        "field": _label(name),
                        "tag": tag,
                        "allowed": ", ".join(sorted(ALLOWED_TAGS)),
                    },
                    field=name,
                )
        elif token.token_type == TokenType.VAR:
            filters = {part.split(":")[0].strip() for part in token.contents.split("|")[1:]}
            for bad in sorted(filters & FORBIDDEN_FILTERS):
                raise InvalidInput(
                    _("«%(field)s»: фильтр «%(filter)s» в шаблонах уведомлений запрещён.")
                    % {"field": _label(name), "filter": bad},
                    field=name,
                )


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.urls += [value or "" for key, value in attrs if key in URL_ATTRIBUTES]


def _off_site(url: str, *, source: bool) -> bool:
    """Whether ``url`` leads anywhere but a page of the portal.

    In a template's source a value may still be a variable (``{{ url }}``): only what
    already names a scheme or a host counts there; in a rendering every URL must be a
    path ``/…`` or on ``SITE_URL``'s host and scheme.
    """
    url = _URL_NOISE.sub("", url)
    if not url or url.startswith("#") or (source and _SITE_URL_VARIABLE.match(url)):
        return False
    if source and _SLASH_THEN_VARIABLE.match(url):
        return True  # "/{{ url }}" makes "//host" of a path that starts with "/"
    if url == settings.SITE_URL or url.startswith(settings.SITE_URL + "/"):
        return False
    if not url_has_allowed_host_and_scheme(url, allowed_hosts=set(), require_https=False):
        return True  # another host, "//host", "/\\host", "javascript:", "data:"…
    return not source and not url.startswith("/")


def _check_links(text: str, name: str, *, source: bool) -> None:
    if name == "html_body":
        parser = _Links()
        parser.feed(text)
        parser.close()
        urls = parser.urls + TEXT_URL.findall(text)
    else:
        urls = TEXT_URL.findall(text)
        if name == "link":
            urls.append(text.strip())
    for url in urls:
        if _off_site(url, source=source):
            raise InvalidInput(
                _(
                    "«%(field)s»: ссылка «%(url)s» ведёт за пределы портала. Ссылки в "
                    "уведомлениях могут вести только на страницы портала: /… или %(site)s/…"
                )
                % {"field": _label(name), "url": url[:100], "site": settings.SITE_URL},
                field=name,
            )
