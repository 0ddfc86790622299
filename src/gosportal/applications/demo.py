"""Demo applications (``manage.py load_demo``): a few applications of a demo citizen in
different statuses, made through the real services so numbers, versions, history and
notifications are what a citizen would have."""

import datetime

from gosportal.accounts.levels import has_level
from gosportal.applications import services
from gosportal.applications.models import Application, Status
from gosportal.catalog.form_render import prefill_initial
from gosportal.catalog.models import Service

DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

# (service slug, statuses it goes through after submission; None = left a draft)
PLAN = [
    ("poluchenie-inn", [Status.ACCEPTED, Status.IN_PROGRESS]),
    ("spravka-o-nesudimosti", []),
    ("razreshenie-na-rybolovstvo", [Status.CANCELLED]),
    ("vypiska-egryul-egrip", None),
    # APP-8: an approved benefit the citizen may stop; a declaration that runs to the end.
    ("edinoe-posobie", [Status.ACCEPTED, Status.IN_PROGRESS, Status.APPROVED]),
    ("deklaratsiya-3-ndfl", []),
]


class _Upload:
    def __init__(self, name: str, content: bytes):
        self.name, self.size, self._content = name, len(content), content

    def chunks(self):
        yield self._content


def _answers(service: Service, user) -> dict:
    answers = {}
    for key, value in prefill_initial(service.form_definition, user).items():
        if isinstance(value, str) and len(value) == 10 and value[2] == value[5] == ".":
            value = datetime.datetime.strptime(value, "%d.%m.%Y").date().isoformat()  # noqa: DTZ007
        answers[key] = value
    return answers


def ensure_demo_applications(user) -> list[Application]:
    """The demo citizen's applications, created once (idempotent)."""
    if Application.objects.filter(applicant=user).exists():
        return list(Application.objects.filter(applicant=user))
    made = []
    for slug, path in PLAN:
        service = Service.objects.filter(slug=slug, is_published=True).first()
        if service is None or not has_level(user, service.min_level):
            continue
        draft = services.start_draft(user=user, service=service)
        if path is None:
            services.save_draft(application=draft, raw=_answers(service, user))
            made.append(draft)
            continue
        for document in service.required_documents or []:
            if document.get("mandatory") and "pdf" in (document.get("formats") or ["pdf"]):
                services.add_attachment(
                    application=draft,
                    document=document["title"],
                    upload=_Upload("scan.pdf", DEMO_PDF),
                )
        application = services.submit(
            application=draft, answers=_answers(service, user), actor=user
        )
        for status in path:
            if status == Status.CANCELLED:
                application = services.cancel(
                    application=application, actor=user, reason="Передумал"
                )
            else:
                services.change_status(application, status, actor=None, by=services.AGENCY)
        made.append(application)
    return made
