"""Every planted phrase finds exactly the documents it was planted in: no misses, no false hits.

A deterministic corpus of report-style Chinese documents gets planted phrases of 1, 2, 3 and
4 Chinese characters, English words and mixed Chinese/English phrases, each in a few chosen
documents, on a random page, in the title or in the description. Decoys sit in other documents:
the phrase cut by punctuation (`AB，CD`), its halves on different pages, a prefix of it. The
truth is a substring search over the folded text of each field and page.
"""

from __future__ import annotations

import random

import pytest

from wenku.samples.text import chinese_paragraphs
from wenku.search.backends import get_backend
from wenku.search.index import search
from wenku.search.query import parse
from wenku.search.tokenize import fold

from .conftest import ids

SEED = 20240505
N_DOCS = 40


def _absent_phrases(rng: random.Random, base: str, length: int, count: int) -> list[str]:
    """Random phrases of Han characters that occur nowhere in the base corpus."""
    present = set(base)
    chars = [chr(c) for c in range(0x4E00, 0x9FA6) if chr(c) not in present]
    out: list[str] = []
    while len(out) < count:
        phrase = "".join(rng.choice(chars) for _ in range(length))
        if phrase not in out:
            out.append(phrase)
    return out


@pytest.fixture
def corpus(make_doc):
    rng = random.Random(SEED)
    paragraphs = chinese_paragraphs(160, seed=SEED)
    base = "".join(paragraphs)
    planted: dict[str, set[int]] = {}
    docs_text: dict[int, list[str]] = {}
    specs = []  # (phrase, how many documents)
    for length in (1, 2, 3, 4):
        specs += [(p, rng.randint(1, 4)) for p in _absent_phrases(rng, base, length, 4)]
    specs += [(w, rng.randint(1, 3)) for w in ("zirconia", "Molybdenum", "sinterability")]
    mixed = _absent_phrases(rng, base, 2, 3)
    specs += [(f"Qx{i}{m}", 2) for i, m in enumerate(mixed)]  # e.g. "Qx0靶坯"
    # The documents, before planting: 3-5 pages of 2 paragraphs.
    layout = []
    for _ in range(N_DOCS):
        pages = ["\n".join(rng.sample(paragraphs, 2)) for _ in range(rng.randint(3, 5))]
        layout.append({"title": rng.choice(paragraphs)[:20], "description": "", "pages": pages})
    for phrase, count in specs:
        for i in rng.sample(range(N_DOCS), count):
            where = rng.choice(["page", "page", "page", "title", "description"])
            doc = layout[i]
            if where == "page":
                p = rng.randrange(len(doc["pages"]))
                text = doc["pages"][p]
                cut = rng.randrange(len(text))
                doc["pages"][p] = text[:cut] + phrase + text[cut:]
            else:
                doc[where] += phrase
        # Decoys in other documents: cut by punctuation, split over two pages, a prefix.
        if len(phrase) >= 2:
            i = rng.randrange(N_DOCS)
            half = len(phrase) // 2
            decoy = layout[i]
            decoy["pages"][0] += f"{phrase[:half]}，{phrase[half:]}"
            decoy["pages"][1] = phrase[half:] + decoy["pages"][1]
            decoy["pages"][0] += phrase[:half]
            if len(phrase) > 2:
                layout[rng.randrange(N_DOCS)]["pages"][-1] += "。" + phrase[:-1] + "。"
    for doc in layout:
        d = make_doc(doc["title"], doc["pages"], description=doc["description"])
        docs_text[d.pk] = [fold(x) for x in (doc["title"], doc["description"], *doc["pages"])]
    for phrase, _ in specs:
        planted[phrase] = {
            pk for pk, texts in docs_text.items() if any(fold(phrase) in t for t in texts)
        }
    return planted, docs_text


def _found(query: str) -> set[int]:
    return ids(search(query, per_page=100))


