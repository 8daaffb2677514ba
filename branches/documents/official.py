"""Official documents (公文) per GB/T 9704-2012, one source for .docx and PDF.

A document is data: ``OfficialDocument`` with a list of blocks. ``docx.render(doc)`` and
``pdf.render(doc)`` lay it out the same way (A4, margins, fonts, red mark, 文号, 落款, page numbers):
no app writes layout code of its own.

    from branches.documents import official, numbering, respond
    doc = official.OfficialDocument(
        kind="bulletin", title="关于2026年第一季度督查情况的通报",
        issuer="中共某市直属机关工作委员会", mark="中共某市直属机关工作委员会文件",
        number=numbering.issue(actor=user, organization=org, kind="bulletin", obj=period_obj).number,
        recipients="各党组织", blocks=[official.P("……"), official.H1("一、总体情况"), ...],
        signature="中共某市直属机关工作委员会", date=datetime.date(2026, 3, 5))
    return respond(doc, "pdf", "督查通报")
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

# GB/T 9704-2012 §5.2: A4; §5.2.1 top 37 mm, left 28 mm, text block 156 x 225 mm.
PAGE_W_MM, PAGE_H_MM = 210, 297
TOP_MM, LEFT_MM = 37, 28
TEXT_W_MM, TEXT_H_MM = 156, 225
RIGHT_MM = PAGE_W_MM - LEFT_MM - TEXT_W_MM  # 26
BOTTOM_MM = PAGE_H_MM - TOP_MM - TEXT_H_MM  # 35
# §5.2.2 (3号 = 16 pt body, 2号 = 22 pt title), §5.2.3: 22 lines of 28 characters.
BODY_PT, TITLE_PT, PAGE_NUMBER_PT = 16, 22, 14  # 三号, 二号, 四号
LINES, CHARS = 22, 28
LINE_PITCH_PT = TEXT_H_MM / LINES * 72 / 25.4  # 28.95 pt
CHAR_PITCH_PT = TEXT_W_MM / CHARS * 72 / 25.4  # 15.79 pt
RED = "E60012"  # the red of the issuing-organ mark and separator line
# Fonts named as office machines have them, with the fallbacks Word and browsers try in order;
# the PDF embeds what is installed here (Noto CJK from Debian's fonts-noto-cjk).
TITLE_FONTS = ["方正小标宋简体", "华文中宋", "宋体", "Noto Serif CJK SC"]
BODY_FONTS = ["仿宋_GB2312", "仿宋", "FangSong", "Noto Serif CJK SC"]
HEADING_FONTS = ["黑体", "SimHei", "Noto Sans CJK SC"]
KAI_FONTS = ["楷体_GB2312", "楷体", "KaiTi", "Noto Serif CJK SC"]
SONG_FONTS = ["宋体", "SimSun", "Noto Serif CJK SC"]


def mark_size_pt(mark: str) -> float:
    """The red mark's size: as large as 36 pt, never wider than the 156 mm text block (§7.2.2)."""
    width_pt = TEXT_W_MM * 72 / 25.4 * 0.95
    return float(min(36, int(width_pt / max(1, len(mark)))))


def cn_date(day: datetime.date | datetime.datetime | None) -> str:
    """2026年3月5日: the year in full, month and day without zero padding (GB/T 9704 §7.3.5.2)."""
    if day is None:
        return "    年  月  日"
    if isinstance(day, datetime.datetime):
        from django.utils import timezone

        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return f"{day.year}年{day.month}月{day.day}日"


def cn_time(moment: datetime.datetime) -> str:
    from django.utils import timezone

    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return f"{cn_date(local)}{local.hour}时{local.minute:02d}分" if local.minute else f"{cn_date(local)}{local.hour}时"


def document_number(prefix: str, year: int, sequence: int) -> str:
    """发文字号: 机关代字 + 〔年份〕 + 序号 + 号 (§7.2.4): X直工发〔2026〕5号 (no leading zeros)."""
    return f"{prefix}〔{year}〕{sequence}号"


@dataclass
class P:
    """A body paragraph: first line indented two characters (左空二字), then flush left."""

    text: str
    indent: bool = True
    align: str = "justify"  # justify | center | right | left
    bold: bool = False


@dataclass
class H1:
    """First-level heading 一、…… in 黑体 (§7.3.3)."""

    text: str


@dataclass
class H2:
    """Second-level heading （一）…… in 楷体."""

    text: str


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None  # relative widths


@dataclass
class Signatures:
    """Signature lines, e.g. 记录人（签字）and 主持人（签字）."""

    labels: list[str]


@dataclass
class CutLine:
    """A dashed cut line between parts (the transfer letter's 存根 / 介绍信 / 回执)."""

    label: str = "（骑缝线）"


@dataclass
class PageBreak:
    pass


@dataclass
class Part:
    """A titled part of a multi-part form (a smaller title, its own number on the right)."""

    title: str
    number: str = ""


@dataclass
class Closing:
    """落款 in the middle of a document (a part's own 署名 and date)."""

    signature: str
    date: datetime.date | None
    seal_note: str = ""


@dataclass
class OfficialDocument:
    kind: str
    title: str
    blocks: list = field(default_factory=list)
    issuer: str = ""  # 发文机关
    mark: str = ""  # 发文机关标志 (red); empty = no red header
    number: str = ""  # 发文字号
    recipients: str = ""  # 主送机关
    attachments: list[str] = field(default_factory=list)  # 附件说明
    signature: str = ""  # 落款: 发文机关署名
    date: datetime.date | None = None  # 成文日期
    cc: str = ""  # 抄送机关 (版记)
    printed_by: str = ""  # 印发机关 (版记)
    printed_on: datetime.date | None = None
    subtitle: str = ""  # a line under the title (e.g. the meeting's time)

    @property
    def has_red_header(self) -> bool:
        return bool(self.mark)

    def text_lines(self) -> list[str]:
        """Every text of the document in order (what the PDF and the .docx both hold)."""
        out = [self.mark, self.number, self.title, self.subtitle, self.recipients]
        for b in self.blocks:
            if isinstance(b, (P, H1, H2)):
                out.append(b.text)
            elif isinstance(b, Table):
                out.extend(b.headers)
                for r in b.rows:
                    out.extend(r)
            elif isinstance(b, Part):
                out.extend([b.title, b.number])
            elif isinstance(b, Closing):
                out.extend([b.signature, cn_date(b.date) if b.date else ""])
            elif isinstance(b, Signatures):
                out.extend(b.labels)
        out.extend(self.attachments)
        out.extend([self.signature, cn_date(self.date) if self.date else ""])
        return [t for t in out if t]
