"""Near-duplicate uploads: what is caught, what is not, and what is kept in the database."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.samples.near_duplicates import change_years, swap_synonyms
from wenku.discovery import minhash, services
from wenku.discovery.models import LshBand, NearDuplicate, Signature
from wenku.library.models import Document
from wenku.samples.text import chinese_paragraphs

pytestmark = pytest.mark.django_db


def report(seed: int, paragraphs: int = 12, year: int = 2023) -> list[str]:
    """A report as pages of generated text, with a year in its first sentence."""
    body = chinese_paragraphs(paragraphs, seed=seed)
    body[0] = f"{year}年，" + body[0]
    return ["".join(body[i : i + 3]) for i in range(0, len(body), 3)]


def test_a_synonym_swapped_copy_with_another_year_is_caught(publish):
    original = publish("2023年土地利用工作总结", report(seed=1))
    text, swapped = swap_synonyms("\n".join(report(seed=1)), 0.10, seed=7)
    assert swapped >= 0.099
    copy_pages = change_years(text).split("\n")
    assert copy_pages[0].startswith("2024年")
    copy = publish("2024年土地利用工作总结", copy_pages)

    assert services.is_near_duplicate(copy)
    assert services.original_of(copy) == original
    match = NearDuplicate.objects.get(document=copy)
    assert 0.8 <= match.similarity < 1.0
    assert not services.is_near_duplicate(original)
    assert list(services.near_duplicates_of(original)) == [copy]
    assert list(services.near_duplicates_of(copy)) == [original]


def test_the_reference_pages_swaps_are_caught(publish):
    """发展->开展, 基础->根底, 服务->效劳, 项目->工程, 多次->屡次 throughout, as on the seed."""
    pages = report(seed=2)
    original = publish("2022年项目建设情况汇报", pages)
    swaps = {"发展": "开展", "基础": "根底", "服务": "效劳", "项目": "工程", "多次": "屡次"}
    copied = []
    for page in pages:
        for old, new in swaps.items():
            page = page.replace(old, new)
        copied.append(change_years(page))
    assert copied != pages
    copy = publish("2023年工程修建情况汇报", copied)
    assert services.original_of(copy) == original


def test_an_unrelated_document_on_the_same_topics_is_not_flagged(publish):
    publish("土地利用总体规划实施情况", report(seed=3))
    other = publish("土地征收补偿方案审查意见", report(seed=4))
    assert not services.is_near_duplicate(other)
    assert list(services.near_duplicates_of(other)) == []


def test_documents_sharing_a_template_and_a_long_boilerplate_paragraph_are_not_flagged(publish):
    """Same headings, same closing boilerplate (more than half of each text), different bodies."""
    boilerplate = "".join(chinese_paragraphs(3, seed=999))  # ~700 characters
    headings = ["一、基本情况", "二、主要做法", "三、存在问题", "四、下一步工作打算"]

    def from_template(seed: int) -> list[str]:
        body = chinese_paragraphs(2, seed=seed) + ["按照上级部署抓好落实。", "确保按期完成。"]
        text = "关于2024年度工作情况的报告\n" + "\n".join(
            f"{h}\n{p}" for h, p in zip(headings, body, strict=True)
        )
        return [text, boilerplate + "\n特此报告。"]

    first, second = from_template(11), from_template(12)
    a, b = (minhash.shingles("".join(p)) for p in (first, second))
    assert len(boilerplate) > 0.5 * len("".join(first))
    assert minhash.jaccard(a, b) > 0.4  # they do share a lot ...
    publish("某局2024年度工作情况的报告", first)
    doc = publish("某中心2024年度工作情况的报告", second)
    assert not services.is_near_duplicate(doc)  # ... but are not copies of each other


def test_a_document_is_never_its_own_duplicate(publish):
    doc = publish("重点项目建设年度工作方案", report(seed=5))
    services.on_published(doc)  # published again: its own bands are in the table
    assert Signature.objects.filter(document=doc).exists()
    assert not services.is_near_duplicate(doc)
    assert doc not in services.near_duplicates_of(doc)
    assert services.find_matches(doc) == []


def test_only_ready_documents_are_compared(publish):
    pages = report(seed=6)
    queued = publish("排队中的文档", pages, status=Document.Status.QUEUED)
    first = publish("第一份", pages)
    assert not services.is_near_duplicate(first)
    # A ready document that is later withdrawn stops being an original.
    services.on_unpublished(first)
    Document.objects.filter(pk=first.pk).update(status=Document.Status.FAILED)
    second = publish("第二份", pages)
    assert not services.is_near_duplicate(second)
    assert queued.pk not in {m.document_id for m in services.find_matches(second)}


def test_a_document_no_longer_ready_is_not_an_original_even_with_its_signature(publish):
    pages = report(seed=7)
    first = publish("第一份", pages)
    Document.objects.filter(pk=first.pk).update(status=Document.Status.FAILED)
    assert Signature.objects.filter(document=first).exists()
    second = publish("第二份", pages)
    assert not services.is_near_duplicate(second)
    assert first not in services.near_duplicates_of(second)


def test_the_earliest_published_match_is_the_original(publish):
    pages = report(seed=8)
    first = publish("最早的版本", pages)
    second = publish("第二个上传的版本", pages)
    text, _ = swap_synonyms("\n".join(pages), 0.05, seed=1)
    third = publish("第三个上传的版本", text.split("\n"))
    assert services.original_of(second) == first
    assert services.original_of(third) == first
    assert set(services.near_duplicates_of(first)) == {second, third}


def test_republishing_an_original_does_not_make_it_a_copy_of_its_copy(publish):
    pages = report(seed=9)
    original = publish("原创", pages)
    copy = publish("复制", pages)
    assert services.original_of(copy) == original
    services.on_published(original)
    assert not services.is_near_duplicate(original)


def test_the_threshold_is_a_setting(publish, site_settings):
    pages = report(seed=10)
    publish("原文", pages)
    text, _ = swap_synonyms("\n".join(pages), 0.10, seed=3)
    site_settings.duplicate_threshold = 0.99
    site_settings.save()
    assert not services.is_near_duplicate(publish("改写稿", text.split("\n")))


def test_deleting_the_original_removes_its_rows_and_the_match(publish):
    pages = report(seed=12)
    original = publish("原文", pages)
    copy = publish("副本", pages)
    assert LshBand.objects.filter(document=original).count() == minhash.BANDS
    original.delete()
    assert not Signature.objects.filter(document_id=original.pk).exists()
    assert not LshBand.objects.filter(document_id=original.pk).exists()
    assert not services.is_near_duplicate(copy)
    assert services.find_matches(copy) == []


def test_unpublishing_removes_the_signature(publish):
    from wenku.library.signals import document_unpublished

    doc = publish("将被撤下的文档", report(seed=13))
    document_unpublished.send(sender=Document, document=doc)
    assert not Signature.objects.filter(document=doc).exists()
    assert not LshBand.objects.filter(document=doc).exists()
    assert services.keywords_for(doc) == []


def test_a_document_with_almost_no_text_gets_no_signature(publish):
    doc = publish("扫描件", ["", "  第 1 页  "])
    assert not Signature.objects.filter(document=doc).exists()
    assert not services.is_near_duplicate(publish("另一份扫描件", ["", "  第 1 页  "]))


def test_a_library_published_before_discovery_is_indexed_by_the_reindex_command(publish):
    from io import StringIO

    from django.core.management import call_command

    pages = report(seed=14)
    first = publish("早已发布", pages, status=Document.Status.QUEUED)
    second = publish("也早已发布", pages, status=Document.Status.QUEUED)
    for n, doc in enumerate((first, second)):  # published without discovery listening
        Document.objects.filter(pk=doc.pk).update(
            status=Document.Status.READY,
            converted_at=doc.created_at - dt.timedelta(days=2000 - 365 * n),
        )
    out = StringIO()
    call_command("discovery_reindex", stdout=out)
    assert "2 documents processed, 1 near-duplicates recorded" in out.getvalue()
    assert services.original_of(second) == first
    assert services.keywords_for(first)
    call_command("discovery_reindex", stdout=out)  # nothing left to do
    assert "0 documents processed" in out.getvalue()
