"""Builders for the kinds of real files that broke conversion, one per class of defect.

Each `make_*` writes one file and returns its path. They reproduce what real uploads carry —
Western fonts next to Chinese ones, legacy text encodings, LibreOffice's own harmless DOCTYPEs,
Office's default password, filled-in PDF forms, a broken page, XFA forms, wide CSV cells,
Word 2003 XML named .doc, XHTML entities in EPUB — built in code so that tests and
`bench/fidelity.py` know exactly what each file holds.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from wenku.samples.epub import make_epub
from wenku.samples.text import chinese_paragraphs, english_paragraphs

# Western font names and the metric-compatible font each must be drawn with (Debian packages
# fonts-liberation2, fonts-crosextra-carlito, fonts-crosextra-caladea).
WESTERN_FONTS = {
    "Times New Roman": "LiberationSerif",
    "Arial": "LiberationSans",
    "Courier New": "LiberationMono",
    "Calibri": "Carlito",
    "Cambria": "Caladea",
}
CHINESE_FONTS = {"宋体": "NotoSerifCJK", "黑体": "NotoSansCJK"}

# A sentence per encoding, in a language that encoding is used for; each survives its encoding.
ENCODED_TEXTS = {
    "gb18030": "土地利用总体规划的批复文件已经下达，各级政府应当严格执行耕地保护制度。",
    "big5": "臺灣的學校教育重視閱讀與寫作，圖書館藏書豐富，學生經常借閱。",
    "cp932": "吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。",
    "cp949": "다람쥐 헌 쳇바퀴에 타고파. 키스의 고유조건은 입술끼리 만나야 한다.",
    "cp1252": "Le café était très animé ce matin-là ; « Où est passé l’été ? » demanda-t-il.",
    "latin-1": "Größere Übungen für Schüler: die Straße führt über die Brücke.",
    "cp866": "Съешь же ещё этих мягких французских булок, да выпей чаю.",
    "utf-16": "统一码文本（UTF-16，带字节顺序标记）：𠀀𠀁𪚥 是扩展 B 区的汉字。",
    "utf-8": "扩展 B 区汉字 𠀀𠀁𪚥𠮷 必须出现在图片和文字中。",
}


def make_font_mix_docx(path: str | Path, *, repeat: int = 2) -> Path:
    """A DOCX whose paragraphs ask for Western and Chinese fonts by name, one font each."""
    import docx
    from docx.oxml.ns import qn

    document = docx.Document()
    english = english_paragraphs(len(WESTERN_FONTS) * repeat, seed=5)
    chinese = chinese_paragraphs(len(CHINESE_FONTS) * repeat, seed=5)
    for i in range(repeat):
        for j, font in enumerate(WESTERN_FONTS):
            run = document.add_paragraph().add_run(f"{font}: {english[i * len(WESTERN_FONTS) + j]}")
            run.font.name = font
            run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
        for j, font in enumerate(CHINESE_FONTS):
            run = document.add_paragraph().add_run(chinese[i * len(CHINESE_FONTS) + j])
            run.font.name = font
            run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    document.save(str(path))
    return Path(path)


def make_western_docx(path: str | Path, *, paragraphs: int = 60, seed: int = 7) -> Path:
    """A long English DOCX in Times New Roman with Courier New listings: pages break on metrics."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    for i, text in enumerate(english_paragraphs(paragraphs, seed=seed)):
        paragraph = document.add_paragraph()
        run = paragraph.add_run(text)
        run.font.name, run.font.size = "Times New Roman", Pt(12)
        if i % 6 == 5:
            code = document.add_paragraph().add_run(
                "\n".join(f"    result[{n}] = compute(value_{n}, factor={n * 7})" for n in range(6))
            )
            code.font.name, code.font.size = "Courier New", Pt(10)
    document.save(str(path))
    return Path(path)


def make_encoded_text(path: str | Path, encoding: str, *, repeat: int = 8) -> Path:
    """A TXT file of `ENCODED_TEXTS[encoding]`, a line per repeat, in that encoding."""
    text = "\n".join(f"{n + 1}. {ENCODED_TEXTS[encoding]}" for n in range(repeat)) + "\n"
    data = text.encode(encoding)  # "utf-16" writes its BOM
    Path(path).write_bytes(data)
    return Path(path)


def encoded_text_lines(encoding: str, *, repeat: int = 8) -> list[str]:
    return [f"{n + 1}. {ENCODED_TEXTS[encoding]}" for n in range(repeat)]


# --- ODF written by LibreOffice: harmless DOCTYPEs ------------------------------------------

_ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" office:version="1.3"'
)
# Written by LibreOffice into every formula object and Basic module (LibreOffice 7.x/25.x).
MATH_DOCTYPE = (
    '<!DOCTYPE math:math PUBLIC "-//OpenOffice.org//DTD Modified W3C MathML 1.01//EN" "math.dtd">'
)
BASIC_DOCTYPE = (
    '<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">'
)


def _zip(path: str | Path, members: list[tuple[str, bytes]]) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    Path(path).write_bytes(buf.getvalue())
    return Path(path)


def make_odt_with_formula_and_macro(path: str | Path, *, text: str) -> Path:
    """An ODT with a formula object and a Basic macro library, DOCTYPEs as LibreOffice writes."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_ODF_NS}>'
        "<office:body><office:text>"
        f"<text:p>{text}</text:p>"
        '<text:p><draw:frame draw:name="公式1" svg:width="3cm" svg:height="1cm">'
        '<draw:object xlink:href="./Object 1" xlink:type="simple" xlink:show="embed"'
        ' xlink:actuate="onLoad"/></draw:frame></text:p>'
        "</office:text></office:body></office:document-content>"
    )
    formula = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{MATH_DOCTYPE}\n'
        '<math:math xmlns:math="http://www.w3.org/1998/Math/MathML"><math:semantics>'
        "<math:mrow><math:mi>E</math:mi><math:mo>=</math:mo><math:mi>m</math:mi>"
        "<math:msup><math:mi>c</math:mi><math:mn>2</math:mn></math:msup></math:mrow>"
        '<math:annotation math:encoding="StarMath 5.0">E = m c^2</math:annotation>'
        "</math:semantics></math:math>"
    )
    module = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{BASIC_DOCTYPE}\n'
        '<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1"'
        ' script:language="StarBasic">Sub Main\nEnd Sub\n</script:module>'
    )
    library = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN"'
        ' "library.dtd">\n'
        '<library:library xmlns:library="http://openoffice.org/2000/library"'
        ' library:name="Standard" library:readonly="false" library:passwordprotected="false">'
        '<library:element library:name="Module1"/></library:library>'
    )
    manifest = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest {_ODF_NS}>'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="Object 1/content.xml"'
        ' manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="Object 1/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.formula"/>'
        '<manifest:file-entry manifest:full-path="Basic/Standard/Module1.xml"'
        ' manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="Basic/Standard/script-lb.xml"'
        ' manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    return _zip(
        path,
        [
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", content.encode()),
            ("Object 1/content.xml", formula.encode()),
            ("Basic/Standard/Module1.xml", module.encode()),
            ("Basic/Standard/script-lb.xml", library.encode()),
            ("META-INF/manifest.xml", manifest.encode()),
        ],
    )


def make_encrypted_odt(path: str | Path) -> Path:
    """An ODT saved with a password: the manifest lists encryption data, content is ciphertext."""
    import os

    manifest = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest {_ODF_NS}>'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"'
        ' manifest:size="2048"><manifest:encryption-data manifest:checksum-type="SHA1/1K"'
        ' manifest:checksum="AAAA"><manifest:algorithm'
        ' manifest:algorithm-name="http://www.w3.org/2001/04/xmlenc#aes256-cbc"'
        ' manifest:initialisation-vector="AAAA"/><manifest:key-derivation'
        ' manifest:key-derivation-name="PBKDF2" manifest:key-size="32"'
        ' manifest:iteration-count="100000" manifest:salt="AAAA"/>'
        "</manifest:encryption-data></manifest:file-entry></manifest:manifest>"
    )
    return _zip(
        path,
        [
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", os.urandom(2048)),
            ("META-INF/manifest.xml", manifest.encode()),
        ],
    )


def make_docx_with_altchunk(path: str | Path, *, text: str, chunk_text: str) -> Path:
    """A DOCX that imports an HTML part (altChunk), whose XHTML DOCTYPE names the W3C's DTD."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    document.add_paragraph(text)
    html = (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"'
        ' "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><meta charset="utf-8"/></head>'
        f"<body><p>{chunk_text}</p></body></html>"
    )
    part = Part(
        PackURI("/word/afchunk.htm"), "application/xhtml+xml", html.encode(), document.part.package
    )
    rel_id = document.part.relate_to(part, RT.A_F_CHUNK)
    chunk = OxmlElement("w:altChunk")
    chunk.set(qn("r:id"), rel_id)
    document.element.body.insert(len(document.element.body) - 1, chunk)
    document.save(str(path))
    return Path(path)


