"""PostgreSQL: the partial index of the documents site search never lists, as on SQLite (0004),
so that leaving them out of a search need not read the document table."""

from django.db import migrations

# The same expression as wenku.search.backends.UNLISTED.
CREATE = (
    "CREATE INDEX search_unlisted ON library_document (id) "
    "WHERE NOT (status = 'ready' AND visibility = 'public' AND review IN ('auto', 'approved'))"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_unlisted")


class Migration(migrations.Migration):
    dependencies = [("search", "0004_unlisted_index")]

    operations = [migrations.RunPython(create, drop)]
