"""The one way a file enters the library, behind the web form, the API and `wenku import`.

Checks come first and store nothing: name, size, content (by its bytes, not its extension),
safety (zip bombs, XXE, passwords). Then the original is stored once per SHA-256 and the document
and its conversion task are created in one transaction, so there is never a document without a
queued conversion, nor a task for a document that does not exist.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DatabaseError, IntegrityError, transaction
from django.utils.translation import gettext as _

from wenku.accounts.bans import active_ban, ban_message
from wenku.accounts.services import address_key, take
from wenku.errors import Refusal
from wenku.library import metadata
from wenku.library.models import Category, Document, Tag
from wenku.site.models import SiteSettings

from .detect import detect
from .errors import RejectedFile
from .runner import enqueue


class IngestError(Refusal):
    """The upload was refused; `message` says why in words a user understands, `field` which
    form field it concerns."""

    STATUSES = {"too_large": 413, "banned": 403, "rate_limited": 429, "duplicate": 409}

    def __init__(self, message: str, *, code: str = "invalid", field: str = "file") -> None:
        super().__init__(message, code, self.STATUSES.get(code, 400))
        self.field = field


class Duplicate(IngestError):
    """The same bytes are already in the library.

    The existing document is named (`existing`, its number and title in the message) only to
    someone who may see it: when it is public, their own, or they are staff. Anyone else learns
    only that the file is taken — never the title of someone's private or pending document."""

    def __init__(self, existing: Document, uploader) -> None:
        shown = (
            existing.uploader_id == getattr(uploader, "pk", None)
            or getattr(uploader, "is_staff", False)
            or Document.objects.public().filter(pk=existing.pk).exists()
        )
        if shown:
            message = _("该文件已在文库中：文档 %(number)s《%(title)s》。") % {
                "number": existing.number,
                "title": existing.title,
            }
        else:
            message = _("该文件已由其他用户上传，不能重复上传。")
        super().__init__(message, code="duplicate")
        self.existing = existing if shown else None


@dataclass
class Metadata:
    title: str = ""
    description: str = ""
    tags: list[str] = field(default_factory=list)
    category: Category | str | None = None
    price: int = 0
    preview_limit: int | None = None
    visibility: str = Document.Visibility.PUBLIC


def clean_filename(name: str) -> str:
    """The file's own name without any folder, control characters or reserved characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r'[<>:"|?*]', "_", name).strip().lstrip(".").strip()
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:190] + dot + ext[:9]) if dot else name[:200]
    return name or "未命名"


def upload_limit_mb() -> int:
    """The largest upload in MB: the site setting if the operator set one, else the install's."""
    return SiteSettings.current().upload_limit_mb()


def _too_large(limit_mb: int) -> IngestError:
    return IngestError(_("文件过大，上限为 %(mb)s MB。") % {"mb": limit_mb}, code="too_large")


def _spool(source: BinaryIO | Path, tmpdir: Path) -> tuple[Path, str, int, bool]:
    """A local path for the upload, its SHA-256 and size; the bool says we made a copy."""
    digest = hashlib.sha256()
    limit_mb = upload_limit_mb()
    if isinstance(source, Path):
        if source.stat().st_size > limit_mb * 1024 * 1024:
            raise _too_large(limit_mb)
        with source.open("rb") as f:
            for chunk in iter(lambda: f.read(1024 * 1024), b""):
                digest.update(chunk)
        return source, digest.hexdigest(), source.stat().st_size, False
    fd, name = tempfile.mkstemp(dir=tmpdir, prefix="upload-")
    size = 0
    with os.fdopen(fd, "wb") as out:
        for chunk in iter(lambda: source.read(1024 * 1024), b""):
            size += len(chunk)
            if size > limit_mb * 1024 * 1024:
                out.close()
                Path(name).unlink(missing_ok=True)
                raise _too_large(limit_mb)
            digest.update(chunk)
            out.write(chunk)
    return Path(name), digest.hexdigest(), size, True


