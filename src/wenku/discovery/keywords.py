"""Keywords of a document: TF-IDF over its title and text (cut by rjieba), after its tags.

- Segmentation and part-of-speech tags: rjieba (jieba-rs), ~1-4M chars/s and no dictionary
  load at start-up, with the same dictionary and tokens as jieba.
- IDF: the table that ships in the `jieba` wheel (jieba/analyse/idf.txt, 270K words, the one
  `jieba.analyse.extract_tags` uses), read once per process (~0.4 s) without importing jieba.
  A table from the library itself would rank words against what the site holds, but means
  nothing while the library is small and changes every keyword as it grows; words missing from
  the table get its median IDF, as jieba does.
- Kept: nouns, verbs (征收, 补偿), set phrases and Latin words of two characters or more;
  dropped: stop words, numbers and anything with a digit, single characters.
- Title words count three times: the title names the topic.
- The uploader's tags come first, in their order; text keywords fill up to `limit`.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import unicodedata
from collections import Counter
from pathlib import Path

import rjieba

TITLE_WEIGHT = 3
DEFAULT_LIMIT = 12
_KEEP_POS = ("n", "v", "l", "eng", "j", "i", "an")
_HAS_DIGIT = re.compile(r"\d")
_CJK_OR_LATIN = re.compile(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z]")


def _split(text: str) -> list[str]:
    return text.split()


STOP_WORDS = frozenset(
    _split(
        """
    的 了 和 与 及 或 是 在 对 为 将 要 把 被 从 以 于 由 并 而 等 也 都 又 就 还 这 那 其 此
    我们 你们 他们 她们 它们 我国 我省 我市 我县 我区 我局 我校 本市 本县 本区 本人
    大家 自己 有关 相关 相应 各项 各类 各种 各个 各级 一些
    一个 一种 一是 二是 三是 四是 五是 其中 其他 其它 之一 方面 情况 问题 工作 进行 开展 实施
    通过 根据 按照 关于 对于 由于 因此 所以 但是 如果 以及 以上 以下 之后 之前 目前 当前 今年
    去年 明年 年度 全年 上半年 下半年 同时 此外 另外 为此 总体 来看 主要 重要 重点 有效 进一步
    不断 积极 认真 切实 全面 主动 有序 依法 稳步 持续 及时 严格 扎实 基本 明显 显著 具体 有关部门
    部门 单位 要求 规定 意见 内容 方式 措施 办法 做法 作用 水平 能力 体系 机制 成效 效果 基础
    条件 阶段 部分 整体 领域 环境 过程 结果 时间 时期 期间 地方 地区 范围 程度 形式 实际 现场
    文件 文档 第页 页码 附件 通知 报告 汇报 总结 同志 领导 人员
    推进 落实 完成 加强 加快 推动 提升 提高 保障 确保 实现 促进 形成 建立 健全 完善 做好 抓好
    the and of to in for on with by is are was were be as at an or from this that it its
    """
    )
)


@functools.cache
def idf_table() -> tuple[dict[str, float], float]:
    """jieba's IDF table and its median (for words it does not list)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the jieba package (which ships the IDF table) is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "analyse" / "idf.txt"
    table: dict[str, float] = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            word, _, value = line.rstrip().rpartition(" ")
            if word:
                table[word] = float(value)
    values = sorted(table.values())
    return table, values[len(values) // 2]


def is_candidate(word: str) -> bool:
    """Could `word` be a keyword at all (length, digits, stop words, letters)?"""
    return (
        len(word) >= 2
        and word.lower() not in STOP_WORDS
        and not _HAS_DIGIT.search(word)
        and bool(_CJK_OR_LATIN.search(word))
        and len(set(word.lower())) > 1  # "xxx", "某某": placeholders
    )


def _terms(text: str) -> list[str]:
    return [
        word.strip()
        for word, pos in rjieba.tag(text)
        if pos.startswith(_KEEP_POS) and is_candidate(word.strip())
    ]


def extract(
    title: str, text: str, tags: list[str] = (), limit: int = DEFAULT_LIMIT
) -> list[tuple[str, float, str]]:
    """Keywords as (word, weight, source) with source "tag" or "text", strongest first."""
    title = unicodedata.normalize("NFKC", title)
    text = unicodedata.normalize("NFKC", text)
    counts = Counter(_terms(text))
    for term in _terms(title):
        counts[term] += TITLE_WEIGHT
    total = sum(counts.values()) or 1
    idf, median = idf_table()
    scored = sorted(
        ((count / total * idf.get(word, median), word) for word, count in counts.items()),
        key=lambda pair: (-pair[0], pair[1]),
    )
    out: list[tuple[str, float, str]] = []
    seen: set[str] = set()
    for tag in tags:
        tag = tag.strip()[:50]
        if tag and tag.lower() not in seen:
            out.append((tag, 1.0, "tag"))
            seen.add(tag.lower())
    top = scored[0][0] if scored else 1.0
    for score, word in scored:
        if len(out) >= max(limit, len(tags)):
            break
        if word.lower() in seen:
            continue
        out.append((word[:50], round(score / top, 4), "text"))
        seen.add(word.lower())
    return out
