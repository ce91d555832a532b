import json
import sys
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from wenku.conversion.ingest import Duplicate, IngestError, Metadata, ingest
from wenku.conversion.worker import Supervisor, workers_running
from wenku.library.models import Document


def _files(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
            )
        else:
            found.append(path)
    return found


class Command(BaseCommand):
    help = "导入文档到文库。Import documents: wenku import PATH... [--wait] [--json]"
    # The system checks (URLs, admin, models: ~0.1 s) guard the web site, not an import.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
        parser.add_argument("--category", help='category path, e.g. "父类/子类"')
        parser.add_argument("--user", help="uploader's username (default: the first superuser)")
        parser.add_argument("--title", help="title (default: the file name)")
        parser.add_argument("--description", default="")
        parser.add_argument("--tags", default="", help="comma-separated tags")
        parser.add_argument("--price", type=int, default=0)
        parser.add_argument("--wait", action="store_true", help="wait until converted")
        parser.add_argument("--timeout", type=float, default=1800, help="seconds to wait")
        parser.add_argument("--json", action="store_true", help="one JSON object per file")

    def handle(self, *args, **o):
        user = self._user(o["user"])
        files = _files(o["paths"])
        if o["title"] and len(files) > 1:
            raise CommandError("--title 只能用于单个文件。")
        results: list[dict] = []
        docs: dict[int, dict] = {}
        quiet = o["json"] or not sys.stderr.isatty()
        for path in tqdm(files, desc="上传", unit="个", disable=None if not quiet else True):
            # `review` is the document's `Document.Review` value (None when none was made), as
            # `status: ready` alone does not say whether moderation holds the document back.
            row = {
                "file": str(path),
                "id": None,
                "status": "rejected",
                "review": None,
                "pages": 0,
                "error": "",
            }
            results.append(row)
            if not path.is_file():
                row["error"] = "文件不存在或不是普通文件。"
                continue
            meta = Metadata(
                title=o["title"] or "",
                description=o["description"],
                tags=o["tags"],
                category=o["category"],
                price=o["price"],
            )
            try:
                document = ingest(path, path.name, user, meta)
            except Duplicate as exc:
                row.update(status="duplicate", error=exc.message)
                if exc.existing is not None:
                    row.update(id=exc.existing.number, pages=exc.existing.page_count)
                    row.update(review=exc.existing.review)
                continue
            except IngestError as exc:
                row["error"] = exc.message
                continue
            row.update(id=document.number, status=document.status, review=document.review)
            docs[document.pk] = row

        if o["wait"] and docs:
            self._wait(docs, o["timeout"], quiet)
        for row in results:
            if row["error"] and row["status"] in ("rejected", "failed"):
                self.stderr.write(f"{row['file']}: {row['error']}")
            if o["json"]:
                self.stdout.write(json.dumps(row, ensure_ascii=False))
            else:
                line = f"{row['status']:>10}  {row['file']}"
                if row["id"]:
                    line += f"  → 文档 {row['id']}（{row['pages']} 页）"
                held = _held(row)
                if held:
                    line += f"  {held}"
                if row["error"]:
                    line += f"  {row['error']}"
                self.stdout.write(line)
        if any(r["status"] in ("rejected", "failed") for r in results):
            sys.exit(1)

    def _user(self, name):
        User = get_user_model()
        if name:
            try:
                return User.objects.get(username=name)
            except User.DoesNotExist:
                raise CommandError(f"用户 {name} 不存在。") from None
        user = User.objects.filter(is_superuser=True).order_by("pk").first()
        if user is None:
            raise CommandError("没有管理员账户，请用 --user 指定上传人。")
        return user

    def _wait(self, docs: dict[int, dict], timeout: float, quiet: bool) -> None:

        supervisor = None
        if not workers_running():
            supervisor = Supervisor(min(len(docs), _default_workers()))
            supervisor.start()
        deadline = time.monotonic() + timeout
        pending = set(docs)
        bar = tqdm(total=len(docs), desc="转换", unit="个", disable=None if not quiet else True)
        try:
            while pending and time.monotonic() < deadline:
                for doc in Document.objects.filter(pk__in=pending):
                    if doc.status in (Document.Status.READY, Document.Status.FAILED):
                        docs[doc.pk].update(
                            status=doc.status,
                            pages=doc.page_count,
                            error=doc.error,
                            review=doc.review,
                        )
                        pending.discard(doc.pk)
                        bar.update(1)
                if pending:
                    if supervisor:
                        supervisor.check()
                    time.sleep(0.05)
        finally:
            bar.close()
            if supervisor:
                supervisor.stop()
        for pk in pending:
            docs[pk].update(status="failed", error="等待转换超时（文档仍在队列中）。")


def _held(row: dict) -> str:
    """Why a converted document is not public yet, in words; "" when nothing holds it."""
    review = row["review"]
    if row["status"] not in (Document.Status.READY, "duplicate") or not review:
        return ""
    if review in Document.Review.PASSED:
        return ""
    if review == Document.Review.PENDING:
        return "待审核，审核通过后公开"
    return f"{Document.Review(review).label}，未公开"


def _default_workers() -> int:
    return settings.WENKU.worker_count
