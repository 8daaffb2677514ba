"""Render an ``OfficialDocument`` as .docx (python-docx), GB/T 9704-2012 layout."""

from __future__ import annotations

import copy
import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from . import official as o

ALIGN = {
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
}
RED = RGBColor.from_string(o.RED)


def _fonts(run, names: list[str]) -> None:
    """Name the first font for every script; Word's font table carries the fallbacks (altName)."""
    run.font.name = names[0]
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), names[0])


def _register_fallbacks(document) -> None:
    """Add each named font with its fallback (w:altName) to the font table, as Word does."""
    try:
        table = document.part.font_table_part.element if hasattr(document.part, "font_table_part") else None
    except Exception:  # noqa: BLE001 - the default template may lack the part
        table = None
    if table is None:
        for rel in document.part.rels.values():
            if rel.reltype.endswith("/fontTable"):
                table = rel.target_part
                break
        if table is None:
            return
        from docx.opc.part import XmlPart

        if not isinstance(table, XmlPart):
            from docx.oxml import parse_xml

            element = parse_xml(table.blob)
            _add_fonts(element)
            table._blob = element.xml.encode("utf-8") if hasattr(element, "xml") else table.blob
            from lxml import etree

            table._blob = etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)
            return
        table = table.element
    _add_fonts(table)


def _add_fonts(table) -> None:
    for names in (o.TITLE_FONTS, o.BODY_FONTS, o.HEADING_FONTS, o.KAI_FONTS):
        font = OxmlElement("w:font")
        font.set(qn("w:name"), names[0])
        alt = OxmlElement("w:altName")
        alt.set(qn("w:val"), names[1])
        font.append(alt)
        charset = OxmlElement("w:charset")
        charset.set(qn("w:val"), "86")  # GB2312
        font.append(charset)
        family = OxmlElement("w:family")
        family.set(qn("w:val"), "roman" if names is not o.HEADING_FONTS else "modern")
        font.append(family)
        table.append(font)


def _spacing(paragraph, *, exact_pt: float | None = o.LINE_PITCH_PT, before=0, after=0) -> None:
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if exact_pt:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(exact_pt)


def _para(
    doc_or_cell,
    text="",
    *,
    fonts=o.BODY_FONTS,
    size=o.BODY_PT,
    align="justify",
    indent=False,
    bold=False,
    color=None,
    exact_pt=o.LINE_PITCH_PT,
    before=0,
    after=0,
    right_indent_chars=0,
):
    p = doc_or_cell.add_paragraph()
    p.alignment = ALIGN[align]
    _spacing(p, exact_pt=exact_pt, before=before, after=after)
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    if right_indent_chars:
        p.paragraph_format.right_indent = Pt(size * right_indent_chars)
    if text:
        run = p.add_run(text)
        _fonts(run, fonts)
        run.font.size = Pt(size)
        run.bold = bold
        if color is not None:
            run.font.color.rgb = color
    return p


def _border(paragraph, *, side="bottom", color=o.RED, size_eighths=12, val="single") -> None:
    ppr = paragraph._p.get_or_add_pPr()
    bdr = ppr.find(qn("w:pBdr"))
    if bdr is None:
        bdr = OxmlElement("w:pBdr")
        ppr.append(bdr)
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), val)
    line.set(qn("w:sz"), str(size_eighths))
    line.set(qn("w:space"), "1")
    line.set(qn("w:color"), color)
    bdr.append(line)


def _page_number_footer(footer, align: str) -> None:
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = ALIGN[align]
    p.paragraph_format.left_indent = Pt(o.PAGE_NUMBER_PT) if align == "left" else None
    p.paragraph_format.right_indent = Pt(o.PAGE_NUMBER_PT) if align == "right" else None
    for text, field_code in (("— ", None), (None, "PAGE"), (" —", None)):
        run = p.add_run()
        _fonts(run, o.SONG_FONTS)
        run.font.size = Pt(o.PAGE_NUMBER_PT)
        if field_code:
            for kind, value in (
                ("begin", None),
                ("instr", field_code),
                ("separate", None),
                ("text", "1"),
                ("end", None),
            ):
                if kind == "instr":
                    el = OxmlElement("w:instrText")
                    el.set(qn("xml:space"), "preserve")
                    el.text = f" {value} "
                elif kind == "text":
                    el = OxmlElement("w:t")
                    el.text = value
                else:
                    el = OxmlElement("w:fldChar")
                    el.set(qn("w:fldCharType"), kind)
                r = copy.deepcopy(run._r)
                for child in list(r):
                    if child.tag != qn("w:rPr"):
                        r.remove(child)
                r.append(el)
                p._p.append(r)
            p._p.remove(run._r)
        else:
            run.text = text


def _doc_grid(section) -> None:
    """22 lines of 28 characters: Word's document grid (lines and characters)."""
    sect = section._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(round(o.LINE_PITCH_PT * 20)))
    # charSpace is in 4096ths of a point over the font size
    grid.set(qn("w:charSpace"), str(round((o.CHAR_PITCH_PT - o.BODY_PT) * 4096)))


