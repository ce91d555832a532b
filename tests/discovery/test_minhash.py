"""The signature itself: normalisation, the estimate, and the LSH bands."""

import itertools

import numpy as np

from tests.samples.near_duplicates import change_numbers, english_text, reflow, swap_synonyms
from wenku.discovery import minhash
from wenku.samples.text import chinese_paragraphs


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


# Scripts: CJK by character, every other script by word -----------------------------------------


def english(topic: str, seed: int, words: int = 5_000) -> str:
    return "\n".join(english_text(words, topic, seed=seed))


def scheme1_shingles(text: str) -> np.ndarray:
    """What every text was shingled into before: letters and letter pairs, whatever the script."""
    cps = np.array([ord(ch) for ch in minhash.normalize(text)], dtype=np.uint64)
    pairs = (np.uint64(1) << np.uint64(42)) | (cps[:-1] << np.uint64(21)) | cps[1:]
    return np.unique(np.concatenate([cps, pairs]))


def test_chinese_is_shingled_as_before():
    """Characters and character pairs of the letters: a pure Chinese text's set is unchanged,
    so Chinese copies are caught exactly as well as before."""
    for seed in range(20):
        text = "\n".join(chinese_paragraphs(6, seed=seed))
        if not any("a" <= ch <= "z" for ch in text.casefold()):  # X射线 has a Latin word now
            assert np.array_equal(minhash.shingles(text), scheme1_shingles(text))


def test_the_text_splits_into_cjk_characters_and_words_of_other_scripts():
    text = (
        "The county’s land-use plan (2023) was infor-\nmation 土地利用 GDP增长 Привет, МИР! "
        "ｗｉ\u00adｄｅ"  # fullwidth, with a soft hyphen
    )
    characters, words = minhash.tokens(text)
    assert characters == "土地利用增长"
    assert words == [
        "the", "county", "s", "land", "use", "plan", "was", "information", "gdp",
        "привет", "мир", "wide",
    ]  # fmt: skip
    assert minhash.tokens("かな・カナ 한국어 漢字")[0] == "かなカナ한국어漢字"


def test_unrelated_long_english_texts_are_far_apart():
    """Scheme 1 made any two long English texts ~0.8 alike (their letters and letter pairs are
    the same few hundred); words and word pairs tell them apart, even on one topic."""
    a, b, same_topic = english("astronomy", 1), english("law", 2), english("astronomy", 3)
    assert minhash.jaccard(scheme1_shingles(a), scheme1_shingles(b)) > 0.75  # the bug
    assert minhash.jaccard(minhash.shingles(a), minhash.shingles(b)) < 0.2
    assert minhash.jaccard(minhash.shingles(a), minhash.shingles(same_topic)) < 0.35


def test_an_english_copy_with_small_edits_stays_above_the_threshold():
    text = english("seafaring", 4, words=3_000)
    copy, swapped = swap_synonyms(text, 0.03, seed=4)
    assert swapped >= 0.029
    copy = reflow(change_numbers(copy, seed=4), width=52)
    assert copy.count("-\n") >= 5  # words cut at line ends
    assert minhash.jaccard(minhash.shingles(text), minhash.shingles(copy)) > 0.82
    # Reflowing and renumbering alone change nothing.
    unchanged = reflow(change_numbers(text, seed=5), width=37)
    assert np.array_equal(minhash.shingles(text), minhash.shingles(unchanged))


def test_min_shingles_means_a_sentence_in_either_script():
    for scrap in ("Page 1 of 5", "Annual Report 2023", "第 1 页", "2023年度工作报告"):
        assert minhash.shingles(scrap).size < minhash.MIN_SHINGLES
    sentence = "The county government approved the land-use plan after two rounds of review"
    assert minhash.shingles(sentence + " and a public hearing in the spring").size >= 30
    assert minhash.shingles("根据土地管理法有关规定，县人民政府批复了土地利用总体规划").size >= 30