def _xlsx_bytes(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def make_encrypted_xlsx(path: str | Path, *, password: str, rows: list[list[str]]) -> Path:
    """An XLSX encrypted as Excel does; "VelvetSweatshop" is Office's no-password password."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(_xlsx_bytes(rows))).encrypt(password, out)
    Path(path).write_bytes(out.getvalue())
    return Path(path)


# --- PDFs -----------------------------------------------------------------------------------


def make_filled_form_pdf(path: str | Path, *, value: str) -> tuple[Path, tuple[float, ...]]:
    """A PDF form whose text field holds `value` but no appearance stream (NeedAppearances),
    as many form fillers save it: only a viewer with forms initialised draws the value.
    Returns the path and the field's rectangle (x0, y0, x1, y1 in points, origin bottom left)."""
    import pikepdf
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595, 842))
    c.setFont("Helvetica", 14)
    c.drawString(72, 760, "Application form")
    rect = (72, 600, 472, 640)
    c.acroForm.textfield(
        name="applicant", value="", x=rect[0], y=rect[1], width=400, height=40, fontSize=20
    )
    c.save()
    with pikepdf.open(io.BytesIO(buf.getvalue())) as pdf:
        field = pdf.Root.AcroForm.Fields[0]
        field.V = pikepdf.String(value)
        if "/AP" in field:
            del field["/AP"]
        pdf.Root.AcroForm.NeedAppearances = True
        pdf.save(str(path))
    return Path(path), rect


def make_pdf_with_broken_page(path: str | Path, *, pages: int = 5, broken: int = 3) -> Path:
    """A PDF whose page `broken` (1-based) is not a page object: pdfium cannot load it."""
    import pikepdf
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for n in range(1, pages + 1):
        c.drawString(100, 700, f"Page {n} of the report")
        c.showPage()
    c.save()
    with pikepdf.open(io.BytesIO(buf.getvalue())) as pdf:
        pdf.Root.Pages.Kids[broken - 1] = pdf.make_indirect(pikepdf.Integer(7))
        pdf.save(str(path))
    return Path(path)


XFA_PLACEHOLDER = (
    "Please wait... If this message is not eventually replaced by the proper contents of the "
    "document, your PDF viewer may not be able to display this type of document."
)


def make_xfa_only_pdf(path: str | Path) -> Path:
    """A dynamic XFA form: its one real page is the "Please wait..." placeholder."""
    import pikepdf
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(40, 700, XFA_PLACEHOLDER[:90])
    c.drawString(40, 684, XFA_PLACEHOLDER[90:])
    c.save()
    with pikepdf.open(io.BytesIO(buf.getvalue())) as pdf:
        xdp = pdf.make_stream(
            b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template/></xdp:xdp>'
        )
        pdf.Root.AcroForm = pdf.make_indirect(pikepdf.Dictionary(Fields=pikepdf.Array(), XFA=xdp))
        pdf.Root.NeedsRendering = True
        pdf.save(str(path))
    return Path(path)


# --- Text-based formats ----------------------------------------------------------------------


def make_wide_csv(path: str | Path, *, rows: int = 6) -> tuple[Path, list[str]]:
    """A CSV with long cells (a 150-character remark) next to short ones; returns the cells
    whose whole text must be readable."""
    long_cells = []
    lines = ["编号,姓名,备注,金额"]
    for n in range(rows):
        remark = (
            f"第{n + 1}项备注：该项目已按照土地利用总体规划完成审批，"
            "相关材料齐全，批复文件编号与申请表一致，请相关部门按程序办理后续手续并及时归档。"
        )
        long_cells.append(remark)
        lines.append(f"{n + 1:03d},张{n}明,{remark},{1000 + n * 250}.50")
    Path(path).write_text("\n".join(lines) + "\n", "utf-8")
    return Path(path), long_cells


def make_word2003_xml(path: str | Path, *, paragraphs: list[str]) -> Path:
    """A Word 2003 XML document (WordprocessingML), as government systems export it as ".doc"."""
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<?mso-application progid="Word.Document"?>\n'
        '<w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml">'
        f"<w:body>{body}</w:body></w:wordDocument>"
    )
    Path(path).write_text(xml, "utf-8")
    return Path(path)


def make_spreadsheetml(path: str | Path, *, rows: list[list[str]]) -> Path:
    """An Excel 2003 XML workbook (SpreadsheetML), often named ".xls"."""
    cells = "".join(
        "<Row>" + "".join(f'<Cell><Data ss:Type="String">{v}</Data></Cell>' for v in row) + "</Row>"
        for row in rows
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"'
        ' xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
        f'<Worksheet ss:Name="Sheet1"><Table>{cells}</Table></Worksheet></Workbook>'
    )
    Path(path).write_text(xml, "utf-8")
    return Path(path)


