"""manage.py verify_audit: recompute the audit log's Merkle tree and check its heads."""

from django.core.management.base import BaseCommand, CommandError

from gosportal.core import audit


class Command(BaseCommand):
    help = (
        "Recompute every sealed audit row's leaf and every signed tree head; check the "
        "signatures and the consistency between heads. Exits non-zero on any mismatch."
    )

    def handle(self, *args, **options):
        report = audit.verify()
        if not report.ok:
            raise CommandError("Audit log damaged:\n  " + "\n  ".join(report.problems))
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit log intact: {report.sealed} rows in the tree, {report.heads} signed "
                f"tree heads verified; {report.unsealed} rows wait for the sealer."
            )
        )
