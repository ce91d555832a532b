"""Altered copies of a text, as people make them to pass off someone else's document as theirs.

Used by the discovery tests and bench/dedupe.py (not by the site).
"""

from __future__ import annotations

import random
import re

import rjieba

from .minhash import normalize

# Same-length synonyms of words common in reports, in the style of "伪原创" synonym spinners;
# the first five are the swaps seen on the reference page (发展->开展, 基础->根底, ...).
SYNONYMS: dict[str, str] = dict(
    pair.split(":")
    for pair in str.split(
        """
    发展:开展 基础:根底 服务:效劳 项目:工程 多次:屡次 工作:任务 相关:有关 有关:相关 建设:修建
    规定:规则 重要:关键 根据:依据 进行:展开 单位:单元 审批:审核 材料:资料 基本:根本 审查:审阅
    切实:确实 重点:要点 不断:持续 技术:技能 工艺:技艺 提升:提高 企业:公司 评价:评估 实施:施行
    中心:核心 协调:协同 研究:研讨 保障:保证 顺利:平稳 方案:计划 产业:工业 各项:各个 编制:制定
    核实:核对 改革:变革 完成:达成 进展:发展 符合:契合 群众:大众 确保:保证 组织:安排 推进:推动
    机制:体制 加强:增强 测试:检测 教育:教学 批复:回复 评审:评定 手续:程序 论证:证明 持续:继续
    全面:周全 主动:自动 严格:严厉 稳步:稳定 规划:筹划 指标:目标 及时:实时 验收:检验 积极:踊跃
    投资:出资 扎实:牢固 学校:校园 意见:看法 认真:仔细 保护:维护 增强:加强 管理:办理 评估:评价
    优化:改进 加快:加速 监督:监察 目前:当前 明显:显著 提高:提升 落实:贯彻 开展:展开 支持:支撑
    建立:树立 情况:状况 部门:机构 问题:难题 要求:需求 措施:办法 进一步:更进一步 同时:一起
    """
    )
)

_YEAR = re.compile(r"(19|20)\d\d")


def words(text: str) -> list[str]:
    return rjieba.cut(text)


def swap_synonyms(text: str, fraction: float = 0.10, *, seed: int = 0) -> tuple[str, float]:
    """Replace `fraction` of the words of `text` (jieba tokens holding a letter) with synonyms.

    Returns the new text and the fraction actually replaced; raises ValueError when the text
    has too few words with a known synonym to reach `fraction`.
    """
    rng = random.Random(seed)
    tokens = words(text)
    positions = [i for i, w in enumerate(tokens) if normalize(w)]
    swappable = [i for i in positions if tokens[i] in SYNONYMS]
    wanted = round(fraction * len(positions))
    if wanted > len(swappable):
        raise ValueError(f"only {len(swappable)} of {wanted} words have a synonym")
    for i in rng.sample(swappable, wanted):
        tokens[i] = SYNONYMS[tokens[i]]
    return "".join(tokens), wanted / max(len(positions), 1)


def change_years(text: str, delta: int = 1) -> str:
    """Every year (19xx/20xx) in `text` moved by `delta`, as in "2023年工作总结" -> "2024年..."."""
    return _YEAR.sub(lambda m: str(int(m.group()) + delta), text)