def make_html_named_doc(path: str | Path) -> Path:
    """A web page saved under a .doc name, as some systems "export to Word"."""
    Path(path).write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>通知</title></head>'
        '<body><p>关于开展检查工作的通知</p><img src="http://192.0.2.1/logo.png"></body></html>',
        "utf-8",
    )
    return Path(path)


def make_epub_with_entities(path: str | Path, *, title: str, paragraphs: list[str]) -> Path:
    """An EPUB whose XHTML uses XHTML's named entities (&nbsp; &copy; &mdash; &hellip;)."""
    chapters = [("第一章", [p + "&nbsp;&mdash;&nbsp;&copy;&hellip;" for p in paragraphs])]
    data = io.BytesIO(make_epub(path, title=title, chapters=chapters).read_bytes())
    out = io.BytesIO()
    with zipfile.ZipFile(data) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename.endswith("chapter001.xhtml"):
                # make_epub escaped the ampersands: put the entities back as a book has them.
                content = content.replace(b"&amp;nbsp;", b"&nbsp;").replace(b"&amp;", b"&")
            dst.writestr(info, content)
    Path(path).write_bytes(out.getvalue())
    return Path(path)


def make_unloadable_docx(path: str | Path) -> Path:
    """A DOCX package whose main part is not XML: it passes the checks, LibreOffice cannot load
    it."""
    types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    return _zip(
        path, [("[Content_Types].xml", types.encode()), ("word/document.xml", b"not xml <<<")]
    )


def make_odt_template(path: str | Path, *, text: str) -> Path:
    """An ODF text template (.ott): opens as the document it makes."""
    plain = make_odt_with_formula_and_macro(Path(path).with_suffix(".tmp"), text=text)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "mimetype":
                data = b"application/vnd.oasis.opendocument.text-template"
            elif info.filename == "META-INF/manifest.xml":
                data = data.replace(b'opendocument.text"', b'opendocument.text-template"')
            dst.writestr(info, data)
    plain.unlink()
    Path(path).write_bytes(out.getvalue())
    return Path(path)


def make_docx_with_renamed_main_part(path: str | Path, *, text: str) -> Path:
    """A DOCX whose main part is word/document2.xml, as some generators write it."""
    import docx

    buf = io.BytesIO()
    document = docx.Document()
    document.add_paragraph(text)
    document.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            name = info.filename
            if name == "word/document.xml":
                name = "word/document2.xml"
            elif name == "word/_rels/document.xml.rels":
                name = "word/_rels/document2.xml.rels"
            elif name in ("[Content_Types].xml", "_rels/.rels"):
                data = data.replace(b"/word/document.xml", b"/word/document2.xml")
                data = data.replace(b'"word/document.xml"', b'"word/document2.xml"')
            dst.writestr(name, data)
    Path(path).write_bytes(out.getvalue())
    return Path(path)


def make_untidy_epub(path: str | Path, *, good: str, untidy: str) -> Path:
    """An EPUB as real books are: a chapter file name with a space (%20 in the manifest), a
    chapter that is HTML rather than well-formed XHTML, and a spine entry whose file is gone."""
    chapters = [("第一章", [good]), ("第二章", [untidy]), ("第三章", ["已丢失"])]
    data = io.BytesIO(make_epub(path, title="不规范的书", chapters=chapters).read_bytes())
    out = io.BytesIO()
    with zipfile.ZipFile(data) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info)
            name = info.filename
            if name.endswith("chapter001.xhtml"):
                name = name.replace("chapter001.xhtml", "chapter 001.xhtml")
            elif name.endswith("chapter002.xhtml"):
                content = content.replace(b"</p>", b"<br><p>unclosed")  # not well-formed
            elif name.endswith("chapter003.xhtml"):
                continue  # listed in the spine, missing from the book
            elif name.endswith("content.opf"):
                content = content.replace(b'href="chapter001.xhtml"', b'href="chapter%20001.xhtml"')
            dst.writestr(info if name == info.filename else name, content)
    Path(path).write_bytes(out.getvalue())
    return Path(path)


def make_drm_epub(path: str | Path) -> Path:
    """An EPUB whose chapters are encrypted (Adobe ADEPT-style DRM)."""
    book = make_epub(path, title="加密的书", chapters=[("第一章", ["正文"])])
    encryption = (
        '<?xml version="1.0"?><encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container"'
        ' xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
        '<enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>'
        '<enc:CipherData><enc:CipherReference URI="OEBPS/chapter001.xhtml"/></enc:CipherData>'
        "</enc:EncryptedData></encryption>"
    )
    with zipfile.ZipFile(book, "a") as zf:
        zf.writestr("META-INF/encryption.xml", encryption)
    return Path(path)
