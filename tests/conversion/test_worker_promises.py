"""What the worker promises, each shown: retries run by the queue after their backoff, a late
worker cannot publish over a recovered document, LibreOffice's time limit and recycling."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from wenku.conversion import runner
from wenku.conversion.errors import ConversionError, StepTimeout
from wenku.conversion.ingest import ingest
from wenku.library.models import Document, Page
from wenku.samples.office import make_docx
from wenku.samples.pdf import make_pdf
from wenku.samples.text import chinese_paragraphs

pytestmark = pytest.mark.django_db


@pytest.mark.office
def test_a_retry_is_run_by_the_queue_once_its_backoff_has_passed(
    user, tmp_docs, run_queue, monkeypatch
):
    document = ingest(make_pdf(tmp_docs / "a.pdf", title="重试", pages=2), "a.pdf", user)
    real = runner.to_pdf
    calls = []

    def fails_once(*args, **kwargs):
        calls.append(timezone.now())
        if len(calls) == 1:
            raise ConversionError("临时故障", permanent=False)
        return real(*args, **kwargs)

    monkeypatch.setattr(runner, "to_pdf", fails_once)
    assert run_queue() == 1
    document.refresh_from_db()
    assert (document.status, document.attempts) == ("queued", 1)
    assert run_queue() == 0, "not before its backoff"
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=6), tick=True):
        assert run_queue() == 1
    document.refresh_from_db()
    assert (document.status, document.attempts, len(calls)) == ("ready", 2, 2)


def test_a_late_worker_cannot_publish_over_a_recovered_document(user, tmp_docs):
    document = ingest(make_pdf(tmp_docs / "a.pdf", title="迟到", pages=2), "a.pdf", user)
    saved = runner.WORKER_ID, runner._converter
    try:
        runner.set_worker_identity("host:1:late", None)
        late = runner.claim(document.pk)
        assert late is not None
        # Its lease runs out while it is still working: another worker recovers the document
        # and converts it.
        Document.objects.filter(pk=document.pk).update(
            lease_expires_at=timezone.now() - dt.timedelta(seconds=1)
        )
        assert runner.recover_abandoned() == 1
        runner.set_worker_identity("host:2:other", None)
        runner.run_conversion(document.pk)
        published = list(document.pages.values_list("text", flat=True))
        assert len(published) == 2
        # The late worker comes back with its own pages.
        runner.set_worker_identity("host:1:late", None)
        stale = [Page(document=late, number=1, text="迟到的内容")]
        runner._publish(late, stale, late.original.name)
    finally:
        runner.set_worker_identity(*saved)
    document.refresh_from_db()
    assert document.status == "ready"
    assert list(document.pages.values_list("text", flat=True)) == published


@pytest.mark.office
def test_libreoffice_overrunning_its_warm_time_limit_is_stopped(office, tmp_docs):
    path = make_docx(
        tmp_docs / "long.docx", title="长", paragraphs=chinese_paragraphs(60), pages=40
    )
    with pytest.raises(StepTimeout):
        office.convert(path, tmp_docs / "out.pdf", timeout=0.05)
    assert not office.alive(), "a stuck LibreOffice is thrown away, not reused"


@pytest.mark.office
def test_libreoffice_is_restarted_after_n_conversions(office, tmp_docs, wenku_config):
    wenku_config(unoserver_recycle_after=1)
    path = make_docx(tmp_docs / "a.docx", title="短", paragraphs=["正文"], pages=1)
    office.convert(path, tmp_docs / "one.pdf", timeout=60)
    starts = office.starts
    office.convert(path, tmp_docs / "two.pdf", timeout=60)
    assert office.starts == starts + 1
    assert office.cold_conversions == 0


def test_the_supervisor_kills_a_worker_stuck_past_its_lease(user, tmp_docs, monkeypatch):
    """A hung step (a pdfium call that never returns, here a child that only sleeps) is killed
    once its document's lease has run out, and the slot gets a fresh worker — also when the
    same check re-queues the document."""
    import subprocess

    from wenku.conversion import worker

    document = ingest(make_pdf(tmp_docs / "a.pdf", title="卡住", pages=1), "a.pdf", user)
    supervisor = worker.Supervisor(1)
    hung = subprocess.Popen(["sleep", "600"], start_new_session=True)
    supervisor.children[0] = hung
    spawned = []
    monkeypatch.setattr(supervisor, "_spawn", spawned.append)
    # It closes connections between rounds; inside the test's transaction that would close
    # the test's own.
    monkeypatch.setattr(worker, "close_old_connections", lambda: None)
    Document.objects.filter(pk=document.pk).update(
        status="converting",
        attempts=1,
        lease_owner=f"{runner.node_name()}:{hung.pid}:s0",
        lease_expires_at=timezone.now() - dt.timedelta(seconds=1),
    )
    try:
        supervisor.check()
        assert hung.wait(timeout=5) == -9, "killed"
        assert spawned == [0], "a fresh worker takes the slot"
        document.refresh_from_db()
        assert document.status == "queued", "and its document is queued again"
    finally:
        if hung.poll() is None:
            hung.kill()
