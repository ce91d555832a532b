"""Builders for realistic, deterministic sample documents.

Every ``make_*`` function writes one file to the given path and returns it as a
``pathlib.Path``. Content comes from ``random.Random(seed)``, so the same arguments give
the same text. The Office builders (DOCX/PPTX/XLSX) and EPUB also pin zip timestamps and
core-property dates, and the PDF builders use invariant/deterministic modes, so their bytes
are stable too (handy for duplicate-detection tests). The exception is anything encrypted in
``hostile``, where the crypto libraries insist on random salts.

Chinese is the primary language because the site serves Chinese documents; the text is
generated from a vocabulary of real phrases (land use, approvals, sputtering-target
materials, education, public services) so that search, snippets and font fallback see
something close to real uploads.
"""

import csv
import datetime as dt
import html
import io
import random
import re
import uuid
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = [
    "FIXED_TIMESTAMP",
    "chinese_paragraphs",
    "english_paragraphs",
    "make_blank_pdf",
    "make_csv",
    "make_docx",
    "make_epub",
    "make_pdf",
    "make_png",
    "make_pptx",
    "make_rtf",
    "make_txt",
    "make_xlsx",
]

# A fixed moment used for every embedded date so that output bytes do not depend on the clock.
FIXED_TIMESTAMP = dt.datetime(2024, 1, 1, 8, 0, 0)
_ZIP_DATE_TIME = (2024, 1, 1, 8, 0, 0)

# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------


def _words(*chunks: str) -> tuple[str, ...]:
    """Split whitespace-separated phrases (keeps the vocabulary compact under ruff format)."""
    return tuple(" ".join(chunks).split())


_SUBJECTS = _words(
    "市自然资源和规划局 县人民政府 省发展和改革委员会 开发区管委会 项目建设单位 市教育局 "
    "区住房和城乡建设局 评审专家组 课题组 研究团队 重点实验室 企业技术中心 乡镇人民政府 "
    "村民委员会 市生态环境局 学校领导班子 教研室 政务服务中心 国土空间规划编制单位 "
    "施工单位 监理单位 设计单位 财政部门 各有关部门 相关职能部门 土地储备中心 "
    "新材料产业园 高新技术企业 职业技术学院 市场监督管理局",
)

_VERBS = _words(
    "推进 落实 完成 审查 批复 编制 优化 组织实施 加快 加强 完善 开展 核实 统筹 "
    "保障 提升 深化 规范 研究制定 督促 协调 指导 论证 申报 验收 调整 整合 建立 "
    "健全 推动 支持 引导 明确 确保 研发 制备 测试 表征 培育 改善",
)

_ADVERBS = _words(
    "进一步 积极 认真 切实 全面 主动 有序 依法 不断 稳步 持续 及时 严格 重点 扎实",
)

