"""Rendering of notification templates over an event payload.

Plain texts (SMS, subjects, e-mail text, inbox) render without HTML escaping; the HTML
body of an e-mail renders with autoescape, so payload values cannot inject markup.
"""

from dataclasses import dataclass

from django.conf import settings
from django.template import Context, Engine, TemplateSyntaxError
from django.utils.translation import gettext as _

from gosportal.core.errors import InvalidInput

SMS_MAX_LENGTH = 670  # ten concatenated Cyrillic parts, the gateways' limit
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
    """Raise ``InvalidInput`` naming the field when the template does not render or an
    SMS would be too long; returns the rendering of ``sample`` (the admin's preview)."""
    for name in ("subject", "body", "html_body", "link"):
        try:
            Engine(autoescape=name == "html_body").from_string(getattr(template, name))
        except TemplateSyntaxError as exc:
            raise InvalidInput(
                _("Шаблон не разбирается: %(error)s") % {"error": exc}, field=name
            ) from exc
    rendered = render(template, sample)
    if template.channel == "sms" and len(rendered.body) > SMS_MAX_LENGTH:
        raise InvalidInput(
            _("Текст SMS длиннее %(limit)s знаков.") % {"limit": SMS_MAX_LENGTH}, field="body"
        )
    if template.link and not rendered.link.startswith("/"):
        raise InvalidInput(_("Ссылка должна вести на страницу портала: /…"), field="link")
    return rendered
