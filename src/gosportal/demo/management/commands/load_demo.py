"""manage.py load_demo: idempotent demo accounts for local runs (listed in the README)."""

import datetime

import pyotp
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from gosportal.accounts import mfa
from gosportal.accounts.models import Authenticator, User
from gosportal.accounts.selectors import user_by_login
from gosportal.accounts.services import create_user
from gosportal.core import otp
from gosportal.documents.demo import ensure_demo_document
from gosportal.integrations.bank.sandbox import load_test_customers
from gosportal.integrations.registries.sandbox import load_test_people
from gosportal.profiles import documents
from gosportal.profiles.checks import request_checks
from gosportal.profiles.models import PersonalDocument, Profile, ProfileChange, Sex
from gosportal.profiles.services import set_snils

# (e-mail, phone, password, display name, flags). Passwords are for local use only.
DEMO_ACCOUNTS = [
    (
        "admin@gosportal.local",
        "+79990000001",
        "Gosportal-Admin-2026!",
        "Администратор портала",
        {"is_staff": True, "is_superuser": True},
    ),
    ("ivan.petrov@example.ru", "+79161000001", "Demo-Citizen-2026!", "Иван Петров", {}),
    ("anna.smirnova@example.ru", "+79161000002", "Demo-Citizen-2026!", "Анна Смирнова", {}),
    ("petr.kuznetsov@example.ru", "+79161000003", "Demo-Citizen-2026!", "Пётр Кузнецов", {}),
    # OFF-2, OFF-3: a confirmed citizen of Tula whose applications fill the demo agency's queue.
    ("alena.fedorova@example.ru", "+79161000004", "Demo-Citizen-2026!", "Алёна Фёдорова", {}),
    ("operator@gosportal.local", "+79990000002", "Demo-Operator-2026!", "Оператор МФЦ", {}),
]
# Second factors of the demo citizens (AUTH-3). The TOTP secret is public in the README:
# add it to an authenticator app by hand. (pyotp refuses keys under 112 bits, so the
# well-known JBSWY3DPEHPK3PXP is doubled.)
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 -- public demo key
DEMO_TOTP_USER = "anna.smirnova@example.ru"
DEMO_SMS_USER = "petr.kuznetsov@example.ru"
# OFF-4: the service-centre operator (SMS second factor, like the SMS demo citizen).
DEMO_OPERATOR = "operator@gosportal.local"
OPERATOR_GROUP = "Операторы центров обслуживания"
SUPPORT_GROUP = "Операторы поддержки"  # PROF-3, created by profiles' migration 0005
# REG-3: the demo operator also reviews remote checks; one from the demo citizen waits.
REMOTE_OPERATOR_GROUP = "Операторы удалённой проверки"
DEMO_REMOTE_CHECK_USER = "ivan.petrov@example.ru"
# REG-5, OFF-1: a fictional agency, its administrator and an officer (README). Created
# through catalog.services like real ones, then given the demo password and SMS codes.
DEMO_AGENCY = {
    "full_name": "Министерство социального развития Тульской области",
    "short_name": "Минсоцразвития Тульской области",
    "inn": "7107045127",
    "ogrn": "1027100732152",
    "region_code": "71",
    "slug": "minsoc-tula",
}
DEMO_OFFICERS = [
    # (e-mail, phone, password, last, first, middle, service ID, staff number, position, role)
    (
        "agency.admin@gosportal.local",
        "+79990000003",
        "Demo-Agency-2026!",
        "Белова",
        "Ольга",
        "Николаевна",
        "ТУЛ-000001",
        "00001",
        "Начальник отдела кадров",
        "administrator",
    ),
    (
        "agency.officer@gosportal.local",
        "+79990000004",
        "Demo-Officer-2026!",
        "Волков",
        "Сергей",
        "Андреевич",
        "ТУЛ-000002",
        "00002",
        "Главный специалист",
        "officer",
    ),
    (  # APP-9: reviews appeals against the agency's refusals (/desk/appeals/).
        "agency.appeals@gosportal.local",
        "+79990000005",
        "Demo-Officer-2026!",
        "Орлова",
        "Марина",
        "Викторовна",
        "ТУЛ-000003",
        "00003",
        "Консультант по обжалованию решений",
        "appeal_officer",
    ),
]
# SNILS of the demo citizens (a login too, AUTH-1). Valid check digits.
DEMO_SNILS = {
    "ivan.petrov@example.ru": "112-233-445 95",
    "alena.fedorova@example.ru": "123-456-789 64",
}
# REG-2: personal data matching a sandbox registry person (docs/sandbox.md, «Реестры»),
# so the registry checks (run by the worker) make the account standard.
# PROF-1: further documents of the demo citizen (a licence expiring in 2026 shows the
# reminder of PROF-8 when the daily task runs near its date).
DEMO_DOCUMENTS = {
    "ivan.petrov@example.ru": [
        (
            PersonalDocument.Kind.DRIVER_LICENCE,
            {
                "series": "7712",
                "number": "345678",
                "issued_on": datetime.date(2016, 12, 20),
                "valid_until": datetime.date(2026, 12, 20),
                "categories": "B",
            },
        ),
        (
            PersonalDocument.Kind.VEHICLE,
            {
                "series": "77УА",
                "number": "123456",
                "vehicle_model": "Lada Vesta",
                "plate_number": "А123ВС777",
                "vin": "XTA21700080123456",
                "issued_on": datetime.date(2019, 5, 15),
            },
        ),
    ]
}
DEMO_PROFILES = {
    "ivan.petrov@example.ru": {
        "last_name": "Петров",
        "first_name": "Иван",
        "middle_name": "Сергеевич",
        "birth_date": datetime.date(1985, 3, 14),
        "sex": Sex.MALE,
        "birthplace": "г. Москва",
        "passport_series": "4510",
        "passport_number": "123456",
        "passport_issued_on": datetime.date(2005, 4, 1),
        "passport_issuer": "ОВД района Хамовники г. Москвы",
        "passport_department_code": "770-001",
        "inn": "770712345633",
        "registration_address": "119021, г. Москва, ул. Льва Толстого, д. 1, кв. 1",
    },
    # A sandbox registry person too (docs/sandbox.md), confirmed by the demo operator.
    "alena.fedorova@example.ru": {
        "last_name": "Фёдорова",
        "first_name": "Алёна",
        "middle_name": "Петровна",
        "birth_date": datetime.date(1992, 7, 1),
        "sex": Sex.FEMALE,
        "birthplace": "г. Тула",
        "passport_series": "4511",
        "passport_number": "234567",
        "passport_issued_on": datetime.date(2012, 7, 20),
        "passport_issuer": "Отделом УФМС России по Тульской области в Центральном районе г. Тулы",
        "passport_department_code": "710-001",
        "inn": "500123456750",
        "registration_address": "300041, Тульская обл., г. Тула, ул. Советская, д. 10, кв. 25",
    },
}
# OFF-2, OFF-3: the demo agency's work — its certificate, a seed service and applications
# of this citizen in every stage, worked by the demo officer (demo/agency_work.py).
DEMO_AGENCY_CITIZEN = "alena.fedorova@example.ru"
DEMO_AGENCY_OFFICER = "agency.officer@gosportal.local"


