"""MinHash signatures of a document's text and their LSH bands.

Pure functions, no database: `tokens` -> `shingles` -> `signature` -> `bands`, and
`similarity` to estimate the Jaccard similarity of two signatures.

Choices (measured, see bench/dedupe.py and the discovery tests):

- Normalisation: NFKC, case-folded, and only letters count: whitespace, punctuation, digits and
  symbols are dropped (between words they only separate them), so re-flowed text (a PDF's line
  breaks, words hyphenated at a line's end, "第 1 页" spacing), a rewritten year or renumbered
  figures change nothing.
- Shingles per script (SCHEME 2). The text is read as two streams (`tokens`): the characters
  of the scripts written without spaces between words (CJK: Han, kana, Hangul) and the words
  of every other script (Latin, Cyrillic, Greek, ...); each stream runs on across line breaks,
  numbers and the other stream's text. Each gives its units and its pairs of consecutive units,
  and a mixed-language document gets both in one set. Scheme 1 shingled every script by
  characters: any two long English texts share nearly all of the ~26 letters and ~600 letter
  pairs, so unrelated English texts scored around 0.79, up to 0.94, and were held as copies of
  each other.
- CJK: every character bigram plus every single character, as exact integer ids (no hash
  collisions); a pure Chinese text's set is exactly its scheme-1 set. Bigrams keep the order
  of the text; the single characters make the set tolerant of word-for-word synonym swaps,
  which destroy the bigrams around every swapped word (three per two-character word) but
  almost never a character the rest of the text no longer contains. On generated reports, 10%
  of the words swapped for synonyms left bigram-only Jaccard at 0.81-0.82 (k=3: 0.72, k=5:
  0.60), right on the 0.8 threshold; bigrams plus characters give 0.84-0.85, while unrelated
  documents on the same topics stay at or below 0.50 and documents sharing a template and a
  boilerplate paragraph that is 60% of their text at or below 0.70.
- Words: every word plus every pair of consecutive words (64-bit blake2b hashes, tagged apart
  from the CJK ids). Chosen on bench/dedupe.py's tuning corpus (`--compare-schemes`: English
  prose generated on twelve topics, sections of Python's documentation, English copies of four
  kinds) by exact Jaccard, unrelated pairs max / median, and the lowest copy of the worst kind:
  letters + letter pairs (scheme 1) 0.94 / 0.79, copies 0.96; words 0.94 / 0.38, copies 0.78;
  word pairs 0.29 / 0.05, copies 0.80; word triples 0.24 / 0.01, copies 0.70; words + pairs
  0.32 / 0.11, copies 0.83; words + pairs + triples 0.28 / 0.06, copies 0.76. Words + pairs
  keep every kind of copy highest above 0.8 (pairs and triples lose more to shuffled
  paragraphs and swapped words, words alone cannot tell two texts on one topic apart), and
  unrelated texts far below it: the 0.32 is two documentation sections that share passages.
  English has less margin than Chinese, as word pairs are most of an English text's distinct
  shingles and a swapped word replaces two of them: 3% of the words swapped for synonyms left
  copies of generated prose at 0.86-0.88 (lowest-median), 5% at 0.79-0.81, so a spin of 5%
  or more of an English text's words is not caught at the 0.8 threshold (Chinese: 0.84 at 10%).
- NUM_PERM = 500 permutations (32-bit values, 2 KB per document): the estimate's standard
  deviation at J=0.85 is 0.016 (0.032 with 128), which keeps copies at 0.83-0.85 above 0.8.
- LSH: 55 bands x 9 rows, and a candidate must share at least 2 of them. A pair at J=0.8 is
  a candidate with probability 0.997, at J=0.6 0.11, at J=0.5 0.005. One shared band out of
  50 x 10 gave the same 0.997 at 0.8 but 0.26 at 0.6 and 0.05 at 0.5: on 20,000 generated
  reports (unrelated ones around J=0.45, same-template ones 0.6-0.7) that meant 222 candidates
  per lookup on average and 854 at p95, and a lookup p95 of 48 ms. Candidates are then
  checked against their full signatures.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np

# The shingle scheme, stored with each signature: signatures of different schemes estimate the
# Jaccard of different sets and are never compared. 1: letters and letter pairs, every script.
# 2: CJK characters and character pairs, other scripts' words and word pairs.
SCHEME = 2
NUM_PERM = 500
BANDS = 55
ROWS = 9
# A candidate must share at least this many bands (see the module's docstring).
MIN_BAND_HITS = 2
assert BANDS * ROWS <= NUM_PERM

# A signature is worth storing only when the text has this many distinct shingles (about 15 CJK
# characters, or a sentence of 16 words): below that, a title page or a scanned document's
# stray letters would "match" anything with the same few characters or words.
MIN_SHINGLES = 30

_rng = np.random.default_rng(0x57454E4B55)  # fixed: signatures must agree across processes
_SEEDS = _rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_CHUNK = 4096  # shingles per block, so a 300-page document does not need a 300 MB matrix


# Scripts written without spaces between words, shingled by character: Han (with the
# compatibility and supplementary planes, and marks such as 々), kana, bopomofo and Hangul.
# Everything else that is a letter is shingled by word.
_CHARACTER_SCRIPTS = (
    "\u1100-\u11ff"  # Hangul jamo
    "\u3005\u3006\u3031-\u3035\u303b\u303c"  # 々 〆 〱-〵 〻 〼
    "\u3040-\u30ff\u31f0-\u31ff"  # kana
    "\u3100-\u312f\u31a0-\u31bf"  # bopomofo
    "\u3130-\u318f\ua960-\ua97f\uac00-\ud7ff"  # Hangul
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"  # Han
)
# Letters only, as `normalize` keeps them: not the kana blocks' sound marks, double hyphen or
# middle dot (・).
_CHARACTER = re.compile(f"(?![\\u3099-\\u309c\\u30a0\\u30fb])[{_CHARACTER_SCRIPTS}]")
_WORD = re.compile(r"[^\W\d_]+")  # a run of letters: digits, "_" and the rest separate words
# A word cut at a line's end ("infor-\nmation") is one word; a soft hyphen is invisible.
_LINE_END_HYPHEN = re.compile(r"(?<=[^\W\d_])-[ \t]*\n\s*(?=[^\W\d_])")
_SOFT_HYPHEN = re.compile(r"\u00ad[ \t]*\n?[ \t]*")
_WORD_TAG = np.uint64(1 << 63)  # set on every word shingle; character shingles are < 2**43
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def normalize(text: str) -> str:
    """NFKC, case-folded, letters only (no whitespace, punctuation, digits or symbols)."""
    return "".join(ch for ch in _fold(text) if ch.isalpha())


def tokens(text: str) -> tuple[str, list[str]]:
    """The text as its two streams: the characters of the character scripts (CJK) in order,
    and the words of every other script (Latin, Cyrillic, Greek, ...) in order.

    Both after NFKC and case folding; digits, punctuation, symbols and whitespace are dropped,
    so each stream runs on across line breaks, numbers and the other script's text. A pure
    Chinese text's characters are exactly `normalize(text)`: its shingles did not change.
    """
    folded = _SOFT_HYPHEN.sub("", _fold(text))
    folded = _LINE_END_HYPHEN.sub("", folded)
    characters = "".join(_CHARACTER.findall(folded))
    return characters, _WORD.findall(_CHARACTER.sub(" ", folded))


def _word_hashes(words: list[str]) -> np.ndarray:
    """A 64-bit hash per word (blake2b, the same in every process), each distinct word once."""
    table: dict[str, int] = {}
    for word in words:
        if word not in table:
            digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
            table[word] = int.from_bytes(digest, "little")
    return np.fromiter((table[w] for w in words), dtype=np.uint64, count=len(words))


def shingles(text: str) -> np.ndarray:
    """Distinct shingle ids (uint64) of `text`: for the CJK characters, each character and each
    pair of consecutive characters; for the words, each word and each pair of consecutive
    words (see the module's docstring)."""
    characters, words = tokens(text)
    parts = []
    if characters:
        cps = np.frombuffer(characters.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        # Code points fit in 21 bits: a bigram is (1 << 42 | a << 21 | b), a character itself.
        parts += [cps, (np.uint64(1) << np.uint64(42)) | (cps[:-1] << np.uint64(21)) | cps[1:]]
    if words:
        hashes = _word_hashes(words)
        with np.errstate(over="ignore"):
            pairs = _mix(hashes[:-1] * _GOLDEN + hashes[1:])
        parts += [hashes | _WORD_TAG, pairs | _WORD_TAG]
    if not parts:
        return np.empty(0, dtype=np.uint64)
    return np.unique(np.concatenate(parts))


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a bijection that spreads structured ids over 64 bits."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * np.uint64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> np.uint64(27))
        x = x * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def signature(ids: np.ndarray) -> np.ndarray:
    """The MinHash signature (NUM_PERM uint32 values) of a set of shingle ids.

    Permutation j is h_j(x) = mix(mix(x) + SEED_j) mod 2^64, keeping the high 32 bits. (An
    affine family, (A_j * x + B_j) mod 2^64, was measured biased: +0.02 on the Jaccard of
    unrelated documents.)
    """
    if ids.size == 0:
        raise ValueError("no shingles")
    result = np.full(NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    mixed = _mix(ids.astype(np.uint64, copy=False))
    with np.errstate(over="ignore"):
        for start in range(0, mixed.size, _CHUNK):
            block = mixed[start : start + _CHUNK]
            hashed = _mix(block[None, :] + _SEEDS[:, None])
            np.minimum(result, hashed.min(axis=1), out=result)
    return (result >> np.uint64(32)).astype(np.uint32)


def to_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<u4")


def bands(sig: np.ndarray) -> list[int]:
    """One signed 64-bit hash per band (BANDS of ROWS values each), for the LSH table."""
    raw = to_bytes(sig)
    width = ROWS * 4
    return [
        int.from_bytes(
            hashlib.blake2b(raw[i * width : (i + 1) * width], digest_size=8).digest(),
            "little",
            signed=True,
        )
        for i in range(BANDS)
    ]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two shingle sets behind signatures `a` and `b`."""
    return float(np.count_nonzero(a == b)) / len(a)


def similarities(sig: np.ndarray, others: np.ndarray) -> np.ndarray:
    """`similarity(sig, row)` for every row of the (n, NUM_PERM) matrix `others`."""
    return np.count_nonzero(others == sig[None, :], axis=1) / sig.shape[0]


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two shingle id sets (for tests and the benchmark)."""
    if a.size == 0 and b.size == 0:
        return 1.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / (a.size + b.size - inter)
