"""A DOCX re-saved as PDF and uploaded again is the same document to the detector."""

import pytest

from wenku.conversion.ingest import Metadata, ingest
from wenku.discovery import services
from wenku.library.models import Document
from wenku.samples.office import make_docx
from wenku.samples.text import chinese_paragraphs

pytestmark = [pytest.mark.django_db, pytest.mark.office]


def test_a_docx_resaved_as_pdf_is_caught(user, office, run_queue, tmp_docs):
    docx = make_docx(
        tmp_docs / "2023年土地整理项目实施方案.docx",
        title="2023年土地整理项目实施方案",
        paragraphs=chinese_paragraphs(9, seed=21),
        pages=3,
    )
    original = ingest(docx, docx.name, user, Metadata(title="2023年土地整理项目实施方案"))
    run_queue()
    # The copier opens the DOCX and saves it as PDF (LibreOffice here, as Word would).
    pdf = office.convert(docx, tmp_docs / "方案.pdf", timeout=120)
    copy = ingest(pdf, "土地整理项目实施方案.pdf", user, Metadata(title="土地整理项目实施方案"))
    run_queue()

    original.refresh_from_db()
    copy.refresh_from_db()
    assert original.status == copy.status == Document.Status.READY
    assert (original.format, copy.format) == ("docx", "pdf")
    assert not services.is_near_duplicate(original)
    assert services.is_near_duplicate(copy)
    assert services.original_of(copy) == original
    assert "土地" in services.keywords_for(copy)
