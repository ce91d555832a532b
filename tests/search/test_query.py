"""The query language: terms ANDed, quoted phrases, -excluded terms."""

from wenku.search.query import parse


def test_terms_separated_by_spaces_are_all_required():
    q = parse("土地 批复")
    assert q.terms == ["土地", "批复"]
    assert q.exclude == []


def test_a_leading_minus_excludes_a_term():
    q = parse("土地 批复 -草案")
    assert q.terms == ["土地", "批复"]
    assert [t.text for t in q.exclude] == ["草案"]
    assert q.normalized == "土地 批复 -草案"


def test_quoted_phrases_keep_their_words_together():
    q = parse('"sputtering target" 靶材')
    assert q.terms == ["sputtering target", "靶材"]
    assert q.include[0].quoted


def test_chinese_quotes_and_full_width_minus_work_like_ascii_ones():
    q = parse("“土地 批复” －草案")
    assert q.terms == ["土地 批复"]
    assert [t.text for t in q.exclude] == ["草案"]


def test_an_excluded_phrase():
    q = parse('土地 -"征求意见稿"')
    assert [t.text for t in q.exclude] == ["征求意见稿"]


def test_case_width_and_script_are_folded_in_the_normalized_query():
    assert parse("ＩＴＯ 報告").normalized == "ito 报告"


def test_punctuation_only_and_lone_minus_are_ignored():
    assert not parse("  ，。!! - ")
    assert parse("-草案").include == []  # nothing to search for: only an exclusion
    assert not parse("-草案")


def test_duplicates_are_dropped_and_terms_capped():
    assert parse("土地 土地 土地").terms == ["土地"]
    assert len(parse(" ".join(f"词{i}" for i in range(30))).include) == 8
