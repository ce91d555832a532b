"""The index tables: FTS5 on SQLite, a tsvector table with a GIN index on PostgreSQL.

See wenku.search.backends.sqlite / .postgres for what the columns hold.
"""

from django.db import migrations

SQL = {
    "sqlite": (
        [
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "title, meta, body, content='', tokenize='ascii', prefix='1')",
            "CREATE TABLE search_row (id INTEGER PRIMARY KEY, data BLOB NOT NULL)",
        ],
        ["DROP TABLE IF EXISTS search_fts", "DROP TABLE IF EXISTS search_row"],
    ),
    "postgresql": (
        [
            "CREATE TABLE search_entry ("
            " id bigserial PRIMARY KEY,"
            # No foreign key: Django's flush (tests, `wenku flush`) truncates only the tables
            # it knows, and a reference from this one would stop it. The post_delete receiver
            # removes a deleted document's rows.
            " document_id bigint NOT NULL,"
            " page integer NOT NULL,"
            " vector tsvector NOT NULL)",
            "CREATE INDEX search_entry_vector ON search_entry USING gin (vector)",
            "CREATE INDEX search_entry_document ON search_entry (document_id, page)",
        ],
        ["DROP TABLE IF EXISTS search_entry"],
    ),
}


def create(apps, schema_editor):
    for statement in SQL.get(schema_editor.connection.vendor, ([], []))[0]:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    for statement in SQL.get(schema_editor.connection.vendor, ([], []))[1]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("library", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
