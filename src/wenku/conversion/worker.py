"""Worker processes: a supervisor keeps N single-threaded conversion processes running.

Each child claims tasks from the database queue (django-tasks-db's worker loop; its claim is an
exclusive transaction on SQLite and SKIP LOCKED on PostgreSQL), owns one warm LibreOffice, and
converts one document at a time. The supervisor restarts children that die and kills a child whose
document overran its lease (a hung LibreOffice or pdfium call), so every step's time limit holds
even when the step itself cannot be interrupted. Each start recovers the documents that a dead
worker left converting.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import OperationalError, close_old_connections
from django.utils import timezone

from wenku.library.models import Document
from wenku.samples.office import make_docx, make_pptx, make_xlsx

from . import ocr
from .office import OfficeConverter
from .pdf import extract_pages
from .runner import node_name, recover_abandoned, set_worker_identity

log = logging.getLogger("wenku.worker")
BUSY_WAIT_SECONDS = 1.0


def _slot_dir(slot: int) -> Path:
    return Path(settings.DATA_DIR) / "run" / f"worker-{slot}"


def _kill_group_of(pidfile: Path) -> None:
    try:
        pid = int(pidfile.read_text())
        os.killpg(pid, signal.SIGKILL)
    except (OSError, ValueError):
        pass
    pidfile.unlink(missing_ok=True)


def run_child(slot: int, *, warm: bool = True) -> None:
    """Body of one worker process (`wenku worker --child SLOT`)."""
    workdir = _slot_dir(slot)
    workdir.mkdir(parents=True, exist_ok=True)
    _kill_group_of(workdir / "unoserver.pid")  # left by a predecessor that was killed

    worker_id = f"{node_name()}:{os.getpid()}:s{slot}"
    converter = OfficeConverter(workdir / "office")
    set_worker_identity(worker_id, converter)

    def exit_now(signum: int, frame: object) -> None:
        raise SystemExit(0)

    # Until the task loop installs its own handlers, a SIGTERM must still run the `finally`
    # below, or the LibreOffice started here would outlive this process.
    signal.signal(signal.SIGTERM, exit_now)
    signal.signal(signal.SIGINT, exit_now)
    try:
        _serve(slot, workdir, worker_id, converter, warm)
    finally:
        converter.stop()
        (workdir / "unoserver.pid").unlink(missing_ok=True)
        (workdir / "ready").unlink(missing_ok=True)


def _serve(slot: int, workdir: Path, worker_id: str, converter, warm: bool) -> None:
    from django_tasks_db.management.commands.db_worker import Worker

    recover_abandoned()
    if warm and settings.WENKU.unoserver:
        try:
            converter.start()
            (workdir / "unoserver.pid").write_text(str(converter.proc.pid))
            _warm_up(converter, workdir / "warm-up")
        except Exception:  # noqa: BLE001 - the first conversion retries, or falls back
            log.exception("could not start unoserver in slot %s", slot)
    (workdir / "ready").write_text(worker_id)

    worker = Worker(
        queue_names=["conversion", "default"],
        interval=settings.WENKU.worker_poll_interval,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id[-64:],
        excluded_queue_names=[],
    )
    worker.configure_signals()
    while True:
        try:
            worker.run()
            return
        except OperationalError as exc:
            # SQLite's "database is locked" (a writer held it past the timeout) passes: wait
            # and go on rather than die and cost the slot a LibreOffice restart.
            if "locked" not in str(exc).lower():
                raise
            log.warning("database busy in slot %s (%s); waiting", slot, exc)
            close_old_connections()
            time.sleep(BUSY_WAIT_SECONDS)


def _warm_up(converter, folder: Path) -> None:
    """Convert a tiny DOCX, PPTX and XLSX before saying ready.

    A new LibreOffice takes 0.3-1 s for its first document of each kind (loading Writer, Impress,
    Calc and the CJK fonts) against 0.1 s once warm; users should not pay that.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for src in (
        make_docx(folder / "w.docx", title="预热", paragraphs=["预热文本。"]),
        make_pptx(folder / "w.pptx", title="预热", slides=1),
        make_xlsx(folder / "w.xlsx", rows=1),
    ):
        converter.convert(src, folder / "w.pdf", timeout=60)
    _warm_python(folder / "w.pdf")
    if ocr.enabled():  # the OCR models (0.75 s, 110 MB) only where scans will be read
        ocr.warm_up()


