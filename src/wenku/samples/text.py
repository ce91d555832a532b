"""Generated Chinese and English report-style paragraphs, and the vocabulary they come from.

``chinese_paragraphs`` and ``english_paragraphs`` return paragraphs of 150-300 characters drawn
from ``random.Random(seed)``, so the same arguments give the same text. Chinese is the primary
language because the site serves Chinese documents; the text is generated from a vocabulary of
real phrases (land use, approvals, sputtering-target materials, education, public services) so
that search, snippets and font fallback see something close to real uploads. The vocabulary
tuples and ``numeric_clause`` are public because the Office builders draw slide bullets from
them too.
"""

import random
from collections.abc import Callable

__all__ = ["chinese_paragraphs", "english_paragraphs"]

# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------


def words(*chunks: str) -> tuple[str, ...]:
    """Split whitespace-separated phrases (keeps the vocabulary compact under ruff format)."""
    return tuple(" ".join(chunks).split())


SUBJECTS = words(
    "市自然资源和规划局 县人民政府 省发展和改革委员会 开发区管委会 项目建设单位 市教育局 "
    "区住房和城乡建设局 评审专家组 课题组 研究团队 重点实验室 企业技术中心 乡镇人民政府 "
    "村民委员会 市生态环境局 学校领导班子 教研室 政务服务中心 国土空间规划编制单位 "
    "施工单位 监理单位 设计单位 财政部门 各有关部门 相关职能部门 土地储备中心 "
    "新材料产业园 高新技术企业 职业技术学院 市场监督管理局",
)

VERBS = words(
    "推进 落实 完成 审查 批复 编制 优化 组织实施 加快 加强 完善 开展 核实 统筹 "
    "保障 提升 深化 规范 研究制定 督促 协调 指导 论证 申报 验收 调整 整合 建立 "
    "健全 推动 支持 引导 明确 确保 研发 制备 测试 表征 培育 改善",
)

ADVERBS = words(
    "进一步 积极 认真 切实 全面 主动 有序 依法 不断 稳步 持续 及时 严格 重点 扎实",
)

OBJECTS = words(
    # 土地
    "土地利用总体规划 建设用地指标 耕地占补平衡 基本农田保护 土地征收补偿方案 "
    "国有建设用地使用权出让 城乡建设用地增减挂钩 土地复垦方案 用地预审意见 闲置土地处置 "
    "宗地界址测量 地籍调查成果 农用地转用审批 集体经营性建设用地入市 土地节约集约利用 "
    "生态保护红线 永久基本农田 土地出让金收缴 不动产登记 规划条件核实",
    # 审批
    "项目可行性研究报告 环境影响评价文件 立项批复手续 初步设计审查 施工许可证 "
    "建设工程规划许可证 竣工验收备案 行政审批事项 并联审批机制 审批流程 请示报告 "
    "批复文件 备案材料 专家评审意见 社会稳定风险评估 安全预评价报告 节能审查意见 "
    "水土保持方案 资金申请报告 年度工作方案",
    # 材料
    "溅射靶材 高纯铝靶材 钼靶材 氧化铟锡靶材 铜合金靶材 薄膜沉积工艺 磁控溅射设备 "
    "晶粒尺寸控制 热等静压工艺 粉末冶金技术 靶材绑定工艺 材料纯度检测 微观组织分析 "
    "相对密度测试 显微硬度测试 扫描电子显微镜表征 X射线衍射分析 真空熔炼工艺 轧制工艺 "
    "热处理制度 稀土功能材料 半导体封装材料 平板显示产业配套 光伏电池薄膜 "
    "关键原材料国产化",
    # 教育
    "课程体系建设 教学质量评价 师资队伍建设 实践教学基地 校企合作机制 学生综合素质评价 "
    "人才培养方案 教育信息化 义务教育均衡发展 职业教育改革 教研活动 课堂教学改革 "
    "毕业生就业服务 学科专业布局 教材建设 双师型教师培养 劳动教育 家校协同育人 "
    "校园安全管理 基础教育质量",
    # 经济与服务
    "基础设施建设 公共服务体系 营商环境 产业结构调整 招商引资工作 重点项目建设 "
    "民生保障工作 乡村振兴战略 城市更新行动 绿色低碳发展 高质量发展 政务服务水平 "
    "数字化转型 区域协调发展 财政资金使用效益 产业链供应链 科技创新平台 就业创业服务 "
    "社会保障体系 生态环境保护",
)

