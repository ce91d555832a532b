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
            "CREATE VIRTUAL TABLE search_meta USING fts5("
            "title, meta, tchars, content='', tokenize='ascii')",
            "CREATE TABLE search_tokens (id INTEGER PRIMARY KEY, data BLOB NOT NULL)",
        ],
        [
            "DROP TABLE IF EXISTS search_doc",
            "DROP TABLE IF EXISTS search_meta",
            "DROP TABLE IF EXISTS search_tokens",
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "title, meta, body, content='', tokenize='ascii', prefix='1')",
            "CREATE TABLE search_row (id INTEGER PRIMARY KEY, data BLOB NOT NULL)",
        ],
    ),
    "postgresql": (
        [
            "DROP TABLE IF EXISTS search_entry",
            "CREATE TABLE search_doc ("
            # No foreign keys (see 0002): Django's flush must be able to truncate the library.
            " document_id bigint PRIMARY KEY,"
            " meta tsvector NOT NULL,"
            " chars tsvector NOT NULL)",
            "CREATE INDEX search_doc_meta ON search_doc USING gin (meta)",
            "CREATE INDEX search_doc_chars ON search_doc USING gin (chars)",
            "CREATE TABLE search_chunk ("
            " document_id bigint NOT NULL,"
            " chunk integer NOT NULL,"
            " vector tsvector NOT NULL,"
            " PRIMARY KEY (document_id, chunk))",
            "CREATE INDEX search_chunk_vector ON search_chunk USING gin (vector)",
        ],
        [
            "DROP TABLE IF EXISTS search_chunk",
            "DROP TABLE IF EXISTS search_doc",
            "CREATE TABLE search_entry ("
            " id bigserial PRIMARY KEY,"
            " document_id bigint NOT NULL,"
            " page integer NOT NULL,"
            " vector tsvector NOT NULL)",
            "CREATE INDEX search_entry_vector ON search_entry USING gin (vector)",
            "CREATE INDEX search_entry_document ON search_entry (document_id, page)",
        ],
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
