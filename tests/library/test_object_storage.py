"""The library on object storage: a real S3 endpoint (moto's server on a free port) behind
`WENKU_STORAGE_URL`, and `wenku storage migrate` between it and a folder, both ways.

What these tests hold the code to: no code path assumes a stored object has a local path (the
worker fetches the original into its temporary folder and removes it; views stream from the
storage), an existing object is never overwritten, and a migration copies every referenced file
once, verified by size and SHA-256, and finds a corrupted copy.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.http import FileResponse
from django.test import override_settings

from tests import servers
from tests.factories import give_points, published_document
from tests.servers import REGION, moto_server
from wenku.config import CONFIG
from wenku.conversion import runner
from wenku.conversion.ingest import Metadata, ingest
from wenku.library.models import Document
from wenku.library.storage_audit import referenced_files
from wenku.samples.pdf import make_pdf
from wenku.storage import backend_for_url, local_backend
from wenku.storage.s3 import S3Storage

STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


@pytest.fixture(scope="module")
def moto_endpoint():
    """moto's S3 server in its own process on a free port, for this module's tests."""
    with moto_server() as endpoint:
        yield endpoint


class Bucket(servers.Bucket):
    def storages(self) -> dict:
        # Through the same parser as WENKU_STORAGE_URL.
        return {"default": backend_for_url(self.url), "staticfiles": STATIC}


@pytest.fixture
def bucket(moto_endpoint, monkeypatch):
    # Dummy credentials, from the variables boto3 reads; never the metadata service.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return Bucket(moto_endpoint)


@pytest.fixture
def on_s3(bucket):
    """The default storage is the bucket for the test."""
    with override_settings(STORAGES=bucket.storages()):
        yield bucket


@pytest.fixture
def local_folder(tmp_path):
    """The default storage is an empty folder of the test's own."""
    folder = tmp_path / "storage"
    with override_settings(STORAGES={"default": local_backend(folder), "staticfiles": STATIC}):
        yield folder


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _temporary_files() -> set[str]:
    return {p.name for p in (Path(settings.DATA_DIR) / "tmp").iterdir()}


# --- the storage itself ------------------------------------------------------------------------


def test_the_s3_storage_never_overwrites_and_streams_reads(on_s3):
    name = default_storage.save("originals/ab/abc.txt", ContentFile(b"0123456789" * 1000))
    assert name == "originals/ab/abc.txt"
    again = default_storage.save(name, ContentFile(b"other"))
    assert again != name, "ingest relies on save() never replacing an existing object"
    assert on_s3.read(name) == b"0123456789" * 1000
    with pytest.raises(NotImplementedError):
        default_storage.path(name)  # no stored object has a local path

    with default_storage.open(name) as f:
        assert f.size == 10000
        assert f.read(5) == b"01234"
        f.seek(9995)
        assert f.read() == b"56789"
    response = FileResponse(default_storage.open(name), content_type="text/plain")
    assert response["Content-Length"] == "10000"  # known without reading the object
    assert _body(response) == b"0123456789" * 1000
    with pytest.raises(FileNotFoundError):
        default_storage.open("originals/ab/none.txt")
    assert default_storage.listdir("originals") == (["ab"], [])
    assert isinstance(default_storage._wrapped, S3Storage)


