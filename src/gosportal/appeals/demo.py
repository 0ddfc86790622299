"""Demo appeal (``manage.py load_demo``; APP-9), made through the real services.

The demo agency's work (``demo/agency_work.py``) has a refused application; its applicant
applies once more for the same service, the same officer refuses again, and the applicant
appeals that refusal with one evidence file — so the agency's appeal officer finds an
appeal at ``/desk/appeals/`` while the first refusal stays open for the applicant to
appeal by hand. Idempotent; nothing happens when the agency has no refused application.
"""

from gosportal.appeals.models import Appeal
from gosportal.appeals.services import file_appeal
from gosportal.applications import services as applications
from gosportal.applications.models import Application, Status
from gosportal.catalog.models import Officer

REFUSAL = (
    "Расходы на оплату жилья и коммунальных услуг не превышают 22% совокупного дохода "
    "семьи: права на субсидию нет."
)
REASON = (
    "Не согласна с отказом: в доход семьи включена разовая материальная помощь, которая "
    "по правилам расчёта субсидии в доход не входит. Без неё расходы на ЖКУ превышают 22% "
    "дохода. Прилагаю справку о разовом характере выплаты."
)
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 210 297]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


class _Upload:
    def __init__(self, name: str, content: bytes):
        self.name, self.size, self._content = name, len(content), content

    def chunks(self):
        yield self._content


def ensure_demo_appeal(agency) -> Appeal | None:
    """The demo agency's appeal, made once; None when there is nothing to base it on."""
    existing = Appeal.objects.filter(agency=agency).order_by("pk").first()
    if existing is not None:
        return existing
    example = (
        Application.objects.filter(agency=agency, status=Status.REJECTED)
        .select_related("applicant", "service")
        .order_by("pk")
        .first()
    )
    refusal = example and example.changes.filter(to_status=Status.REJECTED).last()
    officer = refusal and Officer.objects.filter(user_id=refusal.actor_id, agency=agency).first()
    if officer is None:
        return None
    citizen = example.applicant
    draft = applications.start_draft(user=citizen, service=example.service)
    for document in example.service.required_documents or []:
        if "pdf" not in (document.get("formats") or ["pdf"]):
            continue
        applications.add_attachment(
            application=draft,
            document=document["title"],
            upload=_Upload("платёжный-документ.pdf", DEMO_PDF),
        )
    application = applications.submit(application=draft, answers=example.answers, actor=citizen)
    application = applications.take_into_work(application=application, officer=officer)
    applications.reject(application=application, officer=officer, reason=REFUSAL)
    application.refresh_from_db()
    return file_appeal(
        application=application,
        actor=citizen,
        reason=REASON,
        uploads=[_Upload("spravka-o-razovoy-vyplate.pdf", DEMO_PDF)],
    )
