"""Render an ``OfficialDocument`` as PDF, from the same blocks as the .docx.

The PDF engine is WeasyPrint: it lays out HTML/CSS paged media (exact @page margins in mm,
margin boxes for "— 1 —" page numbers on the outer side, left/right pages), shapes Chinese text
with Pango/HarfBuzz, and embeds subsets of the fonts it finds through fontconfig (here Debian's
Noto CJK, which ReportLab cannot read: its .ttc files hold CFF outlines). Fonts are named as office
machines have them (方正小标宋简体, 仿宋_GB2312, …) with the installed Noto fonts last.
"""

from __future__ import annotations

from html import escape

from . import official as o


def _family(names: list[str]) -> str:
    return ", ".join(f'"{n}"' for n in names) + ", serif"


def css(pitch: float = o.LINE_PITCH_PT) -> str:
    """The page and text styles; ``pitch`` is the line pitch (22 lines to the page unless tightened)."""
    return f"""
@page {{ size: A4; margin: {o.TOP_MM}mm {o.RIGHT_MM}mm {o.BOTTOM_MM}mm {o.LEFT_MM}mm; }}
@page :right {{ @bottom-right {{ content: "— " counter(page) " —"; font-family: {_family(o.SONG_FONTS)};
  font-size: {o.PAGE_NUMBER_PT}pt; vertical-align: top; padding-top: 7mm; padding-right: {o.PAGE_NUMBER_PT}pt;
  width: 40mm; white-space: nowrap; text-align: right; }} }}
@page :left {{ @bottom-left {{ content: "— " counter(page) " —"; font-family: {_family(o.SONG_FONTS)};
  font-size: {o.PAGE_NUMBER_PT}pt; vertical-align: top; padding-top: 7mm; padding-left: {o.PAGE_NUMBER_PT}pt;
  width: 40mm; white-space: nowrap; text-align: left; }} }}
html {{ font-family: {_family(o.BODY_FONTS)}; font-size: {o.BODY_PT}pt; line-height: {pitch:.2f}pt;
  letter-spacing: {o.CHAR_PITCH_PT - o.BODY_PT:.2f}pt; color: #000; }}
body {{ margin: 0; }}
p {{ margin: 0; text-align: justify; }}
p.indent {{ text-indent: 2em; }}
p.center {{ text-align: center; }} p.right {{ text-align: right; }} p.left {{ text-align: left; }}
.blank {{ height: {pitch:.2f}pt; }}
.mark {{ font-family: {_family(o.TITLE_FONTS)}; color: #{o.RED}; line-height: 48pt; white-space: nowrap;
  text-align: center; margin-top: {pitch:.2f}pt; letter-spacing: 0; font-weight: bold; }}
.number {{ text-align: center; padding-bottom: 4mm; border-bottom: 1.2pt solid #{o.RED}; }}
h1.title {{ font-family: {_family(o.TITLE_FONTS)}; font-size: {o.TITLE_PT}pt; line-height: {o.TITLE_PT * 1.5}pt;
  text-align: center; font-weight: bold; margin: 0; letter-spacing: 0; }}
.subtitle {{ font-family: {_family(o.KAI_FONTS)}; text-align: center; }}
.h1 {{ font-family: {_family(o.HEADING_FONTS)}; text-indent: 2em; }}
.h2 {{ font-family: {_family(o.KAI_FONTS)}; text-indent: 2em; }}
table {{ width: 100%; border-collapse: collapse; font-size: 12pt; line-height: 1.5; letter-spacing: 0; margin: 2pt 0; }}
th, td {{ border: 0.75pt solid #000; padding: 1mm 1.5mm; vertical-align: top; }}
th {{ font-family: {_family(o.HEADING_FONTS)}; font-weight: normal; text-align: center; }}
thead {{ display: table-header-group; }} tr {{ break-inside: avoid; }}
.cut {{ border-top: 0.75pt dashed #000; text-align: center; font-size: 10pt; line-height: 14pt; margin: 6mm 0; }}
.part-title {{ font-family: {_family(o.TITLE_FONTS)}; font-size: 18pt; text-align: center; font-weight: bold;
  letter-spacing: 0; }}
.pagebreak {{ break-after: page; }}
.closing {{ break-inside: avoid; }}
.imprint {{ margin-top: {pitch:.2f}pt; font-size: 14pt; line-height: 24pt; }}
.imprint p {{ padding: 0 1em; }}
.imprint .cc {{ border-top: 1pt solid #000; }}
.imprint .printed {{ border-top: 0.7pt solid #000; border-bottom: 1pt solid #000; }}
"""


def _p(text: str, cls: str = "", style: str = "") -> str:
    attrs = f' class="{cls}"' if cls else ""
    attrs += f' style="{style}"' if style else ""
    return f"<p{attrs}>{escape(text)}</p>"


