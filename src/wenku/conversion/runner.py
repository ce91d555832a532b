"""Converting one Document: claim it, build its pages, publish or fail it, and recover the lost.

The Document row is the truth about a conversion. A worker claims a queued document with a
conditional UPDATE (so two workers never convert the same one, on SQLite or PostgreSQL), holds a
lease it renews at every step, and publishes pages, PDF and status in one transaction. A document
whose worker died or overran its lease is re-queued (or failed, after the last attempt) by
`recover_abandoned`, which every worker runs at start and then periodically.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import socket
import tempfile
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import suppress
from pathlib import Path

import pypdfium2 as pdfium
from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wenku.library import publication
from wenku.library.models import Document, Page
from wenku.notices.services import Kind, notify, site_language
from wenku.storage import save_new

from . import ocr
from .detect import detect
from .errors import ConversionError
from .office import OfficeConverter, office_timeout
from .pdf import extract_pages
from .pipeline import to_pdf

log = logging.getLogger("wenku.conversion")


def node_name() -> str:
    """This node's name in leases (`WENKU_NODE_NAME`, else the host name): a lease whose owner
    names this node is checked against this node's processes; another node's lease is only
    taken over once it has expired."""
    return settings.WENKU.node_name or socket.gethostname()


WORKER_ID = f"{node_name()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
_converter: OfficeConverter | None = None


def set_worker_identity(worker_id: str, converter: OfficeConverter | None) -> None:
    global WORKER_ID, _converter
    WORKER_ID, _converter = worker_id, converter


def converter() -> OfficeConverter:
    global _converter
    if _converter is None:
        workdir = Path(settings.DATA_DIR) / "run" / f"office-{os.getpid()}"
        _converter = OfficeConverter(workdir)
    return _converter


@task(queue_name="conversion")
def convert_document(document_id: int) -> dict:
    """The background task `wenku worker` runs (through django.tasks) for each queued document."""
    return run_conversion(document_id)


def enqueue(document: Document, *, delay: float = 0) -> None:
    """Queue the conversion of `document` (call inside the transaction that queued it)."""
    task = convert_document
    if delay:
        task = task.using(run_after=timezone.now() + dt.timedelta(seconds=delay))
    result = task.enqueue(document.pk)
    Document.objects.filter(pk=document.pk).update(task_id=str(result.id))


def _extend_lease(document: Document, seconds: float, **fields: object) -> None:
    Document.objects.filter(pk=document.pk, lease_owner=WORKER_ID).update(
        lease_expires_at=timezone.now()
        + dt.timedelta(seconds=seconds + settings.WENKU.lease_seconds),
        updated_at=timezone.now(),
        **fields,
    )


def claim(document_id: int) -> Document | None:
    now = timezone.now()
    claimed = Document.objects.filter(pk=document_id, status=Document.Status.QUEUED).update(
        status=Document.Status.CONVERTING,
        attempts=F("attempts") + 1,
        lease_owner=WORKER_ID,
        lease_expires_at=now + dt.timedelta(seconds=settings.WENKU.lease_seconds),
        progress=1,
        stage="准备中",
        updated_at=now,
    )
    return Document.objects.get(pk=document_id) if claimed else None


def run_conversion(document_id: int) -> dict:
    # Messages stored on the document are written in the site's language, whatever a request
    # served earlier in this thread had activated.
    with translation.override(settings.LANGUAGE_CODE):
        return _run_conversion(document_id)


def _run_conversion(document_id: int) -> dict:
    document = claim(document_id)
    if document is None:
        return {"document": document_id, "skipped": "not queued"}
    workdir = Path(tempfile.mkdtemp(prefix=f"doc-{document.pk}-", dir=settings.DATA_DIR / "tmp"))
    started = time.monotonic()
    try:
        _convert(document, workdir)
    except ConversionError as exc:
        if exc.detail:
            log.warning("document %s: %s (%s)", document.pk, exc.message, exc.detail)
        _fail(document, exc)
    except pdfium.PdfiumError as exc:  # the file: pdfium gives the same answer every time
        log.warning("document %s: pdfium: %s", document.pk, exc)
        _fail(document, ConversionError(pdf_unreadable_message(), detail=f"pdfium: {exc}"))
    except Exception as exc:  # noqa: BLE001 - a bug must not leave the document converting
        log.exception("conversion of document %s crashed", document.pk)
        message = _("转换时发生内部错误，稍后将自动重试。")
        _fail(document, ConversionError(message, permanent=False, detail=repr(exc)[:500]))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    document.refresh_from_db()
    log.info(
        "document %s %s in %.2fs (%s pages)",
        document.pk,
        document.status,
        time.monotonic() - started,
        document.page_count,
    )
    return {"document": document.pk, "status": document.status, "pages": document.page_count}


def _local_original(document: Document, workdir: Path) -> Path:
    """A path on this machine to read the original from, for the converters.

    No stored object is assumed to have a local path: a folder storage gives its own path, any
    other (S3) is streamed into `workdir`, this attempt's temporary folder, which
    `_run_conversion` removes whatever happens; what the worker makes goes back through
    `default_storage.save`."""
    try:
        return Path(default_storage.path(document.original.name))
    except NotImplementedError:  # object storage: bring the file here
        local = workdir / Path(document.original.name).name
        with default_storage.open(document.original.name) as src, local.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1024 * 1024)
        return local


def _convert(document: Document, workdir: Path) -> None:
    source = _local_original(document, workdir)
    detected = detect(source, document.original_filename)
    size = source.stat().st_size
    if detected.format != "pdf":
        _extend_lease(document, office_timeout(size), stage="转换为 PDF", progress=5)
    pdf_path = to_pdf(source, detected, workdir, converter(), title=document.title)

    _extend_lease(document, settings.WENKU.render_timeout_per_page, stage="生成预览", progress=40)
    image_dir = f"pages/{document.pk}"
    pages: list[Page] = []
    last_update = time.monotonic()

    def previewable(count: int) -> int:
        document.page_count = count
        return min(count, document.effective_preview_limit())

    skipped: list[int] = []
    repaired: list[bool] = []
    pdf_name = document.original.name
    with _Writes() as writes:
        try:
            if pdf_path != source:
                # The PDF goes up while pdfium renders the pages.
                pdf_write = writes.save_file(
                    f"pdfs/{document.pk}-{uuid.uuid4().hex[:8]}.pdf", pdf_path
                )
            images: list[tuple[Page, Future[str]]] = []
            for result in extract_pages(
                pdf_path, previewable=previewable, skipped=skipped, repaired=repaired
            ):
                page = Page(
                    document=document,
                    number=result.number,
                    text=result.text,
                    width_pt=result.width_pt,
                    height_pt=result.height_pt,
                )
                if result.image is not None:
                    name = f"{image_dir}/{uuid.uuid4().hex[:12]}-{result.number}.webp"
                    images.append((page, writes.save(name, result.image)))
                    page.image_width, page.image_height = result.image_width, result.image_height
                    page.image_bytes = len(result.image)
                pages.append(page)
                if time.monotonic() - last_update > 0.5:
                    last_update = time.monotonic()
                    progress = 40 + int(55 * result.number / max(document.page_count, 1))
                    _extend_lease(
                        document, settings.WENKU.render_timeout_per_page, progress=progress
                    )
            ocr_late = _recognise(document, pdf_path, pages)
            for page, write in images:
                page.image = write.result()
            if pdf_path != source:
                pdf_name = pdf_write.result()
        except BaseException:
            # This attempt's files would be orphans: nothing refers to them until publication.
            _delete_files(writes.stored())
            raise
    notices = []
    if repaired:
        blank = sum(1 for page in pages if not page.text.strip())
        notices.append(
            _("PDF 文件不完整（可能未下载完整），已自动修复；%(blank)s 页没有可显示的内容。")
            % {"blank": blank}
            if blank
            else _("PDF 文件不完整（可能未下载完整），已自动修复。")
        )
    if skipped:
        shown = "、".join(str(n) for n in skipped[:10]) + ("…" if len(skipped) > 10 else "")
        notices.append(_("原文件第 %(pages)s 页已损坏，无法显示，已略过。") % {"pages": shown})
    notices.append(ocr.timeout_notice(ocr_late))
    notice = "".join(notices)
    _publish(document, pages, pdf_name, notice=notice)


def _recognise(document: Document, pdf_path: Path, pages: list[Page]) -> list[int]:
    """The stage 识别文字 (site setting): the text of pages without a usable text layer, while
    their images are being stored; returns the pages that overran the time limit."""
    if not ocr.enabled():
        return []

    def progress(done: int, total: int) -> None:
        seconds = settings.WENKU.ocr_timeout_per_page
        _extend_lease(document, seconds, stage="识别文字", progress=100 * done // total)

    return ocr.recognise_pages(pdf_path, pages, on_progress=progress)


class _Writes:
    """The files of one conversion, written in the background while pdfium renders the next
    page: on object storage each write waits for a round trip (a PUT), which would otherwise
    add up page after page. `stored()` waits for every write and names those that landed."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="wenku-store")
        self._writes: list[Future[str]] = []

    def __enter__(self) -> _Writes:
        return self

    def __exit__(self, *exc) -> None:
        self._pool.shutdown(wait=True)

    def save(self, name: str, data: bytes) -> Future[str]:
        return self._submit(lambda: save_new(default_storage, name, ContentFile(data)))

    def save_file(self, name: str, path: Path) -> Future[str]:
        def write() -> str:
            with path.open("rb") as f:
                return save_new(default_storage, name, File(f))

        return self._submit(write)

    def _submit(self, write) -> Future[str]:
        future = self._pool.submit(write)
        self._writes.append(future)
        return future

    def stored(self) -> list[str]:
        wait(self._writes)
        return [f.result() for f in self._writes if f.exception() is None]


