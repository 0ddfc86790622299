"""manage.py load_demo: idempotent demo accounts for local runs (listed in the README)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gosportal.accounts.models import User
from gosportal.accounts.selectors import user_by_login
from gosportal.accounts.services import create_user

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
]


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
        self.stdout.write(self.style.SUCCESS(f"{User.objects.count()} accounts in the database."))
