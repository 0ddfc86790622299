"""manage.py seal_audit: add the committed audit rows to the Merkle tree now."""

from django.core.management.base import BaseCommand

from gosportal.core import audit


class Command(BaseCommand):
    help = "Seal the committed audit rows into the Merkle tree and sign a new tree head."

    def handle(self, *args, **options):
        sealed = audit.seal()
        head = audit.latest_head()
        size = head.tree_size if head else 0
        self.stdout.write(
            self.style.SUCCESS(f"Sealed {sealed} audit rows; the tree has {size} leaves.")
        )