CONNECTORS = words(
    "同时 此外 另外 因此 总体来看 与此同时 在此基础上 下一步 经研究 为此 目前 "
    "近年来 截至目前 从实际情况看 综上所述",
)

GOALS = words(
    "为全面提升区域发展质量 为保障项目顺利实施 为进一步规范审批管理 为推动产业转型升级 "
    "为提高土地利用效率 为满足高端制造需求 为促进教育公平 为服务地方经济社会发展 "
    "为落实上级决策部署 为加快新材料产业集聚 为夯实高质量发展基础 为优化公共服务供给 "
    "为切实保护耕地资源 为提升人才培养质量 为增强企业核心竞争力",
)

TAILS = words(
    "确保各项工作落到实处 形成长效工作机制 取得了阶段性成效 为后续工作奠定了坚实基础 "
    "有效提升了服务效能 切实维护群众合法权益 各项指标均符合相关标准要求 具备较好的实施条件 "
    "社会效益和经济效益显著 相关问题已基本解决 尚需进一步加强协调 并按程序报请审批 "
    "经审查符合有关规定 整体进展顺利 群众满意度明显提高 发展基础进一步巩固 "
    "服务保障能力不断增强 项目前期手续已基本齐备",
)

LAWS = words(
    "中华人民共和国土地管理法 中华人民共和国土地管理法实施条例 全国国土空间规划纲要 "
    "建设用地审查报批管理办法 政府投资条例 中华人民共和国义务教育法 "
    "中华人民共和国职业教育法 新材料产业发展指南 中华人民共和国招标投标法 "
    "中华人民共和国环境影响评价法",
)

REVIEWS = words("审查 论证 核实 评估 检查 复核")

PLACES = words(
    "城东片区 高新技术产业开发区 经济技术开发区 北部新城 滨江新区 工业集中区 老城区 "
    "中心城区 城郊结合部 产业园区 物流园区 科教园区 乡镇集镇区 特色小镇 临港片区",
)

STATUSES = words("已基本完成 正在有序推进 进展顺利 已列入年度计划 尚处于前期阶段")


def numeric_clause(rng: random.Random) -> str:
    """One sentence head with plausible figures (areas in 亩, money in 万元, purity in %)."""
    a = rng.randint(12, 980)
    b = rng.randint(3, max(4, a - 1))
    templates = (
        f"项目规划总用地面积约{a}亩，其中建设用地{b}亩",
        f"项目总投资{a * 37}万元，其中固定资产投资{b * 29}万元",
        f"建成后预计年产各类溅射靶材{a}吨",
        f"靶材纯度达到99.{rng.randint(95, 999)}%以上，相对密度不低于{rng.randint(95, 99)}%",
        f"全年共受理审批事项{a * 3}件，按时办结率达到{rng.randint(90, 99)}%",
        f"学校现有在校生{a * 11}人，专任教师{b}人",
        f"本次拟出让地块共{rng.randint(2, 9)}宗，总面积{b / 10:.1f}公顷",
        f"项目建设周期为{rng.randint(12, 36)}个月，计划于{rng.randint(2025, 2028)}年底竣工",
        f"共组织专家论证会{rng.randint(2, 9)}次，提出修改意见{rng.randint(10, 60)}条",
        f"累计完成土地征收{a}亩，支付补偿资金{b * 13}万元",
    )
    return rng.choice(templates)