def _table(doc, block: o.Table) -> None:
    table = doc.add_table(rows=1 + len(block.rows), cols=len(block.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    total = sum(block.widths) if block.widths else len(block.headers)
    widths = [Mm(o.TEXT_W_MM * (block.widths[c] if block.widths else 1) / total) for c in range(len(block.headers))]
    # Row by row: python-docx's table.cell(r, c) and column.cells walk the whole table each time, which made
    # a year's 台账 of 3,000 rows quadratic (30 s); a row's own cells are found in that row alone.
    for r, (row, values) in enumerate(zip(table.rows, [block.headers, *block.rows], strict=True)):
        cells = row.cells
        for c, value in enumerate(values):
            cell = cells[c]
            cell.width = widths[c]
            cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
            _para(
                cell,
                str(value),
                size=12 if r else 12,
                align="center" if r == 0 else "left",
                bold=r == 0,
                fonts=o.HEADING_FONTS if r == 0 else o.BODY_FONTS,
                exact_pt=None,
            )


def render(doc: o.OfficialDocument) -> bytes:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(o.PAGE_W_MM), Mm(o.PAGE_H_MM)
    section.top_margin, section.bottom_margin = Mm(o.TOP_MM), Mm(o.BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(o.LEFT_MM), Mm(o.RIGHT_MM)
    section.header_distance, section.footer_distance = Mm(15), Mm(22)
    _doc_grid(section)
    normal = document.styles["Normal"]
    normal.font.size = Pt(o.BODY_PT)
    normal.font.name = o.BODY_FONTS[0]
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), o.BODY_FONTS[0])
    _register_fallbacks(document)
    # page numbers: odd pages right, even pages left, one character in (GB/T 9704 §7.5)
    document.settings.odd_and_even_pages_header_footer = True
    _page_number_footer(section.footer, "right")
    _page_number_footer(section.even_page_footer, "left")
    body = document.paragraphs[0] if document.paragraphs else None
    if body is not None and not body.text:
        body._p.getparent().remove(body._p)

    if doc.has_red_header:
        # the mark's top edge 35 mm below the text block's top: about 3 blank lines of 16 pt pitch
        _para(document, "", exact_pt=o.LINE_PITCH_PT)
        _para(
            document,
            doc.mark,
            fonts=o.TITLE_FONTS,
            size=o.mark_size_pt(doc.mark),
            align="center",
            color=RED,
            exact_pt=48,
            bold=False,
        )
        _para(document, "")
        number = _para(document, doc.number, align="center")
        _border(number, color=o.RED, size_eighths=12)  # the red separator line, 4 mm under the 文号
        _para(document, "")
    if doc.title:
        _para(document, doc.title, fonts=o.TITLE_FONTS, size=o.TITLE_PT, align="center", exact_pt=o.TITLE_PT * 1.5)
    if doc.subtitle:
        _para(document, doc.subtitle, fonts=o.KAI_FONTS, align="center")
    if doc.title:
        _para(document, "")
    if doc.recipients:
        _para(document, doc.recipients + ("" if doc.recipients.endswith("：") else "："), align="left")
    for block in doc.blocks:
        _block(document, block)
    if doc.attachments:
        _para(document, "")
        for i, name in enumerate(doc.attachments, start=1):
            label = "附件：" if i == 1 else "　　　"
            text = f"{label}{i}. {name}" if len(doc.attachments) > 1 else f"附件：{name}"
            _para(document, text, indent=True, align="left")
    if doc.signature or doc.date:
        _closing(document, doc.signature, doc.date)
    if doc.cc or doc.printed_by:
        _para(document, "")
        if doc.cc:
            p = _para(document, f"抄送：{doc.cc}。", size=14, align="left")
            p.paragraph_format.left_indent = Pt(14)
            _border(p, side="top", color="000000", size_eighths=8)
        p = _para(document, f"{doc.printed_by}　　{o.cn_date(doc.printed_on)}印发", size=14, align="left")
        p.paragraph_format.left_indent = Pt(14)
        _border(p, side="top", color="000000", size_eighths=4)
        _border(p, side="bottom", color="000000", size_eighths=8)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _closing(document, signature: str, date) -> None:
    """落款: one blank line, the issuer's name, the date under it moved two characters right (§7.3.5.2)."""
    date_text = o.cn_date(date) if date else ""
    _para(document, "")
    right = 2 + max(0, (len(date_text) - len(signature)) / 2 - 0) if signature else 4
    if signature:
        p = _para(document, signature, align="right", right_indent_chars=max(2, right))
        p.paragraph_format.keep_with_next = True
    if date_text:
        _para(document, date_text, align="right", right_indent_chars=4 if len(date_text) >= len(signature) else 2)


def _block(document, block) -> None:
    if isinstance(block, o.P):
        _para(document, block.text, indent=block.indent, align=block.align, bold=block.bold)
    elif isinstance(block, o.H1):
        _para(document, block.text, fonts=o.HEADING_FONTS, indent=True, align="left")
    elif isinstance(block, o.H2):
        _para(document, block.text, fonts=o.KAI_FONTS, indent=True, align="left")
    elif isinstance(block, o.Table):
        _table(document, block)
    elif isinstance(block, o.Signatures):
        _para(document, "")
        _para(document, "　　".join(f"{label}：__________" for label in block.labels), align="right")
    elif isinstance(block, o.CutLine):
        p = _para(document, block.label, size=10, align="center", exact_pt=None, before=6, after=6)
        _border(p, side="top", color="000000", size_eighths=6, val="dashed")
    elif isinstance(block, o.PageBreak):
        from docx.enum.text import WD_BREAK

        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    elif isinstance(block, o.Part):
        _para(document, block.title, fonts=o.TITLE_FONTS, size=18, align="center", exact_pt=34)
        if block.number:
            _para(document, block.number, align="right", right_indent_chars=1)
    elif isinstance(block, o.Closing):
        _closing(document, block.signature, block.date)
        if block.seal_note:
            _para(document, block.seal_note, align="right", right_indent_chars=6)
