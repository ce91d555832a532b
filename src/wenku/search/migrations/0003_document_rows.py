"""One index row per document instead of one per page (see wenku.search.backends).

Replaces the tables of 0002; run `wenku reindex` afterwards to fill the new ones.
"""

from django.db import migrations

SQL = {
    "sqlite": (
        [
            "DROP TABLE IF EXISTS search_fts",
            "DROP TABLE IF EXISTS search_row",
            "CREATE VIRTUAL TABLE search_doc USING fts5("
            "title, meta, body, tchars, bchars, content='', tokenize='ascii')",
            "CREATE TABLE search_tokens (id INTEGER PRIMARY KEY, data BLOB NOT NULL)",
        ],
        [
            "DROP TABLE IF EXISTS search_doc",
            "DROP TABLE IF EXISTS search_tokens",
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "title, meta, body, content='', tokenize='ascii', prefix='1')",
            "CREATE TABLE search_row (id INTEGER PRIMARY KEY, data BLOB NOT NULL)",
        ],
    ),
    "postgresql": (
        [
            "DROP TABLE IF EXISTS search_entry",
        ],
        [],
    ),
}


def create(apps, schema_editor):
    for statement in SQL.get(schema_editor.connection.vendor, ([], []))[0]:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    for statement in SQL.get(schema_editor.connection.vendor, ([], []))[1]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_index_tables")]

    operations = [migrations.RunPython(create, drop)]
