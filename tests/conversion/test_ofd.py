"""OFD (GB/T 33190) documents: the package is read, each page is drawn by our renderer (text as
text, paths, images, seals) and converted like a PDF; broken or hostile packages are refused at
upload with a message that names the problem.

Samples from ofdrw's tests are in tests/data/ofd (README.md there); others are built here."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from django.core.files.storage import default_storage
from PIL import Image

from wenku.conversion import runner
from wenku.conversion.ingest import IngestError, ingest
from wenku.conversion.ofd import OfdPackage, read_package
from wenku.library.models import Document

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "ofd"
MM = 72 / 25.4
NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'
XML = '<?xml version="1.0" encoding="UTF-8"?>'


@pytest.fixture
def convert(user, tmp_docs, site_settings, django_capture_on_commit_callbacks):
    # The text layer drawn here is what is tested: OCR (which reads pages with little text,
    # such as a one-line sample) stays off.
    site_settings.ocr_enabled = False
    site_settings.save()

    def run(path: Path, name: str | None = None) -> Document:
        document = ingest(path, name or path.name, user)
        with django_capture_on_commit_callbacks(execute=True):
            runner.run_conversion(document.pk)
        document.refresh_from_db()
        assert document.status == Document.Status.READY, document.error
        return document

    return run


def _sample(name: str, tmp_docs: Path) -> Path:
    return Path(shutil.copy(SAMPLES / name, tmp_docs / name))


def _texts(document: Document) -> list[str]:
    return [
        re.sub(r"\s+", "", t)
        for t in document.pages.order_by("number").values_list("text", flat=True)
    ]


def _render(document: Document, page: int, scale: float = 2.0) -> Image.Image:
    with default_storage.open(document.pdf.name) as f:
        pdf = pdfium.PdfDocument(f.read())
    try:
        return pdf[page - 1].render(scale=scale).to_pil().convert("RGB")
    finally:
        pdf.close()


def _count(image: Image.Image, box_mm: tuple[float, float, float, float], test, scale=2.0) -> int:
    x, y, w, h = (round(v * MM * scale) for v in box_mm)
    region = image.crop((x, y, x + w, y + h))
    data = region.tobytes()
    return sum(1 for i in range(0, len(data), 3) if test(data[i], data[i + 1], data[i + 2]))


def red(r: int, g: int, b: int) -> bool:
    return r > 190 and g < 100 and b < 100


# -- building OFD packages ---------------------------------------------------------------------


def text_object(oid: int, boundary: str, text: str, *, font: int = 1, size: float = 5, extra=""):
    return (
        f'<ofd:TextObject ID="{oid}" Boundary="{boundary}" Font="{font}" Size="{size}">{extra}'
        f'<ofd:TextCode X="0" Y="{size}" DeltaX="g {max(len(text) - 1, 0)} {size}">{text}'
        "</ofd:TextCode></ofd:TextObject>"
    )


def page_xml(objects: str, *, area: str = "") -> str:
    area = f"<ofd:Area><ofd:PhysicalBox>{area}</ofd:PhysicalBox></ofd:Area>" if area else ""
    return (
        f'{XML}<ofd:Page {NS}>{area}<ofd:Content><ofd:Layer ID="2">{objects}</ofd:Layer>'
        "</ofd:Content></ofd:Page>"
    )


def make_ofd(
    path: Path,
    pages: list[str],
    *,
    box: str = "0 0 210 297",
    document: str | None = None,
    members: dict[str, bytes | str] | None = None,
    skip: tuple[str, ...] = (),
) -> Path:
    """An OFD package: OFD.xml, Doc_0/Document.xml, PublicRes.xml (宋体, 黑体, one PNG image)
    and one Content.xml per page."""
    listed = "".join(
        f'<ofd:Page ID="{10 + i}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages))
    )
    parts: dict[str, bytes | str] = {
        "OFD.xml": f'{XML}<ofd:OFD {NS} Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo>'
        "<ofd:DocID>wenku-test</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml"
        "</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        "Doc_0/Document.xml": document
        or f"{XML}<ofd:Document {NS}><ofd:CommonData><ofd:MaxUnitID>99</ofd:MaxUnitID>"
        f"<ofd:PageArea><ofd:PhysicalBox>{box}</ofd:PhysicalBox></ofd:PageArea>"
        "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>"
        f"<ofd:Pages>{listed}</ofd:Pages></ofd:Document>",
        "Doc_0/PublicRes.xml": f'{XML}<ofd:Res {NS} BaseLoc="Res"><ofd:Fonts>'
        '<ofd:Font ID="1" FontName="宋体"/><ofd:Font ID="2" FontName="黑体"/>'
        '<ofd:Font ID="3" FontName="Times New Roman"/></ofd:Fonts>'
        '<ofd:MultiMedias><ofd:MultiMedia ID="5" Type="Image" Format="PNG">'
        "<ofd:MediaFile>green.png</ofd:MediaFile></ofd:MultiMedia></ofd:MultiMedias></ofd:Res>",
        "Doc_0/Res/green.png": _png((0, 160, 0)),
    }
    for i, content in enumerate(pages):
        parts[f"Doc_0/Pages/Page_{i}/Content.xml"] = content
    parts.update(members or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            if name not in skip:
                zf.writestr(name, data)
    return path


def _png(color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(out, "PNG")
    return out.getvalue()


# -- reading and converting --------------------------------------------------------------------


def test_the_package_is_read_pages_templates_fonts_and_seals():
    with zipfile.ZipFile(SAMPLES / "ofdrw-converter-n.ofd") as zf:
        (doc,) = read_package(OfdPackage(zf))
        assert [p.id for p in doc.pages] == ["1001", "1021"]
        assert doc.pages[0].box == (0.0, 0.0, 210.0, 297.0)
        assert {f.name for f in doc.res.fonts.values()} == {"宋体", "仿宋", "小标宋体"}
        (stamp,) = doc.stamps
        assert stamp.page_id == "1021" and stamp.boundary == (122.94, 37.0, 33.0, 33.0)
        assert doc.seal_picture(stamp).startswith(b"\x89PNG")
    with zipfile.ZipFile(SAMPLES / "ofdrw-converter-1.ofd") as zf:
        (doc,) = read_package(OfdPackage(zf))
        assert list(doc.templates) == ["2"] and doc.pages[0].box[2:] == (210.0, 140.0)
        assert "Doc_0/Res/image_78.jb2" in {m[0] for m in doc.res.media.values()}
        assert doc.seal_picture(doc.stamps[0]).startswith(b"PK"), "a seal that is an OFD"


@pytest.mark.parametrize(
    ("name", "pages", "texts"),
    [
        ("ofdrw-converter-helloworld.ofd", 1, ["你好呀，OFDReader&Writer！"]),
        ("ofdrw-reader-chineseDir.ofd", 1, None),
        ("ofdrw-reader-multiKeywordInTextCode.ofd", 1, None),
    ],
)
def test_samples_convert_with_their_pages_and_text(name, pages, texts, convert, tmp_docs):
    document = convert(_sample(name, tmp_docs))
    assert document.format == "ofd"
    assert document.page_count == pages
    got = _texts(document)
    with zipfile.ZipFile(SAMPLES / name) as zf:
        (doc,) = read_package(OfdPackage(zf))
        expected = [
            re.sub(
                r"\s+", "", "".join(c.text or "" for c in doc.pkg.xml(p.content).iter("TextCode"))
            )
            for p in doc.pages
        ]
    assert got == (texts or expected)


def test_the_government_document_is_readable_with_its_red_header(convert, tmp_docs):
    document = convert(_sample("ofdrw-converter-n.ofd", tmp_docs))
    assert document.page_count == 2
    first, second = _texts(document)
    assert first.startswith("测试符路桥区卫生局文件路卫发〔2011〕76号关于同意张阿三同志辞职的批复")
    assert "根据《浙江省专业技术人员和管理人员辞职暂行办法》" in first
    assert "测试符路桥区卫生局办公室2011年3月10日印发" in second
    page = _render(document, 1)
    assert red(*page.getpixel((round(100 * MM * 2), round(83.49 * MM * 2)))), "the red rule"
    assert _count(page, (39.14, 37.0, 133.71, 16.17), red) > 2000, "the red header"
    assert _count(page, (28, 129, 100, 10), red) == 0, "body text is black"
    seal = _render(document, 2)
    assert _count(seal, (122.94, 37.0, 33.0, 33.0), red) > 1000, "the seal on page 2"


def test_an_invoice_is_drawn_with_its_seal_and_qr_code(convert, tmp_docs):
    document = convert(_sample("ofdrw-converter-1.ofd", tmp_docs))
    (text,) = _texts(document)
    for words in (
        "浙江增值税电子普通发票",
        "江苏京利华新材料有限公司",
        "¥526.00",
        "兰溪市悦济舫餐厅",
    ):
        assert words in text
    assert "国家税务总局" in text, "the seal, an OFD of its own, is drawn with its text"
    page = _render(document, 1)
    assert page.size == (round(210 * MM * 2), round(140 * MM * 2))
    assert _count(page, (90, 8, 30, 20), red) > 500, "the red seal in its boundary"
    dark = _count(page, (8.5, 3.5, 20, 20), lambda r, g, b: r + g + b < 150)
    assert dark > 1000, "the JBIG2 QR code"


def test_an_ofd_built_here_text_paths_images_page_sizes(convert, tmp_docs):
    blue = (
        '<ofd:PathObject ID="20" Boundary="20 60 50 20" Fill="true" Stroke="false">'
        '<ofd:FillColor Value="0 0 255"/>'
        "<ofd:AbbreviatedData>M 0 0 L 50 0 L 50 20 L 0 20 C</ofd:AbbreviatedData></ofd:PathObject>"
    )
    image = '<ofd:ImageObject ID="21" Boundary="100 60 30 30" CTM="30 0 0 30 0 0" ResourceID="5"/>'
    rotated = text_object(22, "150 150 40 10", "旋转", font=2, extra="")
    rotated = rotated.replace('Font="2"', 'Font="2" CTM="0 1 -1 0 10 0"')
    first = page_xml(
        text_object(4, "20 20 150 10", "生成的第一页，黑体。") + blue + image + rotated
    )
    second = page_xml(
        text_object(6, "5 5 90 8", "Second page 第二页", font=3, size=4),
        area="0 0 100 50",
    )
    path = make_ofd(tmp_docs / "生成.ofd", [first, second])
    document = convert(path)
    assert document.page_count == 2
    assert _texts(document) == ["生成的第一页，黑体。旋转", "Secondpage第二页"]
    sizes = list(document.pages.order_by("number").values_list("width_pt", "height_pt"))
    assert sizes[0] == pytest.approx((210 * MM, 297 * MM), abs=0.01)
    assert sizes[1] == pytest.approx((100 * MM, 50 * MM), abs=0.01), "the page's own Area"
    page = _render(document, 1)
    assert page.getpixel((round(45 * MM * 2), round(70 * MM * 2))) == (0, 0, 255)
    r, g, b = page.getpixel((round(115 * MM * 2), round(75 * MM * 2)))
    assert g > 120 and r < 40 and b < 40, "the image"
    assert _count(page, (20, 20, 60, 8), lambda r, g, b: r + g + b < 200) > 300, "text is drawn"


# -- refused at upload -------------------------------------------------------------------------


def _refused(path: Path, user) -> IngestError:
    with pytest.raises(IngestError) as caught:
        ingest(path, path.name, user)
    return caught.value


def test_a_zip_bomb_is_refused(user, tmp_docs):
    bomb = b"\0" * (12 * 1024 * 1024)
    path = make_ofd(tmp_docs / "bomb.ofd", [page_xml("")], members={"Doc_0/Res/big.bin": bomb})
    assert _refused(path, user).code == "zip_bomb"


def test_xxe_in_document_xml_is_refused(user, tmp_docs):
    document = (
        f'{XML}<!DOCTYPE ofd:Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        f"<ofd:Document {NS}><ofd:CommonData><ofd:MaxUnitID>&xxe;</ofd:MaxUnitID>"
        '</ofd:CommonData><ofd:Pages><ofd:Page ID="10" BaseLoc="Pages/Page_0/Content.xml"/>'
        "</ofd:Pages></ofd:Document>"
    )
    path = make_ofd(tmp_docs / "xxe.ofd", [page_xml("")], document=document)
    refused = _refused(path, user)
    assert refused.code == "xxe" and "Doc_0/Document.xml" in refused.message


@pytest.mark.parametrize(
    ("build", "code", "words"),
    [
        (
            lambda p: make_ofd(p, [page_xml("")], skip=("Doc_0/Document.xml",)),
            "malformed",
            "Document.xml",
        ),
        (
            lambda p: make_ofd(p, [page_xml("")], skip=("Doc_0/Pages/Page_0/Content.xml",)),
            "malformed",
            "第 1 页",
        ),
        (lambda p: make_ofd(p, [page_xml("")], box="0 0 6000 297"), "malformed", "6000"),
        (
            lambda p: make_ofd(p, [page_xml(""), page_xml("", area="0 0 210 -5")]),
            "malformed",
            "第 2 页",
        ),
        (lambda p: make_ofd(p, [page_xml("")] * 2001), "too_many_pages", "2000"),
        (
            lambda p: make_ofd(p, [page_xml("")], members={"Encryptions.xml": "<x/>"}),
            "encrypted",
            "加密",
        ),
        (
            lambda p: make_ofd(p, [page_xml("")], members={"Doc_0/Document.xml": "not xml"}),
            "malformed",
            "XML",
        ),
    ],
    ids=[
        "no-document",
        "no-page",
        "6-metre-page",
        "negative-page",
        "2001-pages",
        "encrypted",
        "not-xml",
    ],
)
def test_broken_packages_are_refused_with_a_precise_message(build, code, words, user, tmp_docs):
    refused = _refused(build(tmp_docs / "broken.ofd"), user)
    assert refused.code == code, refused.message
    assert words in refused.message
    assert not Document.objects.exists()
