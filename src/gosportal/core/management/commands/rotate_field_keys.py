"""manage.py rotate_field_keys: re-encrypt stored values with the primary key (SEC-2).

After a new key is put first in ``FIELD_ENCRYPTION_KEYS`` (the old ones stay listed so
they still decrypt), this command walks every encrypted field of every installed model,
reads the stored ciphertext straight from the database (the field itself would decrypt
it) and rewrites each value whose key id is not the primary one. Work goes in batches,
one transaction each, and every write is a compare-and-set on the old ciphertext, so a
value the application changed meanwhile is left as it is and counted; a second run picks
it up. A value that does not decrypt (its key is no longer configured, or it was
tampered with) is reported and left untouched, and the command then exits non-zero: the
old keys must stay configured until a run finishes cleanly.
"""

import argparse
from dataclasses import dataclass, field

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from gosportal.core import crypto, vault
from gosportal.core.fields import encrypted_fields


@dataclass
class Tally:
    rotated: int = 0
    current: int = 0
    changed_meanwhile: int = 0
    failures: list[str] = field(default_factory=list)


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return int(text)


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field with the first key of FIELD_ENCRYPTION_KEYS; "
        "exits non-zero if some value cannot be decrypted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="count the values that would be re-encrypted; change nothing",
        )
        parser.add_argument(
            "--batch-size", type=_positive_int, default=500, help="rows per transaction"
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="database alias")

    def handle(self, *args, dry_run=False, batch_size=500, database=DEFAULT_DB_ALIAS, **options):
        primary, _ = crypto.keyring()
        failures: list[str] = []
        changed_meanwhile = 0
        for model in apps.get_models():
            # Proxies and multi-table children share their parent's column: skip them there.
            fields = [f for f in encrypted_fields(model) if f.model is model]
            if not fields:
                continue
            tally = Tally()
            for model_field in fields:
                self._rotate_field(
                    model,
                    model_field,
                    primary=primary,
                    dry_run=dry_run,
                    batch_size=batch_size,
                    using=database,
                    tally=tally,
                )
            self._report(model, tally, primary=primary, dry_run=dry_run)
            failures += tally.failures
            changed_meanwhile += tally.changed_meanwhile

        failures += self._rotate_vault(dry_run=dry_run, primary=primary)

        if changed_meanwhile:
            self.stdout.write(
                self.style.WARNING(
                    f"{changed_meanwhile} value(s) changed while rotating and were left as "
                    "written; run the command again before removing old keys."
                )
            )
        if failures:
            for failure in failures:
                self.stderr.write(failure)
            raise CommandError(
                f"Could not decrypt {len(failures)} value(s); they were left untouched. "
                "Keep their keys configured, or repair the rows, and run again."
            )

    def _rotate_field(self, model, model_field, *, primary, dry_run, batch_size, using, tally):
        connection = connections[using]
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        pk = quote(model._meta.pk.column)
        column = quote(model_field.column)
        context = model_field.context()
        # Identifiers come from model metadata and are quoted; values are parameters.
        select_first = (
            f"SELECT {pk}, {column} FROM {table} "  # noqa: S608
            f"WHERE {column} IS NOT NULL ORDER BY {pk} LIMIT %s"
        )
        select_next = (
            f"SELECT {pk}, {column} FROM {table} "  # noqa: S608
            f"WHERE {column} IS NOT NULL AND {pk} > %s ORDER BY {pk} LIMIT %s"
        )
        update = f"UPDATE {table} SET {column} = %s WHERE {pk} = %s AND {column} = %s"  # noqa: S608

        last_pk = None
        while True:
            with transaction.atomic(using=using), connection.cursor() as cursor:
                if last_pk is None:
                    cursor.execute(select_first, [batch_size])
                else:
                    cursor.execute(select_next, [last_pk, batch_size])
                rows = cursor.fetchall()
                for pk_value, stored in rows:
                    if self._key_id(stored) == primary:
                        tally.current += 1
                        continue
                    try:
                        plain = crypto.decrypt(stored, context=context)
                    except crypto.DecryptionError as exc:
                        tally.failures.append(
                            f"{model._meta.label}.{model_field.name} pk={pk_value}: {exc}"
                        )
                        continue
                    if dry_run:
                        tally.rotated += 1
                        continue
                    cursor.execute(
                        update, [crypto.encrypt(plain, context=context), pk_value, stored]
                    )
                    if cursor.rowcount == 1:
                        tally.rotated += 1
                    else:
                        tally.changed_meanwhile += 1
            if len(rows) < batch_size:
                return
            last_pk = rows[-1][0]

    def _rotate_vault(self, *, dry_run: bool, primary: str) -> list[str]:
        """Documents in the vault (core.vault) are re-encrypted file by file."""
        rotated = current = 0
        failures = []
        for purpose, name in vault.stored_files():
            try:
                if dry_run:
                    blob = vault.raw(name, purpose=purpose)
                    if blob.startswith(f"{crypto.PREFIX}:{primary}:".encode()):
                        current += 1
                        continue
                    vault.read(name, purpose=purpose)
                    rotated += 1
                elif vault.rotate(name, purpose=purpose):
                    rotated += 1
                else:
                    current += 1
            except crypto.DecryptionError as exc:
                failures.append(f"vault {purpose}/{name}: {exc}")
        verb = "to re-encrypt" if dry_run else "re-encrypted"
        line = f"vault files: {rotated} {verb}, {current} already on key {primary}"
        if failures:
            line += f", {len(failures)} undecryptable"
        style = self.style.ERROR if failures else self.style.SUCCESS
        self.stdout.write(style(line))
        return failures

    @staticmethod
    def _key_id(stored: str) -> str | None:
        try:
            return crypto.key_id_of(stored)
        except (ValueError, crypto.DecryptionError):
            return None

    def _report(self, model, tally: Tally, *, primary: str, dry_run: bool) -> None:
        verb = "to re-encrypt" if dry_run else "re-encrypted"
        line = (
            f"{model._meta.label}: {tally.rotated} {verb}, {tally.current} already on key {primary}"
        )
        if tally.changed_meanwhile:
            line += f", {tally.changed_meanwhile} changed meanwhile"
        if tally.failures:
            line += f", {len(tally.failures)} undecryptable"
        style = self.style.ERROR if tally.failures else self.style.SUCCESS
        self.stdout.write(style(line))
