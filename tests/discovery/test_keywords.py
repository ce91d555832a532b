"""Keywords: the topic of a Chinese document, after its uploader's tags."""

import pytest

from wenku.discovery import keywords, services
from wenku.discovery.keywords import STOP_WORDS

pytestmark = pytest.mark.django_db

TEXT = [
    "2023年，市自然资源和规划局对土地征收补偿方案进行了审查。本次土地征收涉及耕地385亩，"
    "支付土地补偿费4200万元。耕地占补平衡和基本农田保护是土地征收工作的重点，"
    "相关部门要进一步落实耕地保护责任。",
    "土地征收补偿方案经专家评审后报请批复。征收范围内的耕地、宅基地和地上附着物均已完成调查，"
    "补偿标准符合省政府公布的区片综合地价，被征地农民的社会保障费用已足额落实。",
]


def test_keywords_of_a_chinese_document_are_its_topic_words(publish):
    doc = publish("关于城东片区土地征收补偿方案的审查报告", TEXT, tags=["国土资源"])
    words = services.keywords_for(doc)
    assert words[0] == "国土资源"  # the uploader's tag first
    assert {"土地", "征收", "补偿"} <= set(words[:8])
    assert "耕地" in words
    for word in words:
        assert word not in STOP_WORDS
        assert len(word) >= 2
        assert not any(ch.isdigit() for ch in word)
    assert len(words) == keywords.DEFAULT_LIMIT


def test_keywords_follow_an_edit_of_the_title_and_tags(publish):
    from wenku.library.models import Document, Tag
    from wenku.library.signals import document_changed

    doc = publish("土地征收补偿方案", TEXT)
    doc.tags.set([Tag.objects.create(name="征地拆迁")])
    document_changed.send(sender=Document, document=doc)
    assert services.keywords_for(doc)[0] == "征地拆迁"


def test_stop_words_numbers_and_single_characters_never_become_keywords():
    text = "我们的工作情况 123 4.5% 亩 的 了 和 xxx 进一步 加强"
    found = keywords.extract("2023年工作情况", text)
    assert found == []
