"""The index follows the library: publish, edit, unpublish, delete; only public documents."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from wenku.library.models import Category, Document
from wenku.library.signals import document_changed, document_published, document_unpublished
from wenku.search.backends import get_backend
from wenku.search.index import Filters, search, search_in_document
from wenku.search.query import parse

from .conftest import ids


def _found(query, **kw):
    return ids(search(query, per_page=100, **kw))


@pytest.mark.django_db
def test_published_changed_unpublished_and_deleted_documents(make_doc):
    doc = make_doc("溅射靶材报告", ["高纯钼靶的制备"], index=False)
    assert _found("钼靶") == set()
    document_published.send(sender=Document, document=doc)
    assert _found("钼靶") == {doc.pk}

    doc.title = "新材料研究"
    doc.save()
    document_changed.send(sender=Document, document=doc)
    assert _found("新材料") == {doc.pk}
    assert _found("溅射靶材") == set()  # the old title is gone from the index

    document_unpublished.send(sender=Document, document=doc)
    assert _found("钼靶") == set()

    document_published.send(sender=Document, document=doc)
    doc.delete()
    assert get_backend().matching(parse("钼靶")) == set()


@pytest.mark.django_db
def test_only_public_ready_documents_appear_in_site_search(make_doc):
    public = make_doc("公开", ["铟锡氧化物"])
    unlisted = make_doc("链接", ["铟锡氧化物"], visibility=Document.Visibility.UNLISTED)
    private = make_doc("私有", ["铟锡氧化物"], visibility=Document.Visibility.PRIVATE)
    failed = make_doc("失败", ["铟锡氧化物"], status=Document.Status.FAILED)
    assert _found("铟锡") == {public.pk}
    # Unlisted documents are indexed (search inside them works), just never listed.
    assert [n for n, _ in search_in_document(unlisted, "铟锡")] == [1]
    assert search_in_document(failed, "铟锡") == []
    assert private.pk not in _found("铟锡")


@pytest.mark.django_db
def test_search_in_document_lists_the_pages_with_the_term(make_doc):
    doc = make_doc("t", ["第一页没有", "土地利用规划", "无关内容", "土地征收 <b>补偿</b>"])
    hits = search_in_document(doc, "土地")
    assert [n for n, _ in hits] == [2, 4]
    assert "<mark>土地</mark>征收 &lt;b&gt;补偿&lt;/b&gt;" in hits[1][1]
    assert [n for n, _ in search_in_document(doc, "土地 -征收")] == [2]


@pytest.mark.django_db
def test_title_and_tags_rank_above_body_text(make_doc):
    body = make_doc("普通文档", ["这里提到钼靶一次"])
    titled = make_doc("钼靶制备工艺", ["正文"])
    tagged = make_doc("另一篇", ["正文"], tags=["钼靶"])
    order = [h.document.pk for h in search("钼靶").hits]
    assert order.index(titled.pk) < order.index(body.pk)
    assert order.index(tagged.pk) < order.index(body.pk)


@pytest.mark.django_db
def test_filters_and_sorting(make_doc):
    land = Category.from_path("政务/土地")
    gov = land.parent
    old = make_doc("甲", ["钨靶"], category=land, format="pdf", price=5)
    Document.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=60))
    new = make_doc("乙", ["钨靶", "二", "三"], category=gov, format="docx")
    assert _found("钨靶", filters=Filters(category=gov.pk)) == {old.pk, new.pk}
    assert _found("钨靶", filters=Filters(category=land.pk)) == {old.pk}
    assert _found("钨靶", filters=Filters(format="pdf")) == {old.pk}
    assert _found("钨靶", filters=Filters(pages_min=2)) == {new.pk}
    assert _found("钨靶", filters=Filters(pages_max=1)) == {old.pk}
    assert _found("钨靶", filters=Filters(price="paid")) == {old.pk}
    assert _found("钨靶", filters=Filters(price="free")) == {new.pk}
    since = timezone.now() - dt.timedelta(days=7)
    assert _found("钨靶", filters=Filters(since=since)) == {new.pk}
    latest = search("钨靶", sort="latest").hits
    assert [h.document.pk for h in latest] == [new.pk, old.pk]


@pytest.mark.django_db
def test_pagination_counts_every_match(make_doc):
    docs = [make_doc(f"文档{i}", ["锆靶材料"]) for i in range(7)]
    first = search("锆靶", per_page=3, page=1)
    third = search("锆靶", per_page=3, page=3)
    beyond = search("锆靶", per_page=3, page=9)
    assert first.total == third.total == beyond.total == 7
    assert first.pages == 3 and len(third.hits) == 1 and beyond.hits == []
    seen = set()
    for page in (1, 2, 3):
        seen |= ids(search("锆靶", per_page=3, page=page))
    assert seen == {d.pk for d in docs}


@pytest.mark.django_db
def test_reindex_command_rebuilds_the_index(make_doc, capsys):
    doc = make_doc("钛靶", ["钛靶材"], index=False)
    assert _found("钛靶") == set()
    call_command("reindex")
    assert _found("钛靶") == {doc.pk}
    assert "indexed 1 documents" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize("cap", [2, 500])
def test_every_match_is_listed_once_when_ranking_is_capped(make_doc, wenku_config, cap):
    """Above `search_rank_cap` matches, title/metadata hits come first, then the others newest
    first: every page together still lists each match exactly once."""
    wenku_config(search_rank_cap=cap)
    body = [make_doc(f"文档{i}", ["铌靶材料"]) for i in range(5)]
    titled = make_doc("铌靶手册", ["正文"])
    private = make_doc("铌靶", ["铌靶"], visibility=Document.Visibility.PRIVATE)
    pages = [search("铌靶", per_page=2, page=p) for p in (1, 2, 3, 4)]
    assert all(r.total == 6 for r in pages)
    listed = [h.document.pk for r in pages for h in r.hits]
    assert sorted(listed) == sorted([d.pk for d in body] + [titled.pk])
    assert listed[0] == titled.pk
    assert private.pk not in listed
    assert _found("铌靶 -手册") == {d.pk for d in body}


def test_reindex_missing_adds_only_what_the_index_lacks(user):
    from django.core.management import call_command

    from tests.factories import published_document
    from wenku.search.backends import get_backend
    from wenku.search.index import index_document

    indexed = published_document(uploader=user, title="已索引")
    index_document(indexed)
    lacking = published_document(uploader=user, title="未索引")
    assert not get_backend().is_indexed(lacking.pk)
    call_command("reindex", "--missing")
    assert get_backend().is_indexed(lacking.pk) and get_backend().is_indexed(indexed.pk)
