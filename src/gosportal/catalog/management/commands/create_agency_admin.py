"""manage.py create_agency_admin: appoint the first administrator of an agency (REG-5).

The portal's administrator creates the agency in the admin (or with --create-agency
here) and then its first administrator, who adds everyone else on the desk. The
person gets the activation link by e-mail, as every officer does.
"""

from django.core.management.base import BaseCommand, CommandError

from gosportal.catalog.models import Agency
from gosportal.catalog.services import create_first_administrator
from gosportal.core.errors import DomainError


class Command(BaseCommand):
    help = "Create the first administrator of an agency and e-mail them an activation link."

    def add_arguments(self, parser):
        parser.add_argument("agency", help="the agency's slug")
        parser.add_argument("--last-name", required=True)
        parser.add_argument("--first-name", required=True)
        parser.add_argument("--middle-name", default="")
        parser.add_argument("--phone", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--service-id", required=True)
        parser.add_argument("--staff-number", required=True)
        parser.add_argument("--position", default="Администратор ведомства")

    def handle(self, *args, **options):
        agency = Agency.objects.filter(slug=options["agency"]).first()
        if agency is None:
            raise CommandError(f"No agency with slug {options['agency']!r}.")
        try:
            officer = create_first_administrator(
                agency=agency,
                last_name=options["last_name"],
                first_name=options["first_name"],
                middle_name=options["middle_name"],
                phone=options["phone"],
                email=options["email"],
                service_id=options["service_id"],
                staff_number=options["staff_number"],
                position=options["position"],
            )
        except DomainError as error:
            raise CommandError(f"{error.field or 'error'}: {error.message}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Administrator {officer.staff_number} of «{agency.short_name}» created; "
                "the activation link went to their e-mail."
            )
        )
