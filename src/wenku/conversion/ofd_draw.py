"""OFD pages drawn into a PDF with reportlab, then converted like any PDF.

Each page is drawn in OFD's own space (millimetres, origin top-left: one `cm` flips and scales
it), in the order a reader paints it: background templates, the layers (Background, Body,
Foreground), foreground templates, annotations' appearances, seals. Objects sit at their
Boundary's corner with their CTM; text is real text — each glyph at its TextCode/DeltaX/DeltaY
position, in the font `ofd_fonts` picks — so pdfium gives each page's text in the file's order.
Paths (AbbreviatedData) are filled and stroked with their colours, widths, caps, joins and
dashes, clipped by their Clips' paths; images (JPEG kept as is, PNG, BMP, GIF, TIFF, JBIG2)
fill the unit square of their CTM; composite objects draw their unit's content. A seal's picture
(a PNG/JPEG/GIF from the signature, or a small OFD drawn like a page) fills its StampAnnot
boundary, cut to its Clip. Drawing errors of one object leave that object out, not the page.
"""

from __future__ import annotations

import contextlib
import logging
import posixpath
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from django.utils.translation import gettext as _
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from .errors import ConversionError, RejectedFile
from .ofd import (
    OfdDocument,
    PageRef,
    Stamp,
    box,
    floats,
    load_resources,
    read_package,
    seal_package,
)
from .ofd import OfdPackage as Package
from .ofd_fonts import FontBook
from .ofd_shapes import color, deltas, multiply, picture, trace

log = logging.getLogger("wenku.conversion")

MM = 72 / 25.4
DEFAULT_LINE_WIDTH = 0.353
LAYERS = {"Background": 0, "Body": 1, "Foreground": 2}
CAPS = {"Butt": 0, "Round": 1, "Square": 2}
JOINS = {"Miter": 0, "Round": 1, "Bevel": 2}
ITALIC_SHEAR = 0.21
MAX_DEPTH = 16


def ofd_to_pdf(src: Path, dst: Path, *, title: str = "") -> Path:
    """Write the PDF of the OFD at `src` to `dst`: one PDF page per OFD page."""
    try:
        zf = zipfile.ZipFile(src)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ConversionError(_("OFD 文件已损坏：不是有效的压缩包。"), detail=str(exc)) from exc
    with zf:
        documents = read_package(Package(zf))
        renderer = Renderer(dst, title)
        try:
            for document in documents:
                renderer.collect(document, nested=False)
            renderer.fonts.prepare()
            for document in documents:
                for page in document.pages:
                    renderer.page(document, page)
            renderer.canvas.save()
        finally:
            renderer.fonts.close()
    return dst


def _true(el: Element, name: str, default: bool) -> bool:
    value = el.get(name)
    return default if value is None else value.strip().lower() == "true"


def _weight(el: Element) -> int:
    values = floats(el.get("Weight"))
    return int(values[0]) if values else 400


