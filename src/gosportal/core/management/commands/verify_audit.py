"""manage.py verify_audit: walk the audit hash chain and report the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from gosportal.core.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exits non-zero at the first broken link."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"Audit chain broken at row #{report.broken_at}: {report.reason} "
                f"({report.checked} rows verified before it)."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {report.checked} rows verified.")
        )
