"""Documents with pages made directly in the database (no conversion), then indexed."""

from __future__ import annotations

import hashlib
import itertools

import pytest

_counter = itertools.count()


@pytest.fixture
def make_doc(user):
    from wenku.library.models import Document, Page, Tag
    from wenku.search.index import index_document

    def make(
        title: str = "文档",
        pages: list[str] | None = None,
        *,
        index: bool = True,
        tags: list[str] | None = None,
        **fields,
    ) -> Document:
        n = next(_counter)
        fields.setdefault("status", Document.Status.READY)
        pages = pages if pages is not None else []
        doc = Document.objects.create(
            title=title,
            uploader=user,
            original_filename=f"{n}.docx",
            format=fields.pop("format", "docx"),
            size=1,
            sha256=hashlib.sha256(f"search-test-{n}".encode()).hexdigest(),
            original=f"t/{n}.docx",
            page_count=len(pages),
            **fields,
        )
        Page.objects.bulk_create(
            [Page(document=doc, number=i, text=t) for i, t in enumerate(pages, 1)]
        )
        for name in tags or []:
            doc.tags.add(Tag.objects.get_or_create(name=name)[0])
        if index:
            index_document(doc)
        return doc

    return make


def ids(results) -> set[int]:
    return {h.document.pk for h in results.hits}
