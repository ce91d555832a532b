"""Many matches: the page lists only true matches, every one exactly once across pages, and
the count says whether it is exact.

`search_rank_cap` is lowered to 2 so that a handful of documents takes the path a common word
takes in a large library. There, on PostgreSQL, a phrase's positions are checked only as far
as the page needs, so its count is an estimate (shown as "约"); SQLite's FTS5 keeps positions
in the index and always counts exactly.
"""

import pytest
from django.db import connection

from wenku.search.backends import get_backend
from wenku.search.index import Filters, search
from wenku.search.query import parse

from .conftest import ids


@pytest.fixture
def capped(wenku_config):
    wenku_config(search_rank_cap=2)


@pytest.fixture
def near_misses(make_doc):
    """Four documents with the phrase 铌靶材; three with its two bigrams 铌靶 and 靶材 apart
    (candidates by their tokens, not matches), created in between."""
    phrase, apart = [], []
    for i in range(4):
        phrase.append(make_doc(f"报告{i}", [f"第{i}批铌靶材料的检测"]))
        if i < 3:
            apart.append(make_doc(f"说明{i}", ["铌靶已经入库，", "另有靶材若干"]))
    return {d.pk for d in phrase}, {d.pk for d in apart}


def _all_pages(query: str, **kw) -> tuple[list[int], list]:
    listed, results = [], []
    for page in range(1, 8):
        found = search(query, per_page=2, page=page, **kw)
        results.append(found)
        listed += [h.document.pk for h in found.hits]
        if not found.has_next:
            break
    return listed, results


@pytest.mark.django_db
def test_a_phrase_lists_only_its_matches_each_once(capped, near_misses):
    phrase, apart = near_misses
    listed, results = _all_pages("铌靶材")
    assert sorted(listed) == sorted(phrase)
    assert not set(listed) & apart
    last = results[-1]
    assert last.total_exact and last.total == 4  # the last page has seen every candidate
    first = results[0]
    if connection.vendor == "postgresql":
        # 7 candidates, 2 checked for the first page: an estimate, never below what it saw
        # nor above the candidates.
        assert not first.total_exact and 2 <= first.total <= 7
    else:
        assert first.total_exact and first.total == 4
    assert get_backend().matching(parse("铌靶材")) == phrase  # the exact set, both databases


@pytest.mark.django_db
def test_an_excluded_phrase_is_checked_too(capped, near_misses):
    phrase, apart = near_misses
    listed, _ = _all_pages("靶材 -铌靶材")
    assert sorted(listed) == sorted(apart)


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["latest", "downloads"])
def test_other_orders_check_phrases_the_same_way(capped, near_misses, sort):
    phrase, _ = near_misses
    listed, _ = _all_pages("铌靶材", sort=sort)
    assert sorted(listed) == sorted(phrase)
    listed, _ = _all_pages("铌靶材", sort=sort, filters=Filters(pages_min=1))
    assert sorted(listed) == sorted(phrase)


@pytest.mark.django_db
def test_without_a_phrase_the_count_stays_exact(capped, near_misses):
    phrase, apart = near_misses
    found = search("靶材")
    assert found.total_exact and found.total == 7
    assert ids(found) == phrase | apart


@pytest.mark.django_db
def test_a_few_candidates_are_counted_exactly(near_misses):
    phrase, _ = near_misses
    found = search("铌靶材")
    assert found.total_exact and found.total == 4 and ids(found) == phrase


@pytest.mark.django_db
def test_an_estimated_count_offers_only_pages_that_hold_results():
    from wenku.search.index import ESTIMATED_PAGES, SearchResults

    results = SearchResults(query=parse("x"), total=10_000, total_exact=False, per_page=20)
    assert results.pages == ESTIMATED_PAGES
    results.total_exact = True
    assert results.pages == 500


@pytest.mark.django_db
def test_sorts_order_a_few_matches(make_doc):
    from wenku.library.models import Document

    low = make_doc("钽靶一", ["钽靶材料"])
    high = make_doc("钽靶二", ["钽靶材料"])
    mid = make_doc("钽靶三", ["钽靶材料"])
    for doc, count in ((low, 1), (high, 9), (mid, 5)):
        Document.objects.filter(pk=doc.pk).update(download_count=count)
    by_downloads = [h.document.pk for h in search("钽靶材", sort="downloads").hits]
    assert by_downloads == [high.pk, mid.pk, low.pk]
    latest = [h.document.pk for h in search("钽靶材", sort="latest").hits]
    assert latest == [mid.pk, high.pk, low.pk]
    found = search("钽靶材")
    assert found.total_exact and found.total == 3
