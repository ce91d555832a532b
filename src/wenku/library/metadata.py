"""What an uploader says about a document (title, tags, description, price): the rules an
upload and a later edit share, and the edit itself."""

from __future__ import annotations

import re
import unicodedata

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wenku.errors import Refusal

from .models import Document
from .signals import document_changed

MAX_TITLE = 200
MAX_DESCRIPTION = 5000
MAX_TAGS = 10
MAX_PRICE = 100_000


class MetadataError(Refusal):
    """A title, tag, description or price that is refused; `field` names it."""

    def __init__(self, message: str, *, field: str, code: str = "invalid", status: int = 400):
        super().__init__(message, code, status)
        self.field = field


def _printable(text: str) -> str:
    return "".join(ch for ch in (text or "") if unicodedata.category(ch)[0] != "C").strip()


def title_from(filename: str) -> str:
    return filename.rsplit(".", 1)[0] if "." in filename else filename


def clean_title(title: str, default: str = "") -> str:
    """`title` without control characters and runs of spaces; `default` if nothing is left."""
    title = re.sub(r"\s+", " ", _printable(title)) or re.sub(r"\s+", " ", _printable(default))
    if not title:
        raise MetadataError(_("请填写标题。"), field="title")
    if len(title) > MAX_TITLE:
        raise MetadataError(
            _("标题过长（%(length)s 字），最多 %(max)s 字。")
            % {"length": len(title), "max": MAX_TITLE},
            field="title",
        )
    return title


def clean_tags(tags: list[str] | str) -> list[str]:
    if isinstance(tags, str):
        tags = re.split(r"[,，;；\s]+", tags)
    out: list[str] = []
    for tag in tags:
        tag = _printable(tag)
        if not tag or tag in out:
            continue
        if len(tag) > 50:
            raise MetadataError(
                _("标签“%(tag)s…”过长，最多 50 字。") % {"tag": tag[:20]}, field="tags"
            )
        out.append(tag)
    if len(out) > MAX_TAGS:
        raise MetadataError(_("标签最多 %(max)s 个。") % {"max": MAX_TAGS}, field="tags")
    return out


def clean_description(description: str) -> str:
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise MetadataError(
            _("简介最多 %(max)s 字。") % {"max": MAX_DESCRIPTION}, field="description"
        )
    return description


def check_price(price: int) -> None:
    if price < 0 or price > MAX_PRICE:
        raise MetadataError(_("价格须在 0 到 100000 积分之间。"), field="price")


def edit_document(
    document: Document,
    *,
    by,
    title: str | None = None,
    description: str | None = None,
    price: int | None = None,
) -> Document:
    """Change what `by` (the uploader, or staff) may change of `document`; the page cache, the
    search index and the keywords follow (`document_changed`). Returns the document as saved."""
    if by is None or not (by.is_staff or by.pk == document.uploader_id):
        raise MetadataError(_("只能修改自己上传的文档。"), field="", code="forbidden", status=403)
    changes: dict[str, object] = {}
    if title is not None:
        changes["title"] = clean_title(title)
    if description is not None:
        changes["description"] = clean_description(description)
    if price is not None:
        check_price(price)
        changes["price"] = price
    with transaction.atomic():
        Document.objects.filter(pk=document.pk).update(**changes, updated_at=timezone.now())
        document = Document.objects.get(pk=document.pk)
        if changes and document.is_published:
            document_changed.send(sender=Document, document=document)
    return document