def ingest(
    source: BinaryIO | Path,
    filename: str,
    uploader,
    meta: Metadata | None = None,
    *,
    ip: str | None = None,
) -> Document:
    """Check, store and queue one file. Raises IngestError (or Duplicate) and stores nothing.

    `ip` is the client's address for uploads through the web and the API: uploads are limited
    per uploader and per address (`WENKU_UPLOADS_PER_HOUR`); staff and the CLI are not."""
    meta = meta or Metadata()
    ban = active_ban(uploader, "upload")
    if ban is not None:
        raise IngestError(ban_message(ban), code="banned")
    _count_upload(uploader, ip)
    filename = clean_filename(filename)
    try:
        title = metadata.clean_title(meta.title, default=metadata.title_from(filename))
        tags = metadata.clean_tags(meta.tags)
        meta = replace(meta, description=metadata.clean_description(meta.description))
        metadata.check_price(meta.price)
    except metadata.MetadataError as exc:
        raise IngestError(exc.message, field=exc.field) from None
    if meta.preview_limit is not None and meta.preview_limit < 0:
        raise IngestError(_("预览页数不能为负数。"), field="preview_limit")
    category = meta.category
    if isinstance(category, str):
        category = _existing_category(category, uploader)

    tmpdir = Path(settings.DATA_DIR) / "tmp"
    path, sha256, size, copied = _spool(source, tmpdir)
    try:
        try:
            detected = detect(path, filename)
        except RejectedFile as exc:
            raise IngestError(exc.message, code=exc.code) from exc
        allowed = SiteSettings.current().allowed_format_list
        if allowed and detected.format not in allowed:
            names = "、".join(f.upper() for f in allowed)
            raise IngestError(
                _("本站不接受 %(format)s 格式的文档，可上传的格式：%(allowed)s。")
                % {"format": detected.format.upper(), "allowed": names},
                code="format_not_allowed",
            )
        existing = Document.objects.filter(sha256=sha256).first()
        if existing is not None:
            raise Duplicate(existing, uploader)
        name = f"originals/{sha256[:2]}/{sha256}.{detected.format}"
        stored_now = False
        if not default_storage.exists(name):
            with path.open("rb") as f:
                stored = default_storage.save(name, File(f))
            if stored != name:  # another upload of the same bytes stored it meanwhile
                default_storage.delete(stored)
            else:
                stored_now = True
        try:
            return _create(
                meta, title, tags, category, uploader, filename, detected, size, sha256, name
            )
        except Duplicate:
            raise  # the other upload's document owns the stored file
        except BaseException:
            if stored_now:
                _forget_original(name)
            raise
    finally:
        if copied:
            path.unlink(missing_ok=True)


def _count_upload(uploader, ip: str | None) -> None:
    """Refuse an upload past the hourly limit of its uploader or its address (every attempt
    counts, refused ones too: sending garbage is what the limit is for)."""
    limit = settings.WENKU.uploads_per_hour
    if not limit or getattr(uploader, "is_staff", False):
        return
    keys = [("upload", f"user:{uploader.pk}")]
    if address_key(ip):
        keys.append(("upload-ip", address_key(ip)))
    for action, key in keys:
        event, wait = take(action, key, limit, dt.timedelta(hours=1))
        if event is None:
            raise IngestError(
                _("上传过于频繁：每小时最多上传 %(n)s 个文件，请 %(m)s 分钟后再试。")
                % {"n": limit, "m": max(1, math.ceil(wait.total_seconds() / 60))},
                code="rate_limited",
            )


def _forget_original(name: str) -> None:
    """Delete a just-stored original that no document came to refer to (the database was locked
    or the connection lost): it would be an orphan."""
    try:
        in_use = Document.objects.filter(original=name).exists()
    except DatabaseError:
        return  # cannot tell now; `wenku storage check` finds it if it is an orphan
    if not in_use:
        default_storage.delete(name)


def _existing_category(path: str, uploader) -> Category | str:
    """The category named by `path`; a path that does not exist yet is returned as is for staff
    (created with the document, once the file has passed every check) and refused for others,
    so that nobody but staff adds categories to the site."""
    try:
        found = Category.find_path(path)
    except ValueError as exc:
        raise IngestError(str(exc), field="category") from exc
    if found is not None:
        return found
    if getattr(uploader, "is_staff", False):
        return path
    raise IngestError(
        _("分类“%(path)s”不存在，请从已有分类中选择。") % {"path": path[:100]}, field="category"
    )


def _create(
    meta, title, tags, category, uploader, filename, detected, size, sha256, name
) -> Document:
    try:
        with transaction.atomic():
            if isinstance(category, str):  # a new category, asked for by staff
                category = Category.from_path(category)
            document = Document.objects.create(
                title=title,
                description=meta.description,
                category=category,
                uploader=uploader,
                original_filename=filename,
                format=detected.format,
                text_encoding=detected.text_encoding or "",
                size=size,
                sha256=sha256,
                original=name,
                price=meta.price,
                preview_limit=meta.preview_limit,
                visibility=meta.visibility,
            )
            if tags:
                document.tags.set([Tag.objects.get_or_create(name=t)[0] for t in tags])
            enqueue(document)
    except IntegrityError:
        existing = Document.objects.filter(sha256=sha256).first()
        if existing is None:
            raise
        raise Duplicate(existing, uploader) from None
    return document
