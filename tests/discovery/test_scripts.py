"""Near-duplicates beyond Chinese: English and mixed texts, and the move off scheme 1.

Scheme 1 shingled every script by letters and letter pairs, which made unrelated English texts
look ~0.84 alike: books and papers imported together were held as copies of each other.
"""

from __future__ import annotations

from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command

from tests.samples.near_duplicates import (
    change_numbers,
    change_years,
    english_text,
    reflow,
    swap_synonyms,
)
from wenku.discovery import minhash, services
from wenku.discovery.models import LshBand, NearDuplicate, Signature
from wenku.samples.text import chinese_paragraphs

pytestmark = pytest.mark.django_db


def pages_of(paragraphs: list[str], per_page: int = 4) -> list[str]:
    return ["\n".join(paragraphs[i : i + per_page]) for i in range(0, len(paragraphs), per_page)]


def scheme1_signature(text: str) -> np.ndarray:
    """The signature scheme 1 stored: letters and letter pairs, whatever the script."""
    cps = np.array([ord(ch) for ch in minhash.normalize(text)], dtype=np.uint64)
    pairs = (np.uint64(1) << np.uint64(42)) | (cps[:-1] << np.uint64(21)) | cps[1:]
    return minhash.signature(np.unique(np.concatenate([cps, pairs])))


def test_unrelated_english_books_and_papers_imported_together_are_not_near_duplicates(publish):
    """Six unrelated English texts, books and papers, two of them on the same topic."""
    texts = [
        ("A history of the harbour", "seafaring", 1, 20_000),
        ("Notes on the night sky", "astronomy", 2, 12_000),
        ("Leases and their breach", "law", 3, 4_000),
        ("The country kitchen", "cooking", 4, 8_000),
        ("Branch lines of the north", "railways", 5, 2_500),
        ("Ships and their crews", "seafaring", 6, 6_000),  # same topic as the first
    ]
    documents = [
        publish(title, pages_of(english_text(words, topic, seed=seed)))
        for title, topic, seed, words in texts
    ]
    assert all(Signature.objects.filter(document=d).exists() for d in documents)
    assert not NearDuplicate.objects.exists()
    assert all(list(services.near_duplicates_of(d)) == [] for d in documents)


def test_an_english_copy_with_small_edits_is_caught(publish):
    """Some words swapped for synonyms, the lines re-wrapped (words hyphenated at line ends),
    every number changed, and the copy's pages cut elsewhere."""
    paragraphs = english_text(4_000, "medicine", seed=11)
    paragraphs[0] = "In 2021, " + paragraphs[0][0].lower() + paragraphs[0][1:]
    original = publish("Clinical notes 2021", pages_of(paragraphs))
    text, swapped = swap_synonyms("\n".join(paragraphs), 0.03, seed=11)
    assert swapped >= 0.029
    text = reflow(change_numbers(change_years(text), seed=11), width=58)
    assert "2021" not in text and text.count("-\n") >= 5
    lines = text.split("\n")
    copy = publish(
        "Clinical notes 2022", ["\n".join(lines[i : i + 45]) for i in range(0, len(lines), 45)]
    )

    assert services.original_of(copy) == original
    assert 0.8 <= NearDuplicate.objects.get(document=copy).similarity < 1.0
    assert list(services.near_duplicates_of(original)) == [copy]


def test_a_mixed_chinese_and_english_copy_is_caught(publish):
    """A bilingual report: Chinese synonyms swapped, English words swapped, numbers changed,
    paragraphs reordered."""
    chinese = chinese_paragraphs(6, seed=12)
    english = english_text(900, "economics", seed=12)
    paragraphs = [p for pair in zip(chinese, english, strict=False) for p in pair]
    paragraphs += english[len(chinese) :]
    original = publish("2023年经济运行分析 Economic review", pages_of(paragraphs))

    zh, _ = swap_synonyms("\n".join(chinese), 0.10, seed=12)
    en, _ = swap_synonyms("\n".join(english), 0.03, seed=12)
    copied = zh.split("\n") + change_numbers(en, seed=12).split("\n")
    copied = [change_years(p) for p in copied[1:] + copied[:1]]
    copy = publish("经济运行分析 Economic review (revised)", pages_of(copied, per_page=3))

    assert services.original_of(copy) == original
    # Neither half alone would be the other document's copy: both scripts take part.
    chars, words = minhash.tokens("\n".join(paragraphs))
    assert len(chars) > 1_000 and len(words) > 800


def test_a_chinese_report_and_its_english_counterpart_are_not_copies(publish):
    """The same numbers and Latin terms, different languages: nothing in common to shingle."""
    publish("2024年工作报告", pages_of(chinese_paragraphs(12, seed=13)))
    other = publish("Work report 2024", pages_of(english_text(3_000, "economics", seed=13)))
    assert not services.is_near_duplicate(other)


def test_signatures_of_the_old_scheme_are_recomputed_by_the_reindex_command(publish):
    """A library signed with scheme 1 (as the migration marks every older signature): its
    signatures are not compared until `discovery_reindex` (run by `make setup`) recomputes
    them, which also clears the false matches scheme 1 recorded."""
    first = publish("On comets", pages_of(english_text(5_000, "astronomy", seed=21)))
    second = publish("On orchards", pages_of(english_text(5_000, "gardening", seed=22)))
    # Turn the library back into what scheme 1 left: its signatures, bands and false match.
    for document in (first, second):
        sig = scheme1_signature(services.document_text(document))
        Signature.objects.filter(document=document).update(values=minhash.to_bytes(sig), scheme=1)
        LshBand.objects.filter(document=document).delete()
        LshBand.objects.bulk_create(
            LshBand(document=document, band=band, hash=value)
            for band, value in enumerate(minhash.bands(sig))
        )
    old = {
        d.pk: minhash.from_bytes(Signature.objects.get(document=d).values) for d in (first, second)
    }
    assert minhash.similarity(old[first.pk], old[second.pk]) > 0.75  # what scheme 1 saw
    NearDuplicate.objects.create(document=second, original=first, similarity=0.84)

    # Outdated signatures take part in no lookup, neither as a candidate nor as the document's.
    assert services.find_matches(second) == []
    assert services.find_matches(first, old[second.pk]) == []

    out = StringIO()
    call_command("discovery_reindex", stdout=out)
    assert "2 documents processed, 0 near-duplicates recorded" in out.getvalue()
    assert set(Signature.objects.values_list("scheme", flat=True)) == {minhash.SCHEME}
    assert not services.is_near_duplicate(second)
    assert list(services.near_duplicates_of(first)) == []
    call_command("discovery_reindex", stdout=out)  # every signature is current now
    assert "0 documents processed" in out.getvalue()


def test_a_real_copy_signed_with_the_old_scheme_is_found_again_after_reindexing(publish):
    pages = pages_of(english_text(3_000, "railways", seed=31))
    first = publish("Timetables", pages)
    second = publish("Timetables (copy)", pages)
    assert services.original_of(second) == first
    Signature.objects.update(scheme=1)
    assert services.find_matches(second) == []
    call_command("discovery_reindex", stdout=StringIO())
    assert services.original_of(second) == first
    assert [m.document_id for m in services.find_matches(second)] == [first.pk]