class Renderer:
    def __init__(self, dst: Path, title: str) -> None:
        self.canvas = Canvas(str(dst), pageCompression=1)
        self.canvas.setTitle(title)
        self.canvas.setCreator("Wenku")
        self.fonts = FontBook()
        self._seals: dict[int, list[OfdDocument]] = {}
        self._pictures: dict[tuple[int, str], ImageReader | None] = {}
        self._depth = 0  # page blocks and composite objects inside each other

    # -- pass 1: the characters every font must have ---------------------------------------

    def collect(self, doc: OfdDocument, *, nested: bool) -> None:
        parts = [*doc.templates.values(), *(p.content for p in doc.pages)]
        parts += [name for names in doc.annotations.values() for name in names]
        for name in parts:
            root = doc.pkg.xml(name)
            for ref in root.findall("PageRes"):
                load_resources(doc.pkg, doc.res, posixpath.dirname(name), ref.text)
            self._collect_text(doc, root)
        for unit in doc.res.composites.values():
            self._collect_text(doc, unit)
        if nested:
            return
        for stamp in doc.stamps:
            for seal in self._seal_documents(doc, stamp):
                self.collect(seal, nested=True)

    def _collect_text(self, doc: OfdDocument, root: Element) -> None:
        for el in root.iter("TextObject"):
            font = doc.res.fonts.get(el.get("Font", ""))
            bold = _weight(el) >= 700 or bool(font and font.bold)
            text = "".join(code.text or "" for code in el.iter("TextCode"))
            self.fonts.need(font, bold, text)

    def _seal_documents(self, doc: OfdDocument, stamp: Stamp) -> list[OfdDocument]:
        key = id(stamp)
        if key not in self._seals:
            self._seals[key] = []
            data = doc.seal_picture(stamp)
            package = seal_package(data) if data and data.startswith(b"PK") else None
            if package is not None:
                try:
                    self._seals[key] = read_package(package)
                except RejectedFile as exc:
                    log.info("seal not drawn: %s", exc.message)
        return self._seals[key]

    # -- pass 2: drawing --------------------------------------------------------------------

    @contextlib.contextmanager
    def state(self) -> Iterator[None]:
        self.canvas.saveState()
        try:
            yield
        finally:
            self.canvas.restoreState()

    def page(self, doc: OfdDocument, page: PageRef) -> None:
        root = doc.pkg.xml(page.content)
        for ref in root.findall("PageRes"):
            load_resources(doc.pkg, doc.res, posixpath.dirname(page.content), ref.text)
        x, y, width, height = box(root.findtext("Area/PhysicalBox")) or page.box
        if not (0 < width <= 5000 and 0 < height <= 5000):
            x, y, width, height = page.box
        c = self.canvas
        c.setPageSize((width * MM, height * MM))
        with self.state():
            c.transform(MM, 0, 0, -MM, 0, height * MM)
            c.translate(-x, -y)
            self.page_content(doc, root)
            for name in doc.annotations.get(page.id, []):
                self.annotations(doc, name)
            for stamp in doc.stamps:
                if stamp.page_id == page.id:
                    with self.state():
                        self.stamp(doc, stamp)
        c.showPage()

    def page_content(self, doc: OfdDocument, root: Element) -> None:
        templates = [
            (t.get("TemplateID", ""), t.get("ZOrder", "Background"))
            for t in root.findall("Template")
        ]
        for template, order in templates:
            if order != "Foreground":
                self.template(doc, template)
        content = root.find("Content")
        if content is not None:
            self.layers(doc, content)
        for template, order in templates:
            if order == "Foreground":
                self.template(doc, template)

    def template(self, doc: OfdDocument, template_id: str) -> None:
        name = doc.templates.get(template_id)
        if name is None:
            return
        content = doc.pkg.xml(name).find("Content")
        if content is not None:
            self.layers(doc, content)

    def layers(self, doc: OfdDocument, content: Element) -> None:
        layers = sorted(content.findall("Layer"), key=lambda el: LAYERS.get(el.get("Type", ""), 1))
        for layer in layers:
            self.objects(doc, layer, layer.get("DrawParam"))

    def objects(self, doc: OfdDocument, container: Element, param: str | None) -> None:
        for el in container:
            if el.get("Visible", "true").strip().lower() == "false":
                continue
            draw = {
                "TextObject": self.text,
                "PathObject": self.path,
                "ImageObject": self.image,
                "CompositeObject": self.composite,
                "PageBlock": self.objects,
            }.get(el.tag)
            if draw is None:
                continue
            if self._depth >= MAX_DEPTH:
                log.info("OFD objects nested deeper than %s levels not drawn", MAX_DEPTH)
                return
            self._depth += 1
            try:
                with self.state():
                    draw(doc, el, el.get("DrawParam") or param)
            except ConversionError:
                raise
            except Exception as exc:  # noqa: BLE001 - one odd object must not lose the page
                log.info("OFD %s %s not drawn: %r", el.tag, el.get("ID"), exc)
            finally:
                self._depth -= 1

    def place(self, doc: OfdDocument, el: Element) -> None:
        """Move to the object's boundary, clip (before or after its CTM) and apply its CTM."""
        bounds = box(el.get("Boundary")) or (0, 0, 0, 0)
        self.canvas.translate(bounds[0], bounds[1])
        clips = el.find("Clips")
        after = clips is not None and clips.get("TransFlag", "false").lower() == "true"
        if clips is not None and not after:
            self.clip(doc, clips)
        ctm = floats(el.get("CTM"))
        if len(ctm) == 6:
            self.canvas.transform(*ctm)
        if clips is not None and after:
            self.clip(doc, clips)

    def clip(self, doc: OfdDocument, clips: Element) -> None:
        for clip in clips.findall("Clip"):
            path = self.canvas.beginPath()
            segments = 0
            for area in clip.findall("Area"):
                shape = area.find("Path")
                if shape is None:
                    shape = area.find("PathObject")
                if shape is None:
                    continue  # text as a clip: not supported, drawn unclipped
                area_ctm = floats(area.get("CTM"))
                matrix = tuple(area_ctm) if len(area_ctm) == 6 else (1, 0, 0, 1, 0, 0)
                bounds = box(shape.get("Boundary")) or (0, 0, 0, 0)
                matrix = multiply((1, 0, 0, 1, bounds[0], bounds[1]), matrix)
                shape_ctm = floats(shape.get("CTM"))
                if len(shape_ctm) == 6:
                    matrix = multiply(tuple(shape_ctm), matrix)
                segments += trace(path, shape.findtext("AbbreviatedData"), matrix)
            if segments:
                self.canvas.clipPath(path, stroke=0, fill=0)

    def param(self, doc: OfdDocument, param: str | None, name: str) -> str | Element | None:
        """An attribute (or a FillColor/StrokeColor child) of a draw parameter, or of the
        ones it is relative to."""
        seen = set()
        while param and param not in seen:
            seen.add(param)
            el = doc.res.draw_params.get(param)
            if el is None:
                return None
            value = el.find(name) if name.endswith("Color") else el.get(name)
            if value is not None:
                return value
            param = el.get("Relative")
        return None

    def paint(self, doc: OfdDocument, el: Element, param: str | None, which: str) -> bool:
        """Set the fill or stroke colour (and its alpha); False when it is invisible."""
        tag = "FillColor" if which == "fill" else "StrokeColor"
        spec = el.find(tag)
        if spec is None:
            spec = self.param(doc, param, tag)
        value = ("rgb", (0.0, 0.0, 0.0))
        alpha = 1.0
        if isinstance(spec, Element):
            if spec.get("Value") is None:
                seg = spec.find(".//Segment/Color")  # a shading: its first colour
                spec = seg if seg is not None else spec
            space = doc.res.colorspaces.get(spec.get("ColorSpace", ""))
            value = color(spec.get("Value"), space) or value
            alpha = min(max((floats(spec.get("Alpha")) or [255])[0] / 255, 0.0), 1.0)
        object_alpha = floats(el.get("Alpha"))
        if object_alpha:
            alpha *= min(max(object_alpha[0] / 255, 0.0), 1.0)
        c = self.canvas
        kind, comps = value
        if which == "fill":
            (c.setFillColorRGB if kind == "rgb" else c.setFillColorCMYK)(*comps)
            if alpha < 1:
                c.setFillAlpha(alpha)
        else:
            (c.setStrokeColorRGB if kind == "rgb" else c.setStrokeColorCMYK)(*comps)
            if alpha < 1:
                c.setStrokeAlpha(alpha)
        return alpha > 0

    def line_style(self, doc: OfdDocument, el: Element, param: str | None) -> None:
        c = self.canvas
        width = floats(el.get("LineWidth") or self.param(doc, param, "LineWidth"))
        c.setLineWidth(width[0] if width else DEFAULT_LINE_WIDTH)
        cap = el.get("Cap") or self.param(doc, param, "Cap")
        join = el.get("Join") or self.param(doc, param, "Join")
        c.setLineCap(CAPS.get(cap or "", 0))
        c.setLineJoin(JOINS.get(join or "", 0))
        miter = floats(el.get("MiterLimit") or self.param(doc, param, "MiterLimit"))
        if miter and miter[0] >= 1:
            c.setMiterLimit(miter[0])
        dash = floats(el.get("DashPattern") or self.param(doc, param, "DashPattern"))
        if dash and any(d > 0 for d in dash):
            offset = floats(el.get("DashOffset") or self.param(doc, param, "DashOffset"))
            c.setDash(dash, offset[0] if offset else 0)

    def path(self, doc: OfdDocument, el: Element, param: str | None) -> None:
        stroke = _true(el, "Stroke", True)
        fill = _true(el, "Fill", False)
        if not (stroke or fill):
            return
        self.place(doc, el)
        if stroke:
            stroke = self.paint(doc, el, param, "stroke")
            self.line_style(doc, el, param)
        if fill:
            fill = self.paint(doc, el, param, "fill")
        shape = self.canvas.beginPath()
        if trace(shape, el.findtext("AbbreviatedData")):
            even_odd = el.get("Rule", "NonZero").lower().startswith("even")
            self.canvas.drawPath(shape, stroke=int(stroke), fill=int(fill), fillMode=int(even_odd))

    def text(self, doc: OfdDocument, el: Element, param: str | None) -> None:
        font = doc.res.fonts.get(el.get("Font", ""))
        size = (floats(el.get("Size")) or [3.5])[0]
        bold = _weight(el) >= 700 or bool(font and font.bold)
        italic = _true(el, "Italic", False) or bool(font and font.italic)
        fill, stroke = _true(el, "Fill", True), _true(el, "Stroke", False)
        self.place(doc, el)
        if fill:
            fill = self.paint(doc, el, param, "fill")
        if stroke:
            stroke = self.paint(doc, el, param, "stroke")
            self.line_style(doc, el, param)
        mode = {(True, False): 0, (False, True): 1, (True, True): 2}.get((fill, stroke), 3)
        hscale = (floats(el.get("HScale")) or [1.0])[0] or 1.0
        shear = ITALIC_SHEAR if italic else 0.0
        chooser = self.fonts.chooser(font, doc.pkg, bold)
        text = self.canvas.beginText()
        text.setTextRenderMode(mode)
        current: tuple[str, int] | None = None
        x = y = advance = 0.0
        for code in el.iter("TextCode"):
            chars = code.text or ""
            x = (floats(code.get("X")) or [x])[0]
            y = (floats(code.get("Y")) or [y])[0]
            dx = deltas(code.get("DeltaX"), len(chars))
            dy = deltas(code.get("DeltaY"), len(chars))
            for i, ch in enumerate(chars):
                choice = chooser.face(ch)
                if i:
                    x += dx[i - 1] if i - 1 < len(dx) else advance
                    y += dy[i - 1] if i - 1 < len(dy) else 0.0
                advance = 0.0
                if choice is None:
                    continue
                face, visible = choice
                advance = stringWidth(ch, face.name, size) * hscale if visible else size
                wanted = (face.name, mode if visible else 3)
                if wanted != current:
                    text.setFont(face.name, size)
                    text.setTextRenderMode(wanted[1])
                    current = wanted
                text.setTextTransform(hscale, 0, shear, -1, x, y)
                text.textOut(ch)
            if chars:
                x += advance
        self.canvas.drawText(text)

    def image(self, doc: OfdDocument, el: Element, param: str | None) -> None:
        media = doc.res.media.get(el.get("ResourceID", ""))
        if media is None:
            return
        reader = self.picture(doc.pkg, media[0])
        if reader is None:
            return
        self.place(doc, el)
        alpha = floats(el.get("Alpha"))
        if alpha and alpha[0] < 255:
            self.canvas.setFillAlpha(max(alpha[0], 0) / 255)
        self.unit_image(reader)

    def unit_image(self, reader: ImageReader) -> None:
        """Paint an image on the unit square, its top row at y = 0 (OFD's image space)."""
        self.canvas.transform(1, 0, 0, -1, 0, 1)
        self.canvas.drawImage(reader, 0, 0, 1, 1, mask="auto")

    def picture(self, pkg: Package, member: str) -> ImageReader | None:
        key = (id(pkg), member)
        if key not in self._pictures:
            try:
                self._pictures[key] = picture(pkg.read(member))
            except RejectedFile:
                self._pictures[key] = None
        return self._pictures[key]

    def composite(self, doc: OfdDocument, el: Element, param: str | None) -> None:
        unit = doc.res.composites.get(el.get("ResourceID", ""))
        content = unit.find("Content") if unit is not None else None
        if content is None:
            return
        self.place(doc, el)
        self.objects(doc, content, param)

    def annotations(self, doc: OfdDocument, name: str) -> None:
        for annot in doc.pkg.xml(name).iter("Annot"):
            if annot.get("Visible", "true").strip().lower() == "false":
                continue
            for appearance in annot.findall("Appearance"):
                bounds = box(appearance.get("Boundary")) or (0, 0, 0, 0)
                with self.state():
                    self.canvas.translate(bounds[0], bounds[1])
                    self.objects(doc, appearance, None)

    def stamp(self, doc: OfdDocument, stamp: Stamp) -> None:
        x, y, width, height = stamp.boundary
        c = self.canvas
        if stamp.clip is not None:
            cx, cy, cw, ch = stamp.clip
            rect = c.beginPath()
            rect.rect(x + cx, y + cy, cw, ch)
            c.clipPath(rect, stroke=0, fill=0)
        c.translate(x, y)
        seals = self._seal_documents(doc, stamp)
        if seals and seals[0].pages:
            seal, page = seals[0], seals[0].pages[0]
            root = seal.pkg.xml(page.content)
            sx, sy, sw, sh = box(root.findtext("Area/PhysicalBox")) or page.box
            if sw > 0 and sh > 0:
                c.scale(width / sw, height / sh)
                c.translate(-sx, -sy)
                self.page_content(seal, root)
            return
        data = doc.seal_picture(stamp)
        reader = picture(data) if data else None
        if reader is not None:
            c.scale(width, height)
            self.unit_image(reader)