class Command(BaseCommand):
    help = "Create or refresh the demo accounts. Refuses to run with DEBUG off unless --force."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")

    @transaction.atomic
    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo accounts have known passwords: run with DEBUG=1 or --force.")
        for email, phone, password, name, flags in DEMO_ACCOUNTS:
            user = user_by_login(email)
            if user is None:
                user = create_user(
                    email=email, phone=phone, password=password, display_name=name, **flags
                )
                verb = "created"
            else:
                verb = "refreshed"
            user.set_password(password)
            for key, value in {
                "display_name": name,
                "is_active": True,
                "email_confirmed": True,
                **flags,
            }.items():
                setattr(user, key, value)
            user.save()
            self.stdout.write(f"{verb}: {email} / {phone}")
            if email in DEMO_SNILS:
                set_snils(user=user, snils=DEMO_SNILS[email])
                self.stdout.write(f"  SNILS {DEMO_SNILS[email]}")
            if email in DEMO_PROFILES:
                self._ensure_profile(user, DEMO_PROFILES[email])
            if email in DEMO_DOCUMENTS:
                self._ensure_documents(user, DEMO_DOCUMENTS[email])
            if email == DEMO_TOTP_USER:
                self._ensure_totp(user)
            elif email == DEMO_SMS_USER:
                self._ensure_sms(user)
            elif email == DEMO_OPERATOR:
                self._ensure_operator(user)
                self._ensure_sms(user)
            elif flags.get("is_staff"):  # staff never sign in on a password alone
                self._ensure_sms(user)
        self._ensure_agency()
        self._ensure_catalog()
        # CAT-5: sandbox partner sites registered for single sign-on, linked to services.
        from gosportal.partners.sandbox import load_sandbox_partners

        partners = load_sandbox_partners()
        self.stdout.write(f"{len(partners)} sandbox partner sites (docs/sandbox.md, /sso/sites/)")
        people = load_test_people()
        self.stdout.write(f"{people} test people in the sandbox registries (docs/sandbox.md)")
        customers = load_test_customers()
        self.stdout.write(
            f"{customers} customers of the sandbox banks (docs/sandbox.md, «Партнёрские банки»)"
        )
        self._ensure_remote_check()
        # DOC-3: a signed document of the demo citizen to check on /verify/.
        document = ensure_demo_document(
            user_by_login("ivan.petrov@example.ru"), full_name="Петров Иван Сергеевич"
        )
        self.stdout.write(f"document {document.number} of ivan.petrov@example.ru (/verify/)")
        # APP-4, APP-5: applications in different statuses for «Мои заявления».
        from gosportal.applications.demo import ensure_demo_applications

        made = ensure_demo_applications(user_by_login("ivan.petrov@example.ru"))
        self.stdout.write(f"{len(made)} applications of ivan.petrov@example.ru (/applications/)")
        self._ensure_agency_work()
        # APP-9: the demo agency's refused application is appealed (/desk/appeals/).
        from gosportal.appeals.demo import ensure_demo_appeal
        from gosportal.catalog.models import Agency

        appeal = ensure_demo_appeal(Agency.objects.get(slug=DEMO_AGENCY["slug"]))
        if appeal is not None:
            self.stdout.write(f"appeal {appeal.number} waits for the agency's appeal officer")
        self.stdout.write(self.style.SUCCESS(f"{User.objects.count()} accounts in the database."))

    def _ensure_profile(self, user: User, data: dict) -> None:
        # Written directly: the «Мои данные» services are not in place yet.
        profile, _created = Profile.objects.get_or_create(user=user)
        for field, value in data.items():
            setattr(profile, field, value)
        profile.updated_at = timezone.now()
        profile.save()
        requested = request_checks(user)  # tasks run in the worker after commit
        self.stdout.write(f"  personal data; registry checks requested: {len(requested)}")

    def _ensure_documents(self, user: User, items: list[tuple[str, dict]]) -> None:
        """PROF-1: the demo citizen's driver licence and car, added once."""
        for kind, values in items:
            if user.documents.filter(kind=kind).exists():
                continue
            documents.apply_document_change(
                user=user,
                op=documents.ADD,
                kind=kind,
                document_id=None,
                values=values,
                channel=ProfileChange.Channel.REGISTRY,
                actor=None,
            )
            self.stdout.write(f"  document: {kind}")

    def _ensure_totp(self, user: User) -> None:
        if not user.authenticators.filter(kind=Authenticator.Kind.TOTP).exists():
            code = pyotp.TOTP(DEMO_TOTP_SECRET).now()
            mfa.confirm_totp(user=user, secret=DEMO_TOTP_SECRET, code=code, session_key=None)
            self.stdout.write(f"  TOTP second factor, secret {DEMO_TOTP_SECRET}")
        if mfa.recovery_codes_left(user) is None:
            codes = mfa.generate_recovery_codes(user=user, session_key=None, announce=False)
            self.stdout.write(f"  recovery codes (shown once): {' '.join(codes)}")

    def _ensure_operator(self, user: User) -> None:
        group, _created = Group.objects.get_or_create(name=OPERATOR_GROUP)
        group.permissions.add(
            Permission.objects.get(
                content_type__app_label="identity", codename="confirm_in_service_centre"
            )
        )
        user.groups.add(group)
        self.stdout.write(f"  group «{OPERATOR_GROUP}»")
        # REG-3: the same operator reviews remote passport checks.
        remote_group, _created = Group.objects.get_or_create(name=REMOTE_OPERATOR_GROUP)
        remote_group.permissions.add(
            Permission.objects.get(
                content_type__app_label="identity", codename="review_remote_check"
            )
        )
        user.groups.add(remote_group)
        self.stdout.write(f"  group «{REMOTE_OPERATOR_GROUP}»")
        # PROF-3: and decides birth date and sex change requests (/desk/data-requests/).
        support_group, _created = Group.objects.get_or_create(name=SUPPORT_GROUP)
        support_group.permissions.add(
            Permission.objects.get(
                content_type__app_label="profiles", codename="review_data_change"
            )
        )
        user.groups.add(support_group)
        self.stdout.write(f"  group «{SUPPORT_GROUP}»")

    def _ensure_remote_check(self) -> None:
        """REG-3: a remote check of the demo citizen waits in the operators' queue."""
        from gosportal.demo.passport_sample import ensure_demo_remote_check

        user = user_by_login(DEMO_REMOTE_CHECK_USER)
        self.stdout.write(f"{DEMO_REMOTE_CHECK_USER}:")
        ensure_demo_remote_check(user, DEMO_PROFILES[DEMO_REMOTE_CHECK_USER], self.stdout.write)

    def _ensure_agency(self) -> None:
        from gosportal.catalog import services as catalog
        from gosportal.catalog.models import Agency, Invitation

        agency = Agency.objects.filter(slug=DEMO_AGENCY["slug"]).first()
        if agency is None:
            agency = catalog.create_agency(**DEMO_AGENCY)
        self.stdout.write(f"agency: {agency.short_name}")
        admin = None
        for entry in DEMO_OFFICERS:
            email, phone, password, last, first, middle, sid, number, position, role = entry
            user = user_by_login(email)
            if user is None:
                data = {
                    "last_name": last,
                    "first_name": first,
                    "middle_name": middle,
                    "phone": phone,
                    "email": email,
                    "service_id": sid,
                    "staff_number": number,
                    "position": position,
                }
                if admin is None:
                    officer = catalog.create_first_administrator(agency=agency, **data)
                else:
                    officer = catalog.create_civil_servant(admin=admin, role=role, **data)
                user = officer.user
            # As if activated: the demo password, no pending link, SMS codes.
            user.set_password(password)
            user.must_change_password = False
            user.email_confirmed = True
            user.is_active = True
            user.save()
            Invitation.objects.filter(officer__user=user, used_at=None).update(
                revoked_at=timezone.now()
            )
            self._ensure_sms(user)
            if role == "administrator":
                admin = user
            self.stdout.write(f"  {role}: {email} / {phone}")

    def _ensure_agency_work(self) -> None:
        """OFF-2, OFF-3: the demo officer's queue (see DEMO_AGENCY_CITIZEN)."""
        from gosportal.catalog.models import Agency, Officer
        from gosportal.demo import agency_work
        from gosportal.signatures.agencies import ensure_agency_certificate

        agency = Agency.objects.get(slug=DEMO_AGENCY["slug"])
        taken = agency_work.take_over_services(agency)
        if taken:
            self.stdout.write(f"{agency.short_name} provides: {', '.join(s.slug for s in taken)}")
        # Only agencies with demo work get a certificate: issuing one takes a moment.
        certificate = ensure_agency_certificate(agency)
        self.stdout.write(f"  signing certificate {certificate.serial} (/desk/certificate/)")
        citizen = user_by_login(DEMO_AGENCY_CITIZEN)
        if not agency_work.confirm_at_service_centre(citizen, user_by_login(DEMO_OPERATOR)):
            self.stdout.write(f"  {DEMO_AGENCY_CITIZEN} is {citizen.level}: no applications")
            return
        self.stdout.write(f"{DEMO_AGENCY_CITIZEN}: confirmed at a service centre")
        officer = Officer.objects.get(user=user_by_login(DEMO_AGENCY_OFFICER))
        made = agency_work.ensure_agency_work(agency, citizen=citizen, officer=officer)
        statuses = ", ".join(str(a.get_status_display()) for a in made)
        self.stdout.write(f"  {len(made)} applications in the agency's queue: {statuses}")

    def _ensure_catalog(self) -> None:
        """CAT-4: the seed catalogue of services; two favourites for the demo citizen."""
        from gosportal.catalog import services as catalog_services
        from gosportal.catalog.models import Service
        from gosportal.catalog.seed import load_catalog

        counts = load_catalog()
        self.stdout.write(
            "catalog: {services_created} new and {services_updated} updated services".format(
                **counts
            )
        )
        citizen = user_by_login("ivan.petrov@example.ru")
        if citizen is not None:
            for service in Service.objects.filter(slug__in=["zagranpasport", "vypiska-egrn"]):
                catalog_services.set_favourite(user=citizen, service=service, favourite=True)

    def _ensure_sms(self, user: User) -> None:
        if user.authenticators.filter(kind=Authenticator.Kind.SMS).exists():
            return
        issued = otp.issue_code(purpose=mfa.OTP_PURPOSE, destination=user.phone)
        mfa.confirm_code_authenticator(
            user=user, kind=Authenticator.Kind.SMS, code=issued.code, session_key=None
        )
        self.stdout.write("  SMS second factor")
