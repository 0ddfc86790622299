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
from gosportal.integrations.registries.sandbox import load_test_people
from gosportal.profiles.checks import request_checks
from gosportal.profiles.models import Profile, Sex
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
# SNILS of the demo citizens (a login too, AUTH-1). Valid check digits.
DEMO_SNILS = {"ivan.petrov@example.ru": "112-233-445 95"}
# REG-2: personal data matching a sandbox registry person (docs/sandbox.md, «Реестры»),
# so the registry checks (run by the worker) make the account standard.
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
    }
}


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
            if email == DEMO_TOTP_USER:
                self._ensure_totp(user)
            elif email == DEMO_SMS_USER:
                self._ensure_sms(user)
            elif email == DEMO_OPERATOR:
                self._ensure_operator(user)
                self._ensure_sms(user)
        people = load_test_people()
        self.stdout.write(f"{people} test people in the sandbox registries (docs/sandbox.md)")
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

    def _ensure_sms(self, user: User) -> None:
        if user.authenticators.filter(kind=Authenticator.Kind.SMS).exists():
            return
        issued = otp.issue_code(purpose=mfa.OTP_PURPOSE, destination=user.phone)
        mfa.confirm_code_authenticator(
            user=user, kind=Authenticator.Kind.SMS, code=issued.code, session_key=None
        )
        self.stdout.write("  SMS second factor")
