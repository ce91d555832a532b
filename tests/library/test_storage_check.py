"""Nothing is left behind: failure paths clean up, and `wenku storage check` finds the rest."""

from __future__ import annotations

import datetime as dt
import hashlib
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone

from tests.factories import published_document
from wenku.conversion import runner
from wenku.conversion.errors import ConversionError
from wenku.conversion.ingest import ingest
from wenku.library.models import Document
from wenku.samples.office import make_txt
from wenku.samples.pdf import make_pdf

pytestmark = pytest.mark.django_db


def _stored(prefix: str) -> list[str]:
    from wenku.library.storage_audit import stored_files

    return list(stored_files(prefix))


def test_storage_check_reports_orphans_and_missing_files_and_fix_removes_orphans(user):
    kept = published_document(uploader=user, title="保留")
    lost = published_document(uploader=user, title="丢失")
    default_storage.delete(lost.original.name)
    orphan = default_storage.save("pages/999999/orphan.webp", ContentFile(b"x"))

    out = StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("storage", "check", "--grace-hours", "0", stdout=out)
    assert exit_status.value.code == 1, "missing files are lost data: a non-zero exit"
    report = out.getvalue()
    assert f"orphan  {orphan}" in report
    assert f"missing {lost.original.name} (document {lost.number})" in report
    assert kept.original.name not in report

    call_command("storage", "check", "--fix", "--grace-hours", "0", stdout=StringIO())
    assert not default_storage.exists(orphan)
    assert default_storage.exists(kept.original.name) and default_storage.exists(kept.pdf.name)


def test_young_files_may_belong_to_work_under_way_and_are_left_alone(user):
    orphan = default_storage.save("pages/999998/young.webp", ContentFile(b"x"))
    out = StringIO()
    call_command("storage", "check", "--fix", stdout=out)
    assert default_storage.exists(orphan)
    assert "0 orphaned" in out.getvalue()


def test_an_upload_the_database_refused_leaves_no_original(user, tmp_docs, monkeypatch):
    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(Document.objects, "create", locked)
    path = make_txt(tmp_docs / "a.txt", [f"独一无二的正文 {tmp_docs}"])
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(OperationalError):
        ingest(path, path.name, user)
    assert not default_storage.exists(f"originals/{sha[:2]}/{sha}.txt")


def test_a_conversion_failing_midway_deletes_the_images_it_stored(user, tmp_docs, monkeypatch):
    document = ingest(make_pdf(tmp_docs / "a.pdf", title="报告", pages=6), "a.pdf", user)
    real = runner.extract_pages

    def two_pages_then_fail(*args, **kwargs):
        for n, result in enumerate(real(*args, **kwargs)):
            if n == 2:
                raise ConversionError("第三页出错")
            yield result

    monkeypatch.setattr(runner, "extract_pages", two_pages_then_fail)
    runner.run_conversion(document.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED
    assert _stored(f"pages/{document.pk}") == []


def test_recovering_a_dead_workers_document_deletes_its_unpublished_images(user, tmp_docs):
    document = ingest(make_txt(tmp_docs / "a.txt", ["正文"]), "a.txt", user)
    half_done = default_storage.save(f"pages/{document.pk}/dead-1.webp", ContentFile(b"x"))
    Document.objects.filter(pk=document.pk).update(
        status="converting",
        attempts=1,
        lease_owner="elsewhere:1:x",
        lease_expires_at=timezone.now() - dt.timedelta(seconds=1),
    )
    assert runner.recover_abandoned() == 1
    assert not default_storage.exists(half_done)


def test_a_reconversion_replaces_the_old_images_only_once_published(
    user, tmp_docs, django_capture_on_commit_callbacks
):
    document = ingest(make_pdf(tmp_docs / "a.pdf", title="报告", pages=3), "a.pdf", user)
    runner.run_conversion(document.pk)
    first = set(document.pages.values_list("image", flat=True))
    assert len(first) == 3 and all(default_storage.exists(n) for n in first)
    runner.reconvert(document)
    with django_capture_on_commit_callbacks(execute=True):
        runner.run_conversion(document.pk)
    second = set(document.pages.values_list("image", flat=True))
    assert second.isdisjoint(first)
    assert all(default_storage.exists(n) for n in second)
    assert not any(default_storage.exists(n) for n in first)