def _chinese_sentence(rng: random.Random) -> str:
    c = rng.choice
    kind = rng.randrange(7)
    if kind == 0:
        s = f"{c(CONNECTORS)}，{c(SUBJECTS)}{c(ADVERBS)}{c(VERBS)}{c(OBJECTS)}，{c(TAILS)}"
    elif kind == 1:
        obj1, obj2 = rng.sample(OBJECTS, 2)
        s = f"{c(SUBJECTS)}{c(ADVERBS)}{c(VERBS)}{obj1}和{obj2}，{c(TAILS)}"
    elif kind == 2:
        s = f"根据《{c(LAWS)}》有关规定，{c(SUBJECTS)}对{c(OBJECTS)}进行了{c(REVIEWS)}，{c(TAILS)}"
    elif kind == 3:
        s = f"{numeric_clause(rng)}，{c(TAILS)}"
    elif kind == 4:
        obj1, obj2 = rng.sample(OBJECTS, 2)
        s = f"{c(GOALS)}，{c(SUBJECTS)}{c(ADVERBS)}{c(VERBS)}{obj1}，{c(VERBS)}{obj2}"
    elif kind == 5:
        obj1, obj2 = rng.sample(OBJECTS, 2)
        s = f"{c(PLACES)}{obj1}{c(STATUSES)}，{c(SUBJECTS)}将{c(ADVERBS)}{c(VERBS)}{obj2}"
    else:
        obj1, obj2 = rng.sample(OBJECTS, 2)
        s = f"{obj1}是{obj2}的重要基础，{c(SUBJECTS)}要{c(ADVERBS)}{c(VERBS)}相关工作"
    # An occasional semicolon/enumeration keeps the punctuation mix closer to real reports.
    if rng.random() < 0.15:
        s = f"{s}；{c(SUBJECTS)}要{c(VERBS)}“{c(OBJECTS)}”"
    return s + "。"


def _build_paragraph(
    rng: random.Random,
    make_sentence: Callable[[random.Random], str],
    lo: int,
    hi: int,
    sep: str = "",
) -> str:
    target = rng.randint(lo + 10, hi - 40)
    parts: list[str] = []
    length = 0
    for _ in range(200):
        s = make_sentence(rng)
        extra = len(s) + (len(sep) if parts else 0)
        if length + extra > hi:
            # Too long for the remaining room: draw another, shorter sentence instead.
            continue
        parts.append(s)
        length += extra
        if length >= target:
            break
    text = sep.join(parts)
    if len(text) < lo:  # practically unreachable, but the length contract must hold
        text = (text + sep + make_sentence(rng))[:hi]
    return text


def chinese_paragraphs(n: int, seed: int = 0) -> list[str]:
    """Return ``n`` Chinese report-style paragraphs, each 150-300 characters long."""
    rng = random.Random(f"zh-{seed}")
    return [_build_paragraph(rng, _chinese_sentence, 150, 300) for _ in range(n)]


_EN_SUBJECTS = (
    "The municipal land bureau",
    "The county government",
    "The project owner",
    "The review panel",
    "The research group",
    "The school board",
    "The materials laboratory",
    "The approval centre",
    "The planning institute",
    "The development zone committee",
    "The finance department",
    "The vocational college",
)
_EN_VERBS = (
    "approved",
    "reviewed",
    "revised",
    "completed",
    "submitted",
    "verified",
    "coordinated",
    "supported",
    "evaluated",
    "documented",
    "expanded",
    "optimised",
)
_EN_OBJECTS = (
    "the land-use plan",
    "the construction permit",
    "the environmental impact report",
    "the sputtering target production line",
    "the grain-size control process",
    "the teacher training programme",
    "the farmland compensation scheme",
    "the feasibility study",
    "the thin-film deposition tests",
    "the curriculum reform",
    "the public service platform",
    "the industrial park infrastructure",
    "the hot isostatic pressing trial",
    "the land acquisition budget",
)
_EN_TAILS = (
    "ahead of schedule",
    "in line with national standards",
    "after two rounds of expert review",
    "with support from local enterprises",
    "within the approved budget",
    "following public consultation",
    "as required by the provincial guidelines",
)


def _english_sentence(rng: random.Random) -> str:
    c = rng.choice
    kind = rng.randrange(3)
    if kind == 0:
        return f"{c(_EN_SUBJECTS)} {c(_EN_VERBS)} {c(_EN_OBJECTS)} {c(_EN_TAILS)}."
    if kind == 1:
        a = rng.randint(12, 980)
        return f"The site covers about {a} mu, of which {rng.randint(3, a)} mu is for construction."
    o1, o2 = rng.sample(_EN_OBJECTS, 2)
    return f"{c(_EN_SUBJECTS)} {c(_EN_VERBS)} {o1} and {o2}."


def english_paragraphs(n: int, seed: int = 0) -> list[str]:
    """Return ``n`` English report-style paragraphs, each 150-300 characters long."""
    rng = random.Random(f"en-{seed}")
    return [_build_paragraph(rng, _english_sentence, 150, 300, sep=" ") for _ in range(n)]
