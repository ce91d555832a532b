"""Small factories: users with points and published documents, built straight into the database.

Conversion has its own tests with the real LibreOffice; tests of what readers do with a published
document start from a published document.
"""

from __future__ import annotations

import hashlib
import itertools

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from wenku.accounts import points
from wenku.library.models import Document, Page, Tag

_counter = itertools.count(1)


def give_points(user, amount: int) -> None:
    points.post(user, amount, points.Reason.ADJUST, key=f"test-grant:{next(_counter)}")


def verified(*users) -> None:
    """Mark the users' e-mail verified: a new account tips only once verified (or old enough)."""
    for user in users:
        type(user).objects.filter(pk=user.pk).update(email_verified=True)
        user.email_verified = True


def published_document(
    *,
    uploader,
    title: str = "测试文档",
    price: int = 0,
    pages: int = 3,
    preview: int | None = None,
    filename: str = "测试文档.docx",
    fmt: str = "docx",
    body: bytes | None = None,
    visibility: str = Document.Visibility.PUBLIC,
    category=None,
    tags: list[str] = (),
    text=None,
    description: str = "",
) -> Document:
    n = next(_counter)
    body = body or f"原文件内容 {n} {title}".encode()
    sha = hashlib.sha256(body + str(n).encode()).hexdigest()
    original = default_storage.save(f"originals/{sha[:2]}/{sha}.{fmt}", ContentFile(body))
    pdf = default_storage.save(f"pdf/{sha[:2]}/{sha}.pdf", ContentFile(b"%PDF-1.4 test " + body))
    document = Document.objects.create(
        title=title,
        uploader=uploader,
        original_filename=filename,
        format=fmt,
        size=len(body),
        sha256=sha,
        original=original,
        pdf=pdf,
        price=price,
        visibility=visibility,
        status=Document.Status.READY,
        page_count=pages,
        preview_page_count=pages if preview is None else preview,
        category=category,
        description=description,
    )
    for name in tags:
        document.tags.add(Tag.objects.get_or_create(name=name)[0])
    shown = document.preview_page_count
    image = _tiny_webp() if shown else b""
    Page.objects.bulk_create(
        Page(
            document=document,
            number=i,
            text=text(i) if text else f"{title} 第{i}页的文字",
            image=default_storage.save(f"pages/{sha[:2]}/{sha}/{i}.webp", ContentFile(image))
            if i <= shown
            else "",
            image_width=90 if i <= shown else 0,
            image_height=127 if i <= shown else 0,
        )
        for i in range(1, pages + 1)
    )
    return document


def _tiny_webp() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("L", (90, 127), 255).save(out, "WEBP")
    return out.getvalue()