def _delete_files(names: list[str]) -> None:
    for name in names:
        with suppress(OSError):
            default_storage.delete(name)


def _unpublished_files(document: Document, keep: set[str]) -> list[str]:
    """Files in the document's page folder that no Page row refers to (a dead attempt's)."""
    folder = f"pages/{document.pk}"
    try:
        names = [f"{folder}/{n}" for n in default_storage.listdir(folder)[1]]
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [n for n in names if n not in keep]


@transaction.atomic
def _publish(document: Document, pages: list[Page], pdf_name: str, *, notice: str = "") -> None:
    """Replace the document's pages and PDF with this attempt's, and mark it ready; the files
    of whichever side loses (the previous conversion's, or this attempt's when another worker
    recovered the document meanwhile) are deleted once the transaction has committed."""
    owned = (
        Document.objects.select_for_update()
        .filter(pk=document.pk, lease_owner=WORKER_ID, status=Document.Status.CONVERTING)
        .exists()
    )
    new_files = [p.image.name for p in pages if p.image]
    if pdf_name != document.original.name:
        new_files.append(pdf_name)
    if not owned:  # recovered by someone else meanwhile: their attempt wins
        transaction.on_commit(lambda: _delete_files(new_files))
        return
    old_files = list(
        Page.objects.filter(document=document).exclude(image="").values_list("image", flat=True)
    )
    old_pdf = Document.objects.filter(pk=document.pk).values_list("pdf", flat=True).first()
    if old_pdf and old_pdf not in (pdf_name, document.original.name):
        old_files.append(old_pdf)
    transaction.on_commit(lambda: _delete_files([n for n in old_files if n not in new_files]))
    Page.objects.filter(document=document).delete()
    Page.objects.bulk_create(pages, batch_size=500)
    previewable = sum(1 for p in pages if p.image)
    Document.objects.filter(pk=document.pk).update(
        status=Document.Status.READY,
        page_count=len(pages),
        preview_page_count=previewable,
        pdf=pdf_name,
        progress=100,
        stage="",
        error=notice,
        error_detail="",
        lease_owner="",
        lease_expires_at=None,
        converted_at=timezone.now(),
        updated_at=timezone.now(),
    )
    document.refresh_from_db()
    published = publication.converted(document)
    with site_language():
        if published:
            _tell_uploader(document, Kind.CONVERTED, _("《%(title)s》已转换完成并发布"))
        elif document.review == Document.Review.PENDING:
            _tell_uploader(document, Kind.HELD, _("《%(title)s》已转换完成，正在等待审核"))