_OBJECTS = _words(
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

_CONNECTORS = _words(
    "同时 此外 另外 因此 总体来看 与此同时 在此基础上 下一步 经研究 为此 目前 "
    "近年来 截至目前 从实际情况看 综上所述",
)

_GOALS = _words(
    "为全面提升区域发展质量 为保障项目顺利实施 为进一步规范审批管理 为推动产业转型升级 "
    "为提高土地利用效率 为满足高端制造需求 为促进教育公平 为服务地方经济社会发展 "
    "为落实上级决策部署 为加快新材料产业集聚 为夯实高质量发展基础 为优化公共服务供给 "
    "为切实保护耕地资源 为提升人才培养质量 为增强企业核心竞争力",
)

_TAILS = _words(
    "确保各项工作落到实处 形成长效工作机制 取得了阶段性成效 为后续工作奠定了坚实基础 "
    "有效提升了服务效能 切实维护群众合法权益 各项指标均符合相关标准要求 具备较好的实施条件 "
    "社会效益和经济效益显著 相关问题已基本解决 尚需进一步加强协调 并按程序报请审批 "
    "经审查符合有关规定 整体进展顺利 群众满意度明显提高 发展基础进一步巩固 "
    "服务保障能力不断增强 项目前期手续已基本齐备",
)

_LAWS = _words(
    "中华人民共和国土地管理法 中华人民共和国土地管理法实施条例 全国国土空间规划纲要 "
    "建设用地审查报批管理办法 政府投资条例 中华人民共和国义务教育法 "
    "中华人民共和国职业教育法 新材料产业发展指南 中华人民共和国招标投标法 "
    "中华人民共和国环境影响评价法",
)

_REVIEWS = _words("审查 论证 核实 评估 检查 复核")

_PLACES = _words(
    "城东片区 高新技术产业开发区 经济技术开发区 北部新城 滨江新区 工业集中区 老城区 "
    "中心城区 城郊结合部 产业园区 物流园区 科教园区 乡镇集镇区 特色小镇 临港片区",
)

_STATUSES = _words("已基本完成 正在有序推进 进展顺利 已列入年度计划 尚处于前期阶段")

_REGIONS = _words("东城区 西城区 南湖区 北山县 临江县 高新区 经开区 滨海新区")

_PROJECT_KINDS = _words(
    "溅射靶材生产基地 职业教育实训中心 土地整理项目 标准厂房 中小学校舍改扩建 污水处理厂 "
    "物流仓储中心 科技孵化器 保障性住房 农村道路提升工程",
)

_PROJECT_STATES = _words("已批复 审查中 待补正 已开工 已竣工")


def _numeric_clause(rng: random.Random) -> str:
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
        s = f"{c(_CONNECTORS)}，{c(_SUBJECTS)}{c(_ADVERBS)}{c(_VERBS)}{c(_OBJECTS)}，{c(_TAILS)}"
    elif kind == 1:
        obj1, obj2 = rng.sample(_OBJECTS, 2)
        s = f"{c(_SUBJECTS)}{c(_ADVERBS)}{c(_VERBS)}{obj1}和{obj2}，{c(_TAILS)}"
    elif kind == 2:
        s = (
            f"根据《{c(_LAWS)}》有关规定，{c(_SUBJECTS)}对{c(_OBJECTS)}进行了{c(_REVIEWS)}，"
            f"{c(_TAILS)}"
        )
    elif kind == 3:
        s = f"{_numeric_clause(rng)}，{c(_TAILS)}"
    elif kind == 4:
        obj1, obj2 = rng.sample(_OBJECTS, 2)
        s = f"{c(_GOALS)}，{c(_SUBJECTS)}{c(_ADVERBS)}{c(_VERBS)}{obj1}，{c(_VERBS)}{obj2}"
    elif kind == 5:
        obj1, obj2 = rng.sample(_OBJECTS, 2)
        s = f"{c(_PLACES)}{obj1}{c(_STATUSES)}，{c(_SUBJECTS)}将{c(_ADVERBS)}{c(_VERBS)}{obj2}"
    else:
        obj1, obj2 = rng.sample(_OBJECTS, 2)
        s = f"{obj1}是{obj2}的重要基础，{c(_SUBJECTS)}要{c(_ADVERBS)}{c(_VERBS)}相关工作"
    # An occasional semicolon/enumeration keeps the punctuation mix closer to real reports.
    if rng.random() < 0.15:
        s = f"{s}；{c(_SUBJECTS)}要{c(_VERBS)}“{c(_OBJECTS)}”"
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


# ---------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------


def _write(path: str | Path, data: bytes) -> Path:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    return p


_CORE_MODIFIED_RE = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _normalize_zip(data: bytes) -> bytes:
    """Re-pack an OOXML zip with fixed member timestamps so output bytes are reproducible.

    python-docx/pptx/openpyxl stamp members with the current time, and openpyxl also writes
    ``dcterms:modified = now`` into docProps/core.xml, which we pin here as well.
    """
    out = io.BytesIO()
    stamp = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/core.xml":
                body = _CORE_MODIFIED_RE.sub(rb"\g<1>" + stamp + rb"\g<2>", body)
            zi = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, body)
    return out.getvalue()