@pytest.mark.django_db
def test_every_planted_phrase_finds_exactly_its_documents(corpus):
    planted, _ = corpus
    lengths = {len(p) for p in planted}
    assert {1, 2, 3, 4} <= lengths
    for phrase, expected in planted.items():
        assert expected, phrase
        results = search(phrase, per_page=100)
        assert ids(results) == expected, phrase
        assert results.total == len(expected), phrase
        assert get_backend().matching(parse(phrase)) == expected, phrase


@pytest.mark.django_db
def test_case_and_width_do_not_matter_for_planted_words(corpus):
    planted, _ = corpus
    assert _found("MOLYBDENUM") == planted["Molybdenum"]
    assert _found("ｚｉｒｃｏｎｉａ") == planted["zirconia"]


@pytest.mark.django_db
def test_several_terms_must_all_occur_anywhere_in_the_document(corpus):
    planted, docs_text = corpus
    words = [p for p in planted if len(p) == 2 and "\u4e00" <= p[0] <= "\u9fff"]
    for a, b in zip(words, words[1:], strict=False):
        a, b = fold(a), fold(b)
        expected = {
            pk
            for pk, texts in docs_text.items()
            if any(a in t for t in texts) and any(b in t for t in texts)
        }
        assert _found(f"{a} {b}") == expected


@pytest.mark.django_db
def test_excluded_terms_remove_documents(corpus):
    planted, docs_text = corpus
    common = "土地"
    with_common = {pk for pk, texts in docs_text.items() if any(common in t for t in texts)}
    assert with_common
    for phrase in [p for p in planted if len(p) == 3][:3]:
        assert _found(f"{common} -{phrase}") == with_common - planted[phrase]
        assert _found(f'{common} -"{phrase}"') == with_common - planted[phrase]


@pytest.mark.django_db
def test_a_quoted_phrase_matches_its_words_in_order(make_doc):
    hit = make_doc("a", ["High purity sputtering targets for thin films."])
    make_doc("b", ["Targets of sputtering are listed here."])
    also = make_doc("c", ["sputtering; targets"])  # punctuation between words does not matter
    make_doc("d", ["sputtering and targets"])
    assert _found('"sputtering target"') == {hit.pk, also.pk}
    assert _found("sputtering target") == _found("target sputter")  # unquoted: any order


@pytest.mark.django_db
def test_a_phrase_does_not_match_across_punctuation_or_pages(make_doc):
    cut = make_doc("a", ["用地审批、土地，批复文件"])
    split = make_doc("b", ["申请土地", "批复文件"])
    whole = make_doc("c", ["关于土地批复的说明"])
    assert _found("土地批复") == {whole.pk}
    assert _found("土地 批复") == {cut.pk, split.pk, whole.pk}


@pytest.mark.django_db
def test_traditional_and_simplified_find_each_other(make_doc):
    trad = make_doc("臺灣發展報告", ["國土規劃與發展"])
    simp = make_doc("台湾发展报告", ["国土规划与发展"])
    assert _found("发展报告") == {trad.pk, simp.pk}
    assert _found("國土規劃") == {trad.pk, simp.pk}


@pytest.mark.django_db
def test_pages_and_snippets_of_folded_text_are_found_and_marked(make_doc):
    """Which pages hold a term and where it is marked are decided on folded text too: a page in
    traditional characters, or with a compatibility character that NFKC turns into the term
    ("㍻" -> 平成), is a hit page, and the marked passage is the original characters."""
    doc = make_doc(
        "资料汇编",
        ["第一页没有", "國土規劃與發展", "㍻元年的记录", "国土规划"],
    )
    (hit,) = search("国土规划").hits
    assert hit.pages == [2, 4] and hit.snippet_page == 2
    assert "<mark>國土規劃</mark>" in hit.snippet
    (hit,) = search("平成").hits
    assert hit.pages == [3] and "<mark>㍻</mark>" in hit.snippet
    (hit,) = search("记录 發展").hits
    assert hit.pages == [2, 3]
    assert hit.document.pk == doc.pk