def _tell_uploader(document: Document, kind: str, message: str, **params: str) -> None:
    """Notify the uploader, inside the transaction that changed the document's state."""
    text = message % {"title": document.title, **params}
    notify(document.uploader, kind, text, url=document.get_absolute_url(), document=document)


def pdf_unreadable_message() -> str:
    return _("PDF 文件已损坏：页面内容无法读取。请重新导出 PDF 后上传。")


def _fail(document: Document, exc: ConversionError) -> None:
    document.refresh_from_db()
    _give_up_or_retry(
        document, exc.message, permanent=exc.permanent, owner=WORKER_ID, detail=exc.detail
    )


@transaction.atomic
def _give_up_or_retry(
    document: Document, message: str, *, permanent: bool, owner: str, detail: str = ""
) -> None:
    mine = Document.objects.filter(
        pk=document.pk, status=Document.Status.CONVERTING, lease_owner=owner
    )
    common = {
        "lease_owner": "",
        "lease_expires_at": None,
        "stage": "",
        "error_detail": detail,
        "updated_at": timezone.now(),
    }
    attempts = document.attempts
    if permanent or attempts >= settings.WENKU.max_attempts:
        suffix = _("（已尝试 %(n)s 次）") % {"n": attempts} if attempts > 1 else ""
        if mine.update(status=Document.Status.FAILED, error=message + suffix, progress=0, **common):
            with site_language():
                failed = _("《%(title)s》转换失败：%(error)s")
                _tell_uploader(document, Kind.FAILED, failed, error=message + suffix)
        return
    delay = settings.WENKU.retry_backoff * 2 ** (attempts - 1)
    updated = mine.update(
        status=Document.Status.QUEUED,
        error=_("第 %(n)s 次转换失败：%(message)s 将在 %(delay).0f 秒后自动重试。")
        % {"n": attempts, "message": message, "delay": delay},
        progress=0,
        **common,
    )
    if updated:
        enqueue(document, delay=delay)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner_dead(owner: str) -> bool:
    host, _sep, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    return host == node_name() and pid.isdigit() and not _pid_alive(int(pid))


