"""SQLite: a partial index of the documents site search never lists (not ready, not public or
not let through by moderation), so that counting matches need not read the document table:
see wenku.search.backends.base.UNLISTED, which must stay the same expression."""

from django.db import migrations

CREATE = (
    "CREATE INDEX search_unlisted ON library_document (id) "
    "WHERE NOT (status = 'ready' AND visibility = 'public' AND review IN ('auto', 'approved'))"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP INDEX IF EXISTS search_unlisted")


class Migration(migrations.Migration):
    # It indexes library_document.review, added by library 0004.
    dependencies = [
        ("search", "0003_document_rows"),
        ("library", "0004_document_review_document_review_flags_and_more"),
    ]

    operations = [migrations.RunPython(create, drop)]
