"""Full-text search storage for services (CAT-1), different per database.

PostgreSQL: a GIN index over ``catalog_service.search_vector`` (a tsvector with the
``russian`` configuration, filled by ``catalog.search.index_service``).
SQLite: an FTS5 table whose rows hold the services' texts already stemmed with the
Snowball Russian stemmer, keyed by the service id (rowid).
"""

from django.db import migrations

PG_CREATE = "CREATE INDEX IF NOT EXISTS service_search_gin ON catalog_service USING gin (search_vector)"
PG_DROP = "DROP INDEX IF EXISTS service_search_gin"
SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS catalog_service_fts USING fts5("
    "title, body, tokenize = 'unicode61 remove_diacritics 0')"
)
SQLITE_DROP = "DROP TABLE IF EXISTS catalog_service_fts"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_CREATE)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_services")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