# --- a document's life on S3 -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_pdf_is_ingested_converted_and_served_from_s3(
    on_s3, user, reader, client, tmp_docs, django_capture_on_commit_callbacks
):
    temporary_before = _temporary_files()
    pdf = make_pdf(tmp_docs / "报告.pdf", title="对象存储", pages=4)
    document = ingest(pdf, "报告.pdf", user, Metadata(price=3, preview_limit=2))
    assert document.original.name in on_s3.keys("originals")

    with django_capture_on_commit_callbacks(execute=True):
        runner.run_conversion(document.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.READY, document.error_detail
    assert (document.page_count, document.preview_page_count) == (4, 2)
    images = sorted(document.pages.exclude(image="").values_list("image", flat=True))
    assert len(images) == 2 and set(images) == on_s3.keys(f"pages/{document.pk}/")
    assert on_s3.read(document.original.name) == pdf.read_bytes()
    # Nothing stayed behind on this machine: no copy in the temporary folder, none in the
    # local storage folder.
    assert _temporary_files() == temporary_before
    assert not (CONFIG.storage_dir / document.original.name).exists()

    page = client.get(f"/doc/{document.number}/page/1.webp")
    assert page.status_code == 200 and page["Content-Type"] == "image/webp"
    assert _body(page) == on_s3.read(document.pages.get(number=1).image.name)
    assert client.get(f"/doc/{document.number}/page/3.webp").status_code == 404

    give_points(reader, 10)
    client.force_login(reader)
    download = client.post(f"/doc/{document.number}/download/", {"kind": "original"})
    assert download.status_code == 200
    assert int(download["Content-Length"]) == pdf.stat().st_size
    assert _body(download) == pdf.read_bytes()
    reader.refresh_from_db()
    assert reader.points == 7


@pytest.mark.django_db
def test_storage_check_works_on_s3(on_s3, user):
    kept = published_document(uploader=user, title="保留")
    lost = published_document(uploader=user, title="丢失")
    default_storage.delete(lost.original.name)
    orphan = default_storage.save("pages/999999/orphan.webp", ContentFile(b"x"))

    out = StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("storage", "check", "--grace-hours", "0", stdout=out)
    assert exit_status.value.code == 1
    report = out.getvalue()
    assert f"orphan  {orphan}" in report
    assert f"missing {lost.original.name} (document {lost.number})" in report
    assert kept.original.name not in report

    call_command("storage", "check", "--fix", "--grace-hours", "0", stdout=StringIO())
    assert orphan not in on_s3.keys("pages")
    assert kept.original.name in on_s3.keys("originals")


# --- wenku storage migrate ---------------------------------------------------------------------


def _migrate(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("storage", "migrate", *args, stdout=out, stderr=StringIO())
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def _library(user) -> dict[str, bytes]:
    """A few published documents in the default storage; their files' names and bytes."""
    for n in range(3):
        published_document(uploader=user, title=f"迁移 {n}", pages=3, body=f"正文 {n}".encode())
    return {name: default_storage.open(name).read() for name in referenced_files()}


@pytest.mark.django_db
def test_migrate_copies_a_local_library_to_s3_resumably_and_finds_corruption(
    local_folder, bucket, user
):
    files = _library(user)
    assert len(files) == 3 * (1 + 1 + 3)  # original, PDF, three page images each

    status, out = _migrate("--to", bucket.url)
    assert status == 0, out
    assert f"{len(files)} files: {len(files)} copied" in out
    assert bucket.keys() == set(files)
    assert all(bucket.read(name) == body for name, body in files.items())

    status, out = _migrate("--to", bucket.url)
    assert status == 0 and f"0 copied (0.0 MB), {len(files)} already there, 0 failed" in out

    image = next(n for n in files if n.startswith("pages/"))
    original = next(n for n in files if n.startswith("originals/"))
    bucket.write(image, b"corrupt")  # another size
    body = files[original]
    bucket.write(original, bytes([body[0] ^ 1]) + body[1:])  # same size, other bytes
    status, out = _migrate("--to", bucket.url, "--verify-only")
    assert status == 1
    assert f"failed  {image}: size differs" in out
    assert f"failed  {original}: SHA-256 differs" in out
    assert f"{len(files) - 2} identical, 2 missing or different" in out

    status, out = _migrate("--to", bucket.url)  # repairs what differs
    assert status == 0 and "2 copied" in out
    assert bucket.read(original) == body
    assert _migrate("--to", bucket.url, "--verify-only")[0] == 0


@pytest.mark.django_db
def test_migrate_copies_an_s3_library_back_to_a_folder(on_s3, user, tmp_path):
    files = _library(user)
    on_s3.write("pages/424242/orphan.webp", b"nobody refers to me")
    target = tmp_path / "back"

    status, out = _migrate("--to", str(target))
    assert status == 0, out
    assert f"{len(files)} copied" in out
    copied = {str(p.relative_to(target)) for p in target.rglob("*") if p.is_file()}
    assert copied == set(files), "every referenced file, and only those"
    for name, body in files.items():
        assert hashlib.sha256((target / name).read_bytes()).digest() == (
            hashlib.sha256(body).digest()
        )
    status, out = _migrate("--to", target.as_uri(), "--verify-only")
    assert status == 0 and f"{len(files)} identical" in out

    (target / next(iter(files))).unlink()
    status, out = _migrate("--to", target.as_uri(), "--verify-only")
    assert status == 1 and "missing in the target" in out


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user, host = db.get("USER") or "postgres", db.get("HOST") or "127.0.0.1"
    return f"postgres://{user}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_the_wenku_command_uses_the_storage_its_environment_names(bucket, user, tmp_path):
    with override_settings(STORAGES=bucket.storages()):
        files = _library(user)
    env = {k: v for k, v in os.environ.items() if not k.startswith("WENKU_STORAGE_")}
    env.update(
        DJANGO_SETTINGS_MODULE="wenku.settings",
        DATABASE_URL=_database_url(),
        WENKU_DATA_DIR=str(settings.DATA_DIR),
        WENKU_STORAGE_URL=bucket.url,
    )
    wenku = str(Path(sys.executable).with_name("wenku"))

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([wenku, *args], env=env, capture_output=True, text=True)

    done = run("storage", "check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(files)} referenced; 0 orphaned, 0 missing" in done.stdout
    done = run("storage", "migrate", "--to", str(tmp_path / "back"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(files)} copied" in done.stdout
    assert all((tmp_path / "back" / name).read_bytes() == body for name, body in files.items())


@pytest.mark.django_db
def test_migrate_refuses_a_bad_or_unreachable_target(local_folder, user, moto_endpoint):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--to: unsupported storage URL"):
        call_command("storage", "migrate", "--to", "ftp://host/x", stdout=StringIO())
    with pytest.raises(CommandError, match="names the storage in use"):
        call_command("storage", "migrate", "--to", str(local_folder), stdout=StringIO())
    with pytest.raises(CommandError, match="cannot reach"):
        call_command(
            "storage",
            "migrate",
            "--to",
            f"s3://no-such-bucket/x?endpoint_url={moto_endpoint}&region_name={REGION}",
            stdout=StringIO(),
        )


# --- WENKU_STORAGE_URL -------------------------------------------------------------------------


def _settings_of(env: dict, expression: str) -> str:
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        f"print(repr({expression}))"
    )
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("WENKU_STORAGE_")}
    full = {**inherited, "DJANGO_SETTINGS_MODULE": "wenku.settings", **env}
    done = subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True)
    return done.stdout + done.stderr


def test_wenku_storage_url_selects_the_object_storage(tmp_path):
    url = "s3://docs/wenku/prod?endpoint_url=http://127.0.0.1:9000&region_name=cn-north-1"
    out = _settings_of(
        {"WENKU_DATA_DIR": str(tmp_path), "WENKU_STORAGE_URL": url}, "s.STORAGES['default']"
    )
    assert "'BACKEND': 'wenku.storage.s3.S3Storage'" in out
    assert "'bucket_name': 'docs'" in out and "'location': 'wenku/prod'" in out
    assert "'endpoint_url': 'http://127.0.0.1:9000'" in out and "'cn-north-1'" in out
    local = _settings_of({"WENKU_DATA_DIR": str(tmp_path)}, "s.STORAGES['default']")
    assert "FileSystemStorage" in local and str(tmp_path / "storage") in local
    wrong = _settings_of(
        {"WENKU_DATA_DIR": str(tmp_path), "WENKU_STORAGE_URL": "s3://docs?bucket=x"}, "1"
    )
    assert "WENKU_STORAGE_URL: unknown option(s) bucket" in wrong
    both = _settings_of(
        {
            "WENKU_DATA_DIR": str(tmp_path),
            "WENKU_STORAGE_URL": url,
            "WENKU_STORAGE_ROOT": str(tmp_path / "x"),
        },
        "1",
    )
    assert "WENKU_STORAGE_URL and WENKU_STORAGE_ROOT are both set" in both


def test_wenku_storage_url_reaches_the_bucket_from_a_fresh_process(bucket, tmp_path):
    code = (
        "import django; django.setup();"
        "from django.core.files.base import ContentFile;"
        "from django.core.files.storage import default_storage as s;"
        "print(s.save('pages/1/a.webp', ContentFile(b'img')), s.listdir('pages'))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "wenku.settings"}
    env.update(WENKU_DATA_DIR=str(tmp_path), WENKU_STORAGE_URL=bucket.url)
    env.pop("WENKU_STORAGE_ROOT", None)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert "pages/1/a.webp (['1'], [])" in done.stdout, done.stderr
    assert bucket.read("pages/1/a.webp") == b"img"


@pytest.mark.django_db
def test_ready_answers_for_the_bucket_and_fails_without_it(bucket, client):
    with override_settings(STORAGES=bucket.storages()):
        response = client.get("/-/ready")
    assert response.status_code == 200 and response.json()["storage"] == "ok"
    gone = backend_for_url(bucket.url.replace(bucket.name, "no-such-bucket"))
    with override_settings(STORAGES={"default": gone, "staticfiles": STATIC}):
        response = client.get("/-/ready")
    assert response.status_code == 503 and response.json()["storage"].startswith("error")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("minio://docs/x", "unsupported storage URL"),
        ("docs/x", "unsupported storage URL"),
        ("s3://Docs_Bucket/x", "not an S3 bucket name"),
        ("s3://key:secret@docs/x", "credentials do not belong"),
        ("s3://docs/a/../b", "segments"),
        ("s3://docs/x?endpoint_url=127.0.0.1:9000", "endpoint_url must be an http(s) URL"),
        ("s3://docs/x?region_name=a&region_name=b", "given once"),
        ("s3://docs/x?addressing_style=dns", "addressing_style must be one of"),
        ("file://server/share", "a folder on this machine"),
        ("file:///", "absolute folder"),
    ],
)
def test_a_malformed_storage_url_is_refused_with_a_reason(url, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        backend_for_url(url)


def test_storage_url_forms():
    assert backend_for_url("s3://docs")["OPTIONS"] == {"bucket_name": "docs", "location": ""}
    options = backend_for_url("s3://docs/p/q/?addressing_style=path")["OPTIONS"]
    assert options == {"bucket_name": "docs", "location": "p/q", "addressing_style": "path"}
    assert backend_for_url("file:///srv/wenku")["OPTIONS"]["location"] == "/srv/wenku"


def test_a_buyer_reads_pages_past_the_preview_rendered_from_the_bucket(
    on_s3, user, reader, client, tmp_docs, django_capture_on_commit_callbacks
):
    from django.conf import settings as django_settings

    from tests.factories import give_points
    from wenku.library import downloads

    pdf = make_pdf(tmp_docs / "全文.pdf", title="桶里的全文", pages=5)
    document = ingest(pdf, "全文.pdf", user, Metadata(price=2, preview_limit=1))
    with django_capture_on_commit_callbacks(execute=True):
        runner.run_conversion(document.pk)
    give_points(reader, 5)
    downloads.download(reader, Document.objects.get(pk=document.pk))
    client.force_login(reader)
    response = client.get(f"/doc/{document.number}/page/4.webp")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[8:12] == b"WEBP"
    image = document.pages.get(number=4).image.name
    assert image in on_s3.keys(f"pages/{document.pk}/")
    cached = list((django_settings.DATA_DIR / "cache" / "pdfs").glob("*.pdf"))
    assert any(p.read_bytes() == on_s3.read(document.original.name) for p in cached)
