"""Migration operations of the shared kernel.

``encrypt_text_field`` turns a plain text column into an ``EncryptedTextField`` of the
same name and keeps every row's text (SEC-2). The ciphertext is bound to the model and
the field's name, so an encrypted copy cannot simply be renamed into place: the text is
parked in a temporary plain column, the field is re-created encrypted, each row is
written back through the field (which encrypts it), and the parking column goes. Run
backwards, the same steps decrypt.

A migration using it sets ``atomic = False``: PostgreSQL refuses to alter a table in the
transaction that has just updated its rows (deferred foreign-key triggers pending), so
each step commits on its own, the data copies each in one transaction.
"""

from django.db import migrations, models

from gosportal.core.fields import EncryptedTextField


def encrypt_text_field(app_label: str, model_name: str, name: str, **field_kwargs) -> list:
    parked = f"{name}_plain"

    def copy(source: str, target: str, *, through_python: bool):
        def run(apps, schema_editor):
            model = apps.get_model(app_label, model_name)
            if not through_python:  # plain to plain: one UPDATE
                model.objects.update(**{target: models.F(source)})
                return
            for row in model.objects.only("pk", source).iterator(chunk_size=1000):
                setattr(row, target, getattr(row, source))
                row.save(update_fields=[target])

        return run

    plain = models.TextField(blank=True, default="", editable=False)
    return [
        migrations.AddField(model_name, parked, plain),
        # Forwards: park the text; backwards: the text is already back in `name` (plain).
        migrations.RunPython(
            copy(name, parked, through_python=False),
            copy(parked, name, through_python=False),
            atomic=True,
        ),
        migrations.RemoveField(model_name, name),
        migrations.AddField(model_name, name, EncryptedTextField(**field_kwargs)),
        # Forwards: encrypt into `name`; backwards: decrypt into the parking column.
        migrations.RunPython(
            copy(parked, name, through_python=True),
            copy(name, parked, through_python=True),
            atomic=True,
        ),
        migrations.RemoveField(model_name, parked),
    ]
