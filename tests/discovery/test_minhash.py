"""The signature itself: normalisation, the estimate, and the LSH bands."""

import itertools

import numpy as np

from wenku.discovery import minhash
from wenku.discovery.samples import swap_synonyms
from wenku.samples.documents import chinese_paragraphs


def test_layout_whitespace_punctuation_and_digits_do_not_matter():
    text = "2023年，土地利用总体规划（第一版）已批复。"
    reflowed = "2024 年\n土地利用 总体规划 第一版\n已批复 ．  - 1 / 5 -"
    expected = "年土地利用总体规划第一版已批复"
    assert minhash.normalize(text) == minhash.normalize(reflowed) == expected
    assert minhash.normalize("ＡＢＣ abc") == "abcabc"  # NFKC and case folded


def test_the_estimate_follows_the_exact_jaccard():
    docs = ["".join(chinese_paragraphs(8, seed=s)) for s in range(12)]
    shingles = [minhash.shingles(d) for d in docs]
    sigs = [minhash.signature(s) for s in shingles]
    errors = [
        minhash.similarity(sigs[i], sigs[j]) - minhash.jaccard(shingles[i], shingles[j])
        for i, j in itertools.combinations(range(12), 2)
    ]
    assert abs(np.mean(errors)) < 0.01  # unbiased
    assert np.max(np.abs(errors)) < 0.08  # 3.5 standard deviations at 512 permutations
    assert minhash.similarity(sigs[0], minhash.signature(shingles[0])) == 1.0


def test_ten_percent_synonym_swaps_stay_above_the_threshold_and_strangers_far_below():
    for seed in range(5):
        text = "".join(chinese_paragraphs(12, seed=seed))
        copy, _ = swap_synonyms(text, 0.10, seed=seed)
        assert minhash.jaccard(minhash.shingles(text), minhash.shingles(copy)) > 0.82
    a, b = (minhash.shingles("".join(chinese_paragraphs(12, seed=s))) for s in (100, 101))
    assert minhash.jaccard(a, b) < 0.6


def test_bands_are_signed_64_bit_and_stable():
    sig = minhash.signature(minhash.shingles("土地利用总体规划已经批复" * 3))
    bands = minhash.bands(sig)
    assert len(bands) == minhash.BANDS
    assert all(-(2**63) <= b < 2**63 for b in bands)
    assert bands == minhash.bands(minhash.from_bytes(minhash.to_bytes(sig)))
