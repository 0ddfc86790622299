"""Demo work for the demo agency (``manage.py load_demo``; OFF-2, OFF-3, APP-4).

The demo agency takes over the seed catalogue's housing subsidy of the Tula region
(the seed's agency of that name has no staff), gets a signing certificate of its own,
and a confirmed demo citizen — confirmed at a service centre by the demo operator,
through the real services — has applications for it in every stage the officer's
desk shows: submitted, in work, waiting for a clarification, approved with a signed
decision, refused, and completed. Everything goes through the services a person or an
officer would use, so numbers, history, documents and notifications are real.
Idempotent: the applications are made once per citizen and agency.
"""

from gosportal.applications import services
from gosportal.applications.forms import check_complete
from gosportal.applications.models import Application, Status
from gosportal.catalog import services as catalog_services
from gosportal.catalog.form_render import prefill_initial
from gosportal.catalog.models import Agency, Officer, Service

# Seed services the demo agency provides (catalog/data/seed_catalogue.py).
DEMO_AGENCY_SERVICES = ["subsidiya-na-oplatu-zhkh"]

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

# (what the officer did, the family's answers, the officer's comment)
PLAN = [
    (Status.SUBMITTED, {"area": "54.3", "family_size": "3", "income": "312000"}, ""),
    (Status.IN_PROGRESS, {"area": "54.3", "family_size": "3", "income": "298500"}, ""),
    (
        Status.CLARIFICATION,
        {"area": "54.3", "family_size": "4", "income": "305000"},
        "Приложите справку о доходах всех членов семьи за последние 6 месяцев: в заявлении "
        "указаны четыре человека, а документы о доходах есть только на троих.",
    ),
    (
        Status.APPROVED,
        {"area": "54.3", "family_size": "3", "income": "284000"},
        "Субсидия назначена на 6 месяцев. Выплата — ежемесячно до 20-го числа на счёт, "
        "указанный в заявлении.",
    ),
    (
        Status.REJECTED,
        {"area": "54.3", "family_size": "2", "income": "720000"},
        "Расходы на оплату жилья и коммунальных услуг не превышают 22% совокупного дохода "
        "семьи: права на субсидию нет.",
    ),
    (
        Status.COMPLETED,
        {"area": "54.3", "family_size": "3", "income": "276000"},
        "Решение о назначении субсидии можно также получить на бумаге: г. Тула, "
        "ул. Оборонная, д. 114, окно 5, пн–пт 9:00–18:00, при себе иметь паспорт.",
    ),
]


class _Upload:
    def __init__(self, name: str, content: bytes):
        self.name, self.size, self._content = name, len(content), content

    def chunks(self):
        yield self._content


def take_over_services(agency: Agency) -> list[Service]:
    """The seed services of ``DEMO_AGENCY_SERVICES`` become the demo agency's."""
    taken = []
    for service in Service.objects.filter(slug__in=DEMO_AGENCY_SERVICES).exclude(agency=agency):
        service.agency = agency
        catalog_services.save_service(service=service)
        taken.append(service)
    return taken


def confirm_at_service_centre(user, operator) -> bool:
    """The citizen's registry checks run now and the demo operator confirms the identity,
    as at a service centre; True when the account is (now) confirmed."""
    from gosportal.accounts.levels import has_level
    from gosportal.accounts.models import User
    from gosportal.identity import service_centre
    from gosportal.profiles.checks import run_check
    from gosportal.profiles.models import RegistryCheck

    for check_id in RegistryCheck.objects.filter(
        user=user, status=RegistryCheck.Status.PENDING
    ).values_list("pk", flat=True):
        run_check(check_id=check_id)
    user.refresh_from_db()
    if has_level(user, User.Level.CONFIRMED):
        return True
    if user.level != User.Level.STANDARD:
        return False
    _confirmation, code = service_centre.request_service_centre_confirmation(user=user)
    service_centre.confirm_in_service_centre(operator=User.objects.get(pk=operator.pk), code=code)
    user.refresh_from_db()
    return user.level == User.Level.CONFIRMED


def _submit(citizen, service: Service, values: dict) -> Application:
    draft = services.start_draft(user=citizen, service=service)
    for document in service.required_documents or []:
        services.add_attachment(
            application=draft,
            document=document["title"],
            upload=_Upload("платёжный-документ.pdf", PDF),
        )
    raw = {**prefill_initial(service.form_definition, citizen), **values}
    raw.update({"no_debt": "on", "data_correct": "on"})
    form, answers = check_complete(draft, user=citizen, raw=raw)
    if answers is None:
        raise ValueError(f"demo answers do not fit {service.slug}: {form.errors.as_text()}")
    return services.submit(application=draft, answers=answers, actor=citizen)


def _work(application: Application, officer: Officer, status: str, comment: str) -> None:
    from gosportal.backoffice.results import approve_with_result

    if status == Status.SUBMITTED:
        return
    application = services.take_into_work(application=application, officer=officer)
    if status == Status.CLARIFICATION:
        services.request_clarification(
            application=application, officer=officer, comment=comment, days=5
        )
    elif status == Status.REJECTED:
        services.reject(application=application, officer=officer, reason=comment)
    elif status in (Status.APPROVED, Status.COMPLETED):
        note = comment if status == Status.APPROVED else ""
        approve_with_result(application=application, officer=officer, comment=note)
        if status == Status.COMPLETED:
            services.mark_ready(application=application, officer=officer, comment=comment)
            services.complete(application=application, officer=officer)


def ensure_agency_work(agency: Agency, *, citizen, officer: Officer) -> list[Application]:
    """The citizen's applications to the agency in every stage (once; idempotent)."""
    existing = list(
        Application.objects.filter(applicant=citizen, agency=agency).exclude(status=Status.DRAFT)
    )
    if existing:
        return existing
    service = Service.objects.filter(slug=DEMO_AGENCY_SERVICES[0], agency=agency).first()
    if service is None:
        return []
    made = []
    for status, values, comment in PLAN:
        application = _submit(citizen, service, values)
        _work(application, officer, status, comment)
        application.refresh_from_db()
        made.append(application)
    return made