def _closing(signature: str, date) -> list[str]:
    date_text = o.cn_date(date) if date else ""
    out = ['<div class="closing"><div class="blank"></div>']
    if signature:
        right = max(2, 2 + (len(date_text) - len(signature)) / 2)
        out.append(_p(signature, "right", f"padding-right: {right}em"))
    if date_text:
        out.append(
            _p(date_text, "right", "padding-right: 4em" if len(date_text) >= len(signature) else "padding-right: 2em")
        )
    out.append("</div>")
    return out


def _block(block) -> list[str]:
    if isinstance(block, o.P):
        cls = " ".join(c for c in ("indent" if block.indent else "", block.align) if c)
        return [_p(block.text, cls, "font-weight: bold" if block.bold else "")]
    if isinstance(block, o.H1):
        return [_p(block.text, "h1")]
    if isinstance(block, o.H2):
        return [_p(block.text, "h2")]
    if isinstance(block, o.Table):
        total = sum(block.widths) if block.widths else len(block.headers)
        cols = "".join(
            f'<col style="width: {(block.widths[i] if block.widths else 1) / total * 100:.1f}%">'
            for i in range(len(block.headers))
        )
        head = "".join(f"<th>{escape(str(h))}</th>" for h in block.headers)
        rows = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in r) + "</tr>" for r in block.rows)
        return [f"<table><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"]
    if isinstance(block, o.Signatures):
        text = "　　".join(f"{label}：__________" for label in block.labels)
        return ['<div class="blank"></div>', _p(text, "right")]
    if isinstance(block, o.CutLine):
        return [f'<div class="cut">{escape(block.label)}</div>']
    if isinstance(block, o.PageBreak):
        return ['<div class="pagebreak"></div>']
    if isinstance(block, o.Part):
        out = [f'<p class="part-title">{escape(block.title)}</p>']
        if block.number:
            out.append(_p(block.number, "right", "padding-right: 1em"))
        return out
    if isinstance(block, o.Closing):
        out = _closing(block.signature, block.date)
        if block.seal_note:
            out.append(_p(block.seal_note, "right", "padding-right: 6em"))
        return out
    raise TypeError(block)


def html(doc: o.OfficialDocument, pitch: float = o.LINE_PITCH_PT) -> str:
    parts = []
    if doc.has_red_header:
        size = o.mark_size_pt(doc.mark)
        parts += [
            f'<div class="mark" style="font-size: {size}pt">{escape(doc.mark)}</div>',
            '<div class="blank"></div>',
        ]
        parts.append(f'<p class="number">{escape(doc.number)}</p>')
        parts.append('<div class="blank"></div>')
    if doc.title:
        parts.append(f'<h1 class="title">{escape(doc.title)}</h1>')
    if doc.subtitle:
        parts.append(_p(doc.subtitle, "subtitle"))
    if doc.title:
        parts.append('<div class="blank"></div>')
    if doc.recipients:
        parts.append(_p(doc.recipients + ("" if doc.recipients.endswith("：") else "："), "left"))
    for block in doc.blocks:
        parts += _block(block)
    if doc.attachments:
        parts.append('<div class="blank"></div>')
        for i, name in enumerate(doc.attachments, start=1):
            label = ("附件：" if i == 1 else "　　　") + (f"{i}. " if len(doc.attachments) > 1 else "")
            parts.append(_p(label + name, "indent left"))
    if doc.signature or doc.date:
        parts += _closing(doc.signature, doc.date)
    if doc.cc or doc.printed_by:
        imprint = ['<div class="imprint">']
        if doc.cc:
            imprint.append(_p(f"抄送：{doc.cc}。", "cc left"))
        imprint.append(_p(f"{doc.printed_by}　　{o.cn_date(doc.printed_on)}印发", "printed left"))
        imprint.append("</div>")
        parts += imprint
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(doc.title)}</title><style>{css(pitch)}</style></head><body>"
        + "\n".join(parts)
        + "</body></html>"
    )


# GB/T 9704-2012 §7.3.5.4: when the space left cannot hold the 落款 (seal, date), line and character spacing
# may be adjusted. A document that runs onto another page (typically only its 落款 pushed over) is laid
# out again at this tighter line pitch; the tighter layout is kept only if it saves a page.
TIGHTEST_PITCH_PT = 24.0


def render(doc: o.OfficialDocument) -> bytes:
    from weasyprint import HTML

    laid_out = HTML(string=html(doc)).render()
    if len(laid_out.pages) > 1:
        tight = HTML(string=html(doc, pitch=TIGHTEST_PITCH_PT)).render()
        if len(tight.pages) < len(laid_out.pages):
            laid_out = tight
    return laid_out.write_pdf()