def _warm_python(pdf: Path) -> None:
    """The first document of a new worker would also pay for pdfium's renderer and, in the
    apps that index a published document, rjieba's dictionary and the IDF table of the
    keywords (0.4 s) and the tokenizer's character tables: pay that before saying ready too.
    Each app says what it loads in its AppConfig's `warm_up()` (the worker knows none)."""
    for _ in extract_pages(pdf, previewable=lambda count: count):
        pass
    for app in apps.get_app_configs():
        warm_up = getattr(app, "warm_up", None)
        if warm_up is not None:
            warm_up()


class Supervisor:
    """Runs `count` worker processes until stopped."""

    def __init__(self, count: int, *, first_slot: int = 0) -> None:
        self.count = count
        self.first_slot = first_slot
        self.children: dict[int, subprocess.Popen] = {}
        self.running = True
        self.locks: list = []
        self.last_recovery = 0.0

    def _spawn(self, slot: int) -> None:
        (_slot_dir(slot) / "ready").unlink(missing_ok=True)
        cmd = [sys.executable, "-m", "wenku.cli", "worker", "--child", str(slot)]
        self.children[slot] = subprocess.Popen(cmd, start_new_session=True)
        log.info("worker slot %s started (pid %s)", slot, self.children[slot].pid)

    def _reap(self, slot: int) -> None:
        proc = self.children.pop(slot)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        _kill_group_of(_slot_dir(slot) / "unoserver.pid")

    def start(self) -> None:
        # A slot is a LibreOffice profile folder; the lock keeps two supervisors on one machine
        # (say `wenku serve` and an extra `wenku worker`) from sharing one.
        slot = self.first_slot
        while len(self.locks) < self.count:
            path = _slot_dir(slot).with_suffix(".lock")
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = path.open("w")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
            else:
                self.locks.append(handle)
                self._spawn(slot)
            slot += 1

    def ready(self) -> bool:
        return all((_slot_dir(slot) / "ready").exists() for slot in self.children)

    def check(self) -> None:
        """Restart dead children and kill the ones whose document overran its lease."""
        for slot, proc in list(self.children.items()):
            if proc.poll() is not None:
                log.warning("worker slot %s exited with %s; restarting", slot, proc.returncode)
                self._reap(slot)
                self._spawn(slot)
        close_old_connections()
        # Kill the children stuck past their lease first: the recovery below re-queues their
        # documents, after which nothing would point at the hung child any more.
        pids = {f":{proc.pid}:s{slot}": slot for slot, proc in self.children.items()}
        overdue = Document.objects.filter(
            status=Document.Status.CONVERTING, lease_expires_at__lt=timezone.now()
        ).values_list("lease_owner", flat=True)
        for owner in overdue:
            for marker, slot in pids.items():
                if owner.endswith(marker) and slot in self.children:
                    log.warning("worker slot %s overran its time limit; killing it", slot)
                    self._reap(slot)
                    self._spawn(slot)
        if time.monotonic() - self.last_recovery > 10:
            self.last_recovery = time.monotonic()
            recover_abandoned()
        close_old_connections()

    def stop(self, *_: object) -> None:
        self.running = False
        for proc in self.children.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for slot in list(self.children):
            proc = self.children[slot]
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            self._reap(slot)

    def run_forever(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        self.start()
        try:
            while self.running:
                time.sleep(1)
                if self.running:
                    self.check()
        finally:
            if self.children:
                self.stop()


def workers_running() -> bool:
    """Whether a supervisor on this machine holds a worker slot."""
    run = Path(settings.DATA_DIR) / "run"
    for path in run.glob("worker-*.lock"):
        with path.open("w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
    return False