def _png_bytes(seed: int = 0, width: int = 480, height: int = 270) -> bytes:
    """A small bar chart with Chinese-free labels (Pillow's default font has no CJK glyphs)."""
    from PIL import Image, ImageDraw

    rng = random.Random(f"png-{seed}")
    img = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, width - 1, height - 1), outline=(90, 90, 90))
    bars = 8
    slot = (width - 40) // bars
    palette = [(52, 101, 164), (78, 154, 6), (204, 0, 0), (237, 212, 0)]
    for i in range(bars):
        h = rng.randint(height // 6, height - 50)
        x0 = 25 + i * slot
        draw.rectangle((x0, height - 25 - h, x0 + slot - 12, height - 25), fill=palette[i % 4])
        draw.text((x0 + 4, height - 20), f"{2016 + i}", fill=(0, 0, 0))
    draw.line((20, height - 25, width - 15, height - 25), fill=(0, 0, 0), width=2)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def make_png(path: str | Path, *, seed: int = 0, width: int = 480, height: int = 270) -> Path:
    """Write a small generated bar-chart PNG."""
    return _write(path, _png_bytes(seed, width, height))


# ---------------------------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------------------------

# A4 with the margins Word uses for Chinese documents (2.54 cm / 3.17 cm).
_A4_W_MM, _A4_H_MM = 210, 297
_MARGIN_TB_MM, _MARGIN_LR_MM = 25.4, 31.7
# Per-page content budget when `pages` is given. An A4 page at 10.5 pt holds ~1,500 CJK
# characters; staying far below that leaves room for font substitution (LibreOffice maps
# 宋体 to whatever CJK font is installed, with taller line metrics) so a chunk never spills.
_MAX_PARAS_PER_PAGE = 3
_MAX_CHARS_PER_PAGE = 900
_MAX_PARA_CHARS_PAGED = 600


def _docx_set_fonts(document, body_font: str, heading_font: str) -> None:
    """Point every style's fonts (and the document defaults) at concrete font names.

    The default python-docx template uses theme fonts (``w:eastAsiaTheme`` etc.), which win
    over explicit names, so those attributes are removed; styles that used the *major*
    (heading) theme get ``heading_font``, everything else ``body_font``.
    """
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    styles_el = document.styles.element
    theme_attrs = [qn(a) for a in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")]
    for rfonts in styles_el.iter(qn("w:rFonts")):
        is_heading = "major" in (rfonts.get(qn("w:eastAsiaTheme")) or "")
        for a in theme_attrs:
            rfonts.attrib.pop(a, None)
        name = heading_font if is_heading else body_font
        for a in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            rfonts.set(qn(a), name)

    # Mark the default language as Simplified Chinese so LibreOffice applies CJK layout rules.
    rpr_default = styles_el.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr_default.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr_default.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")

    # Title/heading styles inherit from Normal and may not carry rFonts of their own.
    for style_name, name in (
        ("Normal", body_font),
        ("Title", heading_font),
        ("Heading 1", heading_font),
        ("Heading 2", heading_font),
    ):
        rpr = document.styles[style_name].element.get_or_add_rPr()
        rfonts = rpr.get_or_add_rFonts()
        for a in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            rfonts.set(qn(a), name)


def _docx_bytes(
    *,
    title: str,
    paragraphs: Sequence[str],
    pages: int | None,
    font: str,
    heading_font: str,
    seed: int,
    with_table: bool,
    with_image: bool,
) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Inches, Mm, Pt

    rng = random.Random(f"docx-{seed}")
    document = docx.Document()
    _docx_set_fonts(document, font, heading_font)
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)  # 五号, the usual body size in Chinese documents
    for name, size in (("Title", 22), ("Heading 1", 16), ("Heading 2", 14)):
        document.styles[name].font.size = Pt(size)

    section = document.sections[0]
    section.page_width, section.page_height = Mm(_A4_W_MM), Mm(_A4_H_MM)
    section.top_margin = section.bottom_margin = Mm(_MARGIN_TB_MM)
    section.left_margin = section.right_margin = Mm(_MARGIN_LR_MM)

    props = document.core_properties
    props.title = title
    props.author = props.last_modified_by = "Wenku"
    props.created = props.modified = FIXED_TIMESTAMP
    props.revision = 1
    props.comments = "Generated by wenku.samples"

    def add_body(text: str):
        p = document.add_paragraph(text)
        p.paragraph_format.first_line_indent = Pt(21)  # two CJK characters, as is customary
        return p

    def add_extras() -> None:
        if with_table:
            table = document.add_table(rows=1, cols=4)
            table.style = "Table Grid"
            header = ("序号", "项目名称", "用地面积（亩）", "状态")
            for cell, text in zip(table.rows[0].cells, header, strict=True):
                cell.text = text
            for i in range(4):
                row = table.add_row().cells
                row[0].text = str(i + 1)
                row[1].text = f"{rng.choice(_REGIONS)}{rng.choice(_PROJECT_KINDS)}"
                row[2].text = f"{rng.randint(10, 500)}"
                row[3].text = rng.choice(_PROJECT_STATES)
        if with_image:
            document.add_picture(io.BytesIO(_png_bytes(seed)), width=Inches(3))
            cap = document.add_paragraph(f"图1  {rng.choice(_PROJECT_KINDS)}年度投资完成情况")
            cap.alignment = WD_ALIGN_PARAGRAPH.CENTER

    heading = document.add_heading(title, level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER

    if pages is None:
        add_extras()
        for text in paragraphs:
            add_body(text)
    else:
        if pages < 1:
            raise ValueError("pages must be >= 1")
        source = list(paragraphs) or chinese_paragraphs(_MAX_PARAS_PER_PAGE * pages, seed)
        # Cap single paragraphs so one oversized input cannot push a chunk onto two pages.
        source = [t[:_MAX_PARA_CHARS_PAGED] for t in source]
        cursor = 0
        for page in range(1, pages + 1):
            marker = document.add_heading(f"第{page}页", level=2)
            if page > 1:
                # page_break_before on the chunk's first paragraph instead of a break run:
                # LibreOffice never turns it into an extra empty paragraph or page.
                marker.paragraph_format.page_break_before = True
            budget_paras = _MAX_PARAS_PER_PAGE
            if page == 1:
                add_extras()
                budget_paras -= int(with_table) + int(with_image)
            used_chars = 0
            for _ in range(max(1, budget_paras)):
                text = source[cursor % len(source)]
                if used_chars and used_chars + len(text) > _MAX_CHARS_PER_PAGE:
                    break
                add_body(text)
                used_chars += len(text)
                cursor += 1

    buf = io.BytesIO()
    document.save(buf)
    return _normalize_zip(buf.getvalue())


def make_docx(
    path: str | Path,
    *,
    title: str,
    paragraphs: Sequence[str],
    pages: int | None = None,
    font: str = "宋体",
    heading_font: str = "黑体",
    seed: int = 0,
    with_table: bool = False,
    with_image: bool = False,
) -> Path:
    """Write an A4 Word document with East-Asian fonts set to ``font``/``heading_font``.

    Without ``pages`` all ``paragraphs`` follow the title. With ``pages`` the document is laid
    out as exactly that many page-sized chunks separated by page breaks; each chunk starts with
    a "第N页" heading and takes up to three paragraphs (900 characters) from ``paragraphs``,
    cycling when they run out (generated Chinese text is used if ``paragraphs`` is empty).
    The optional table (4 rows) and PNG chart go right after the title, on page 1.

    After LibreOffice conversion, pdfium extracts the marker as "第 N 页" (Writer spaces Latin
    digits away from CJK characters), so compare page text with whitespace removed.
    """
    data = _docx_bytes(
        title=title,
        paragraphs=paragraphs,
        pages=pages,
        font=font,
        heading_font=heading_font,
        seed=seed,
        with_table=with_table,
        with_image=with_image,
    )
    return _write(path, data)


# ---------------------------------------------------------------------------------------------
# PPTX / XLSX / CSV / TXT / RTF
# ---------------------------------------------------------------------------------------------


def _pptx_set_ea_font(run, typeface: str) -> None:
    """Set the East-Asian typeface (``a:ea``); python-pptx's ``font.name`` only sets Latin."""
    from pptx.oxml.ns import qn

    run.font.name = typeface  # creates a:latin, which must precede a:ea
    rpr = run._r.get_or_add_rPr()
    ea = rpr.find(qn("a:ea"))
    if ea is None:
        ea = rpr.makeelement(qn("a:ea"), {})
        rpr.find(qn("a:latin")).addnext(ea)
    ea.set("typeface", typeface)


def make_pptx(path: str | Path, *, title: str, slides: int = 5, seed: int = 0) -> Path:
    """Write a presentation: a title slide plus ``slides - 1`` bullet slides, all in Chinese."""
    from pptx import Presentation
    from pptx.util import Pt

    if slides < 1:
        raise ValueError("slides must be >= 1")
    rng = random.Random(f"pptx-{seed}")
    prs = Presentation()
    props = prs.core_properties
    props.title = title
    props.author = props.last_modified_by = "Wenku"
    props.created = props.modified = FIXED_TIMESTAMP
    props.revision = 1

    first = prs.slides.add_slide(prs.slide_layouts[0])
    first.shapes.title.text = title
    first.placeholders[1].text = f"{rng.choice(_SUBJECTS)}\n{FIXED_TIMESTAMP:%Y年%m月}"
    for shape in (first.shapes.title, first.placeholders[1]):
        for para in shape.text_frame.paragraphs:
            for run in para.runs:
                _pptx_set_ea_font(run, "黑体")

    for n in range(2, slides + 1):
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = f"第{n - 1}部分：{rng.choice(_OBJECTS)}"
        for run in slide.shapes.title.text_frame.paragraphs[0].runs:
            _pptx_set_ea_font(run, "黑体")
        body = slide.placeholders[1].text_frame
        bullets = [
            f"{rng.choice(_SUBJECTS)}{rng.choice(_VERBS)}{rng.choice(_OBJECTS)}",
            f"{_numeric_clause(rng)}",
            f"{rng.choice(_GOALS)}，{rng.choice(_TAILS)}",
            f"{rng.choice(_PLACES)}{rng.choice(_OBJECTS)}{rng.choice(_STATUSES)}",
        ]
        body.text = bullets[0]
        for text in bullets[1:]:
            body.add_paragraph().text = text
        for para in body.paragraphs:
            para.font.size = Pt(20)
            for run in para.runs:
                _pptx_set_ea_font(run, "宋体")

    buf = io.BytesIO()
    prs.save(buf)
    return _write(path, _normalize_zip(buf.getvalue()))


_TABLE_HEADERS = _words("序号 项目名称 所在地区 用地面积（亩） 总投资（万元） 批复日期 状态")


def _table_rows(rng: random.Random, rows: int) -> list[tuple]:
    base = dt.date(2023, 1, 1)
    out = []
    for i in range(rows):
        region = rng.choice(_REGIONS)
        out.append(
            (
                i + 1,
                f"{region}{rng.choice(_PROJECT_KINDS)}",
                region,
                round(rng.uniform(5, 800), 1),
                rng.randint(200, 90000),
                base + dt.timedelta(days=rng.randint(0, 600)),
                rng.choice(_PROJECT_STATES),
            )
        )
    return out


def make_xlsx(path: str | Path, *, rows: int = 40, seed: int = 0) -> Path:
    """Write a workbook with a project list sheet and a per-region summary sheet.

    The summary holds computed values plus a ``SUM`` formula row (no cached value, so
    readers using ``data_only=True`` see ``None`` there; LibreOffice recalculates it).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    rng = random.Random(f"xlsx-{seed}")
    data = _table_rows(rng, rows)
    wb = Workbook()
    wb.properties.creator = wb.properties.lastModifiedBy = "Wenku"
    wb.properties.created = wb.properties.modified = FIXED_TIMESTAMP
    wb.properties.title = "建设项目台账"

    ws = wb.active
    ws.title = "项目台账"
    ws.append(_TABLE_HEADERS)
    for row in data:
        ws.append(row)
    bold = Font(name="黑体", bold=True)
    for cell in ws[1]:
        cell.font = bold
        cell.alignment = Alignment(horizontal="center")
    for row in ws.iter_rows(min_row=2, min_col=6, max_col=6):
        row[0].number_format = "yyyy-mm-dd"
    for col, width in zip("ABCDEFG", (6, 30, 10, 14, 14, 12, 8), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"

    summary = wb.create_sheet("分区汇总")
    summary.append(("所在地区", "项目数量", "用地面积合计（亩）", "总投资合计（万元）"))
    for cell in summary[1]:
        cell.font = bold
    for region in sorted({r[2] for r in data}):
        sel = [r for r in data if r[2] == region]
        summary.append((region, len(sel), round(sum(r[3] for r in sel), 1), sum(r[4] for r in sel)))
    last = summary.max_row
    summary.append(("合计", f"=SUM(B2:B{last})", f"=SUM(C2:C{last})", f"=SUM(D2:D{last})"))

    buf = io.BytesIO()
    wb.save(buf)
    return _write(path, _normalize_zip(buf.getvalue()))


def make_csv(path: str | Path, rows: int = 30, seed: int = 0) -> Path:
    """Write a UTF-8 (with BOM, as Excel expects for Chinese) CSV of project records."""
    rng = random.Random(f"csv-{seed}")
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(_TABLE_HEADERS)
    for row in _table_rows(rng, rows):
        writer.writerow([v.isoformat() if isinstance(v, dt.date) else v for v in row])
    return _write(path, buf.getvalue().encode("utf-8-sig"))


def make_txt(path: str | Path, paragraphs: Sequence[str]) -> Path:
    """Write paragraphs as UTF-8 text (no BOM), separated by blank lines."""
    return _write(path, ("\n\n".join(paragraphs) + "\n").encode("utf-8"))


def _rtf_escape(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if ch in "\\{}":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\line ")
        elif code < 0x80:
            out.append(ch)
        else:
            # RTF \uN takes a signed 16-bit value; astral characters need a surrogate pair.
            units = ch.encode("utf-16-le")
            for i in range(0, len(units), 2):
                unit = int.from_bytes(units[i : i + 2], "little")
                if unit >= 0x8000:
                    unit -= 0x10000
                out.append(f"\\u{unit}?")
    return "".join(out)


def make_rtf(path: str | Path, title: str, paragraphs: Sequence[str]) -> Path:
    """Write an RTF document; non-ASCII text uses ``\\uN?`` escapes so the file is pure ASCII."""
    parts = [
        "{\\rtf1\\ansi\\ansicpg936\\deff0\\uc1",
        # fcharset134 = GB2312; the font names are escaped like the body text.
        "{\\fonttbl{\\f0\\fnil\\fcharset134 " + _rtf_escape("宋体") + ";}"
        "{\\f1\\fnil\\fcharset134 " + _rtf_escape("黑体") + ";}}",
        "{\\info{\\title " + _rtf_escape(title) + "}{\\author Wenku}}",
        "\\paperw11906\\paperh16838\\margl1800\\margr1800\\margt1440\\margb1440",
        "\\pard\\qc\\f1\\fs36\\b " + _rtf_escape(title) + "\\b0\\par",
    ]
    for para in paragraphs:
        parts.append("\\pard\\qj\\fi420\\f0\\fs21 " + _rtf_escape(para) + "\\par")
    parts.append("}")
    return _write(path, ("\r\n".join(parts) + "\r\n").encode("ascii"))


# ---------------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------------


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy per-character wrapping; fine for CJK, where any character may start a line."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    current = ""
    current_w = 0.0
    for ch in text:
        w = stringWidth(ch, font, size)
        if current and current_w + w > width:
            lines.append(current)
            current, current_w = "", 0.0
        current += ch
        current_w += w
    if current:
        lines.append(current)
    return lines


def _pdf_bytes(*, title: str, pages: int, seed: int) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen.canvas import Canvas

    if pages < 1:
        raise ValueError("pages must be >= 1")
    font = "STSong-Light"
    # A built-in CID font is referenced, not embedded, so the PDF stays tiny and needs no
    # font file on the machine; PDF readers supply the glyphs from their own CJK fonts.
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))

    paras = chinese_paragraphs(2 * pages, seed)
    buf = io.BytesIO()
    # invariant=True pins the creation date and document ID, making the bytes reproducible.
    canvas = Canvas(buf, pagesize=A4, invariant=True)
    canvas.setTitle(title)
    canvas.setAuthor("Wenku")
    width, height = A4
    margin = 64
    text_width = width - 2 * margin
    for page in range(1, pages + 1):
        y = height - margin
        canvas.setFont(font, 16)
        for line in _wrap(title, font, 16, text_width):
            canvas.drawString(margin, y, line)
            y -= 24
        canvas.setFont(font, 13)
        canvas.drawString(margin, y, f"第{page}页")
        y -= 26
        canvas.setFont(font, 11)
        for text in paras[2 * (page - 1) : 2 * page]:
            for line in _wrap("　　" + text, font, 11, text_width):
                canvas.drawString(margin, y, line)
                y -= 17
            y -= 8
        canvas.setFont("Helvetica", 9)
        canvas.drawCentredString(width / 2, 36, f"- {page} / {pages} -")
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


def make_pdf(path: str | Path, *, title: str, pages: int = 20, seed: int = 0) -> Path:
    """Write an A4 PDF with Chinese text (STSong-Light CID font), one page per ``pages``.

    Page N shows the title, a line "第N页", two distinct generated paragraphs and a footer
    "- N / total -", so per-page text extraction can be checked.
    """
    return _write(path, _pdf_bytes(title=title, pages=pages, seed=seed))


def make_blank_pdf(path: str | Path, pages: int) -> Path:
    """Write a PDF with ``pages`` near-identical A4 pages, fast (5,000 pages in ~0.05 s).

    Every page shares one content stream (a rule and "Wenku sample page" in Helvetica) and
    one resource dictionary, so the file size and build time grow only with the page objects.
    """
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    if pages < 1:
        raise ValueError("pages must be >= 1")
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        Dictionary(
            Type=Name.Font,
            Subtype=Name.Type1,
            BaseFont=Name.Helvetica,
            Encoding=Name.WinAnsiEncoding,
        )
    )
    resources = pdf.make_indirect(Dictionary(Font=Dictionary(F1=font)))
    content = pdf.make_stream(
        b"0.5 w 72 770 m 523 770 l S\nBT /F1 14 Tf 72 780 Td (Wenku sample page) Tj ET\n"
    )
    media_box = pdf.make_indirect(Array([0, 0, 595, 842]))
    # Fill the page tree's Kids directly: going through pdf.pages.append() makes qpdf
    # revalidate the tree on every call and is ~25x slower for thousands of pages.
    tree = pdf.Root.Pages
    kids = [
        pdf.make_indirect(
            Dictionary(
                Type=Name.Page,
                Parent=tree,
                MediaBox=media_box,
                Contents=content,
                Resources=resources,
            )
        )
        for _ in range(pages)
    ]
    tree.Kids = Array(kids)
    tree.Count = pages
    buf = io.BytesIO()
    pdf.save(buf, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return _write(path, buf.getvalue())


# ---------------------------------------------------------------------------------------------
# EPUB
# ---------------------------------------------------------------------------------------------

_CONTAINER_XML = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""

_EPUB_CSS = """body {
  font-family: "Songti SC", "SimSun", "Noto Serif CJK SC", serif;
  line-height: 1.6;
}
h1 { font-family: "Heiti SC", "SimHei", "Noto Sans CJK SC", sans-serif; text-align: center; }
p { text-indent: 2em; margin: 0.4em 0; }
"""


def _xhtml(title: str, body: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"'
        ' xml:lang="zh-CN" lang="zh-CN">\n<head>\n<meta charset="UTF-8"/>\n'
        f"<title>{html.escape(title)}</title>\n"
        '<link rel="stylesheet" type="text/css" href="style.css"/>\n</head>\n'
        f"<body>\n{body}</body>\n</html>\n"
    )


def make_epub(
    path: str | Path, *, title: str, chapters: Sequence[tuple[str, Sequence[str]]]
) -> Path:
    """Write an EPUB 3 book: one XHTML file per ``(chapter_title, paragraphs)`` pair.

    The ``mimetype`` entry is first and stored uncompressed, as the OCF spec requires for
    readers that sniff the first bytes of the archive.
    """
    if not chapters:
        raise ValueError("an EPUB needs at least one chapter")
    book_id = uuid.uuid5(uuid.NAMESPACE_URL, "wenku-sample:" + title)
    modified = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    esc = html.escape

    files: list[tuple[str, str]] = [("OEBPS/style.css", _EPUB_CSS)]
    manifest = [
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
        '<item id="css" href="style.css" media-type="text/css"/>',
    ]
    spine = []
    toc = []
    for i, (chapter_title, paras) in enumerate(chapters, start=1):
        name = f"chapter{i:03d}.xhtml"
        body = f'<section epub:type="chapter">\n<h1>{esc(chapter_title)}</h1>\n'
        body += "".join(f"<p>{esc(p)}</p>\n" for p in paras) + "</section>\n"
        files.append((f"OEBPS/{name}", _xhtml(chapter_title, body)))
        manifest.append(f'<item id="ch{i}" href="{name}" media-type="application/xhtml+xml"/>')
        spine.append(f'<itemref idref="ch{i}"/>')
        toc.append(f'<li><a href="{name}">{esc(chapter_title)}</a></li>')

    nav_body = (
        '<nav epub:type="toc" id="toc">\n<h1>目录</h1>\n<ol>\n'
        + "\n".join(toc)
        + "\n</ol>\n</nav>\n"
    )
    files.append(("OEBPS/nav.xhtml", _xhtml(title, nav_body)))

    nl = "\n    "
    opf = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0"'
        ' unique-identifier="bookid" xml:lang="zh-CN">\n'
        '  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        f'    <dc:identifier id="bookid">urn:uuid:{book_id}</dc:identifier>\n'
        f"    <dc:title>{esc(title)}</dc:title>\n"
        "    <dc:language>zh-CN</dc:language>\n"
        "    <dc:creator>Wenku</dc:creator>\n"
        f'    <meta property="dcterms:modified">{modified}</meta>\n'
        "  </metadata>\n"
        f"  <manifest>\n    {nl.join(manifest)}\n  </manifest>\n"
        f"  <spine>\n    {nl.join(spine)}\n  </spine>\n"
        "</package>\n"
    )
    files.append(("OEBPS/content.opf", opf))

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        mimetype = zipfile.ZipInfo("mimetype", date_time=_ZIP_DATE_TIME)
        mimetype.compress_type = zipfile.ZIP_STORED
        zf.writestr(mimetype, "application/epub+zip")
        for name, text in [("META-INF/container.xml", _CONTAINER_XML), *files]:
            zi = zipfile.ZipInfo(name, date_time=_ZIP_DATE_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zf.writestr(zi, text.encode("utf-8"))
    return _write(path, buf.getvalue())
