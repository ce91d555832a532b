"""The tokenizer: CJK runs become bigrams plus their last character, Latin text words."""

from wenku.search.query import parse
from wenku.search.tokenize import fold, phrase_tokens, pieces, tokens


def test_a_cjk_run_becomes_its_bigrams_and_its_last_character():
    assert tokens("土地利用") == ["土地", "地利", "利用", "用"]


def test_a_single_character_run_is_one_token():
    assert tokens("约120亩，") == ["约", "120", "亩"]


def test_punctuation_ends_a_run_so_no_bigram_spans_it():
    assert tokens("土地，批复") == ["土地", "地", "批复", "复"]


def test_latin_words_are_case_folded_words():
    assert tokens("Sputtering Targets, ITO-99") == ["sputtering", "targets", "ito", "99"]


def test_mixed_text_splits_at_script_changes():
    assert tokens("ITO靶材") == ["ito", "靶材", "材"]


def test_full_width_letters_and_digits_fold_to_half_width():
    assert tokens("ＩＴＯ　１２３") == ["ito", "123"]
    assert fold("ＡＢＣ") == "abc"


def test_traditional_characters_fold_to_simplified():
    assert fold("臺灣發展報告") == "台湾发展报告"
    assert tokens("發展") == tokens("发展")


def test_kana_and_hangul_are_bigrammed_too():
    assert tokens("カタカナ") == ["カタ", "タカ", "カナ", "ナ"]
    assert tokens("한국어") == ["한국", "국어", "어"]


def test_a_query_word_is_the_phrase_of_its_bigrams():
    [term] = parse("溅射靶材").include
    assert [(t.text, t.prefix) for t in term.tokens] == [
        ("溅射", False),
        ("射靶", False),
        ("靶材", False),
    ]


def test_a_one_character_word_is_a_prefix_query():
    [term] = parse("亩").include
    assert [(t.text, t.prefix) for t in term.tokens] == [("亩", True)]


def test_a_run_inside_a_mixed_phrase_keeps_its_last_character():
    # In the text, a CJK run followed by a Latin word ends there, so it has its single token.
    toks = phrase_tokens(pieces("靶材ITO"))
    assert [t.text for t in toks] == ["靶材", "材", "ito"]
    assert toks[-1].prefix  # the last Latin word of three letters or more is a prefix


def test_short_and_numeric_latin_words_are_exact():
    assert not phrase_tokens(pieces("ab"))[-1].prefix
    assert not phrase_tokens(pieces("2024"))[-1].prefix
