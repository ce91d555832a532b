"""No document is ever left converting: killed workers, failures, retries, the last attempt."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from wenku.conversion import runner
from wenku.conversion.errors import ConversionError
from wenku.conversion.ingest import ingest
from wenku.library.models import Document
from wenku.samples.office import make_docx, make_txt
from wenku.samples.text import chinese_paragraphs


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


def _start_worker(**env) -> subprocess.Popen:
    environ = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "WENKU_DATA_DIR": str(settings.DATA_DIR),
        "WENKU_WORKERS": "1",
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "wenku.cli", "worker"], env=environ, start_new_session=True
    )


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.office
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_conversion_leaves_document_queued_again(user, tmp_docs):
    path = make_docx(
        tmp_docs / "long.docx", title="长报告", paragraphs=chinese_paragraphs(60), pages=40
    )
    document = ingest(path, path.name, user)
    # Cold LibreOffice makes the conversion slow enough to be caught in the middle.
    worker = _start_worker(WENKU_UNOSERVER="0")
    try:
        owner = _wait_for(
            lambda: (
                Document.objects.filter(pk=document.pk, status="converting")
                .values_list("lease_owner", flat=True)
                .first()
            ),
            60,
            "the conversion to start",
        )
        child_pid = int(owner.split(":")[1])
        os.killpg(worker.pid, signal.SIGKILL)  # the supervisor first, so it cannot restart
        os.killpg(child_pid, signal.SIGKILL)
        worker.wait()
        time.sleep(0.5)
        document.refresh_from_db()
        assert document.status == Document.Status.CONVERTING  # as the dead worker left it
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)

    worker = _start_worker(WENKU_UNOSERVER="0")
    try:
        _wait_for(
            lambda: Document.objects.filter(
                pk=document.pk, status__in=["ready", "failed"]
            ).exists(),
            120,
            "the restarted worker to finish the document",
        )
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    document.refresh_from_db()
    assert document.status == Document.Status.READY, document.error
    assert document.attempts == 2
    assert document.page_count == 40


@pytest.mark.django_db
def test_transient_failure_is_retried_with_backoff_then_fails_with_reason(
    user, tmp_docs, monkeypatch
):
    path = make_txt(tmp_docs / "a.txt", ["正文"])
    document = ingest(path, path.name, user)

    def broken(*args, **kwargs):
        raise ConversionError("LibreOffice 崩溃了", permanent=False)

    monkeypatch.setattr(runner, "to_pdf", broken)
    for attempt in (1, 2):
        runner.run_conversion(document.pk)
        document.refresh_from_db()
        assert document.status == Document.Status.QUEUED
        assert document.attempts == attempt
        assert f"第 {attempt} 次转换失败：LibreOffice 崩溃了" in document.error
        from django_tasks_db.models import DBTaskResult

        retry = DBTaskResult.objects.get(id=document.task_id)
        delay = (retry.run_after - timezone.now()).total_seconds()
        backoff = 5 * 2 ** (attempt - 1)
        assert backoff - 1 <= delay <= backoff + 1
    runner.run_conversion(document.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED
    assert document.error == "LibreOffice 崩溃了（已尝试 3 次）"
    assert document.lease_owner == ""


@pytest.mark.django_db
def test_permanent_failure_fails_at_once(user, tmp_docs, monkeypatch):
    path = make_txt(tmp_docs / "a.txt", ["正文"])
    document = ingest(path, path.name, user)
    monkeypatch.setattr(
        runner, "to_pdf", lambda *a, **k: (_ for _ in ()).throw(ConversionError("文件已损坏"))
    )
    runner.run_conversion(document.pk)
    document.refresh_from_db()
    assert (document.status, document.attempts, document.error) == ("failed", 1, "文件已损坏")


@pytest.mark.django_db
def test_overdue_lease_is_recovered_and_the_last_attempt_fails(user, tmp_docs):
    path = make_txt(tmp_docs / "a.txt", ["正文"])
    document = ingest(path, path.name, user)
    past = timezone.now() - dt.timedelta(seconds=1)
    Document.objects.filter(pk=document.pk).update(
        status="converting", attempts=1, lease_owner="elsewhere:1:x", lease_expires_at=past
    )
    assert runner.recover_abandoned() == 1
    document.refresh_from_db()
    assert document.status == Document.Status.QUEUED
    assert "转换进程意外中断或超时" in document.error

    Document.objects.filter(pk=document.pk).update(
        status="converting", attempts=3, lease_owner="elsewhere:1:x", lease_expires_at=past
    )
    assert runner.recover_abandoned() == 1
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED
    assert document.error == "转换进程意外中断或超时（已尝试 3 次）"


@pytest.mark.django_db
def test_live_lease_is_left_alone(user, tmp_docs):
    path = make_txt(tmp_docs / "a.txt", ["正文"])
    document = ingest(path, path.name, user)
    Document.objects.filter(pk=document.pk).update(
        status="converting",
        attempts=1,
        lease_owner=f"{runner.node_name()}:{os.getpid()}:x",
        lease_expires_at=timezone.now() + dt.timedelta(minutes=1),
    )
    assert runner.recover_abandoned() == 0


@pytest.mark.django_db
def test_a_document_is_claimed_once(user, tmp_docs):
    path = make_txt(tmp_docs / "a.txt", ["正文"])
    document = ingest(path, path.name, user)
    assert runner.claim(document.pk) is not None
    assert runner.claim(document.pk) is None