def recover_abandoned() -> int:
    """Re-queue (or fail, after the last attempt) documents whose worker is gone or overdue."""
    now = timezone.now()
    candidates = Document.objects.filter(status=Document.Status.CONVERTING).filter(
        Q(lease_expires_at__lt=now) | Q(lease_owner__startswith=f"{node_name()}:")
    )
    recovered = 0
    for document in candidates:
        overdue = document.lease_expires_at is not None and document.lease_expires_at < now
        if not overdue and not _owner_dead(document.lease_owner):
            continue
        _mark_task_lost(document)
        kept = set(
            Page.objects.filter(document=document).exclude(image="").values_list("image", flat=True)
        )
        _delete_files(_unpublished_files(document, kept))
        _give_up_or_retry(
            document,
            _("转换进程意外中断或超时"),
            permanent=False,
            owner=document.lease_owner,
        )
        recovered += 1
        log.warning("recovered document %s from %s", document.pk, document.lease_owner)
    return recovered


def _mark_task_lost(document: Document) -> None:
    from django_tasks_db.models import DBTaskResult

    if document.task_id:
        DBTaskResult.objects.filter(id=document.task_id, status="RUNNING").update(
            status="FAILED", finished_at=timezone.now()
        )


@transaction.atomic
def reconvert(document: Document) -> bool:
    """Queue `document` for a fresh conversion with all attempts restored (a moderator's retry).

    A document being converted right now is left alone; returns whether it was queued."""
    updated = (
        Document.objects.filter(pk=document.pk)
        .exclude(status=Document.Status.CONVERTING)
        .update(
            status=Document.Status.QUEUED,
            attempts=0,
            error="",
            progress=0,
            stage="",
            updated_at=timezone.now(),
        )
    )
    if updated:
        enqueue(document)
    return bool(updated)
