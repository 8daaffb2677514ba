"""Official documents (GB/T 9704-2012): every .docx opened and measured; every PDF compared with its
checked-in reference (page count and text). ``UPDATE_DOCUMENT_REFERENCES=1`` rewrites the references
and the PNGs of the first pages in docs/documents/ (see docs/documents.md)."""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from branches import audit
from branches.documents import official as o
from branches.documents import pdf, word

from . import fixtures

pytestmark = pytest.mark.django_db

REFERENCES = Path(__file__).parent / "references"
PNGS = Path(__file__).resolve().parents[2] / "docs" / "documents"
UPDATE = os.environ.get("UPDATE_DOCUMENT_REFERENCES") == "1"
NUMBER = re.compile(r"^\S+〔20\d\d〕[1-9]\d*号$")
DATE = re.compile(r"20\d\d年([1-9]|1[0-2])月([1-9]|[12]\d|3[01])日")
RED_DOCUMENTS = {"bulletin", "rectification", "result_notice"}


@pytest.fixture
def built(world):
    return {name: fixtures.build(name, world, audit.SYSTEM) for name in fixtures.ALL}


def _east_asia(run) -> str:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def _close(a, b, tol=Mm(0.5)):
    return abs(int(a) - int(b)) <= tol


@pytest.mark.parametrize("name", fixtures.ALL)
def test_each_docx_has_the_gb_t_9704_layout(built, name):
    doc = built[name]
    data = word.render(doc)
    d = Document(io.BytesIO(data))
    s = d.sections[0]
    assert _close(s.page_width, Mm(210)) and _close(s.page_height, Mm(297))  # A4
    assert _close(s.top_margin, Mm(37)) and _close(s.left_margin, Mm(28))
    assert _close(s.page_width - s.left_margin - s.right_margin, Mm(156))  # text block 156 x 225 mm
    assert _close(s.page_height - s.top_margin - s.bottom_margin, Mm(225))
    grid = s._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    assert abs(int(grid.get(qn("w:linePitch"))) / 20 * 22 * 25.4 / 72 - 225) < 0.5  # 22 lines fill 225 mm
    paragraphs = [p for p in d.paragraphs if p.text.strip()]
    if doc.title:
        title = next(p for p in paragraphs if p.text == doc.title)
        assert _east_asia(title.runs[0]) == "方正小标宋简体" and title.runs[0].font.size.pt == 22  # 小标宋 2号
        assert "会议会议" not in doc.title
    body_texts = {b.text for b in doc.blocks if isinstance(b, o.P)}
    body = [p for p in paragraphs if p.text in body_texts]
    assert body and all(
        _east_asia(p.runs[0]) == "仿宋_GB2312" and p.runs[0].font.size.pt == 16 for p in body
    )  # 仿宋 3号
    fonts = zipfile.ZipFile(io.BytesIO(data)).read("word/fontTable.xml").decode()
    assert 'w:name="方正小标宋简体"><w:altName w:val="华文中宋"/>' in fonts
    assert 'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts
    footer = s.footer._element.xml
    assert "PAGE" in footer and "— " in footer and " —" in footer  # — 1 —
    texts = [p.text for p in d.paragraphs]
    for text in texts:
        assert not re.search(r"年0\d月|月0\d日", text), text  # 2026年3月5日, never 2026年03月05日
    if doc.date:
        assert o.cn_date(doc.date) in texts and DATE.fullmatch(o.cn_date(doc.date))
    if name in RED_DOCUMENTS:
        mark = next(p for p in d.paragraphs if p.text == doc.mark)
        assert str(mark.runs[0].font.color.rgb) == o.RED and _east_asia(mark.runs[0]) == "方正小标宋简体"
        number = next(p for p in d.paragraphs if p.text == doc.number)
        assert NUMBER.match(number.text) and "〔2026〕" in number.text
        assert f'w:color="{o.RED}"' in number._p.xml  # the red separator line under the 文号
        assert doc.signature in texts  # 落款
    else:
        assert not any(f'w:color="{o.RED}"' in p._p.xml for p in d.paragraphs)


def test_minutes_carry_unit_organisation_kind_once_attendance_first_topic_and_signatures(built):
    doc = built["minutes"]
    assert doc.title == "市发展改革委机关第一党支部支部委员会会议记录"
    text = "\n".join(doc.text_lines())
    assert "应到6人，实到4人，请假1人，缺席1人" in text
    assert "陈静（出差）" in text and "刘洋" in text
    assert "一、第一议题" in text and "《论党的自我革命》第三章" in text
    assert "会议决议" in text and "记录人（签字）" in text and "主持人（签字）" in text


def test_the_transfer_letter_has_stub_letter_and_receipt_numbered_with_validity(built):
    lines = built["transfer_letter"].text_lines()
    assert "中国共产党党员组织关系介绍信（存根）" in lines and "中国共产党党员组织关系介绍信（回执）" in lines
    assert lines.count("第2026007号") == 3
    assert any("有效期90天" in line for line in lines)


def _pdf_text(data: bytes) -> tuple[int, list[str]]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), [re.sub(r"\s+", "", page.extract_text() or "") for page in reader.pages]


@pytest.mark.parametrize("name", fixtures.ALL)
def test_each_pdf_matches_its_checked_in_reference(built, name):
    data = pdf.render(built[name])
    pages, texts = _pdf_text(data)
    reference = REFERENCES / f"{name}.json"
    if UPDATE:
        REFERENCES.mkdir(exist_ok=True)
        reference.write_text(json.dumps({"pages": pages, "text": texts}, ensure_ascii=False, indent=1) + "\n")
        _write_png(data, PNGS / f"{name}.png")
    expected = json.loads(reference.read_text())
    assert pages == expected["pages"]
    assert texts == expected["text"]
    assert texts[0].count("—1—") == 1  # the page number at the foot
    assert built[name].title.replace(" ", "") in "".join(texts)


def test_the_pdf_embeds_its_fonts(built):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf.render(built["bulletin"])))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object().get("/DescendantFonts")
            obj = descendant[0].get_object() if descendant else font.get_object()
            descriptor = obj.get("/FontDescriptor")
            if descriptor is not None:
                d = descriptor.get_object()
                assert any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")), d
                fonts.add(str(d["/FontName"]))
    assert any("CJK" in f for f in fonts), fonts


def _write_png(data: bytes, path: Path) -> None:
    import pypdfium2 as pdfium

    path.parent.mkdir(parents=True, exist_ok=True)
    document = pdfium.PdfDocument(data)
    try:
        image = document[0].render(scale=0.6).to_pil().convert("RGB").quantize(colors=16)
        image.save(path, optimize=True)
    finally:
        document.close()


@pytest.mark.django_db
def test_the_public_notice_ends_on_the_holiday_calendar_like_the_register():
    """Posted Wed 1 April 2026: Apr 1, 2, 3, (4–6 清明), 7, 8 → the notice says it ends 8 April (issue 16's rule)."""
    import datetime
    from types import SimpleNamespace as NS

    from branches.calendar import CalendarDay
    from branches.documents.members import public_notice

    CalendarDay.objects.update_or_create(
        date=datetime.date(2026, 4, 6), defaults={"kind": CalendarDay.Kind.HOLIDAY, "name": "清明节"}
    )
    member = NS(
        name="陈静",
        gender="female",
        ethnicity="汉族",
        birth_date=datetime.date(1995, 8, 12),
        education="硕士研究生",
        unit=NS(name="市发展改革委"),
        job_title="科员",
        organization=NS(name="市发展改革委机关第一党支部"),
    )
    doc = public_notice(member, start=datetime.date(2026, 4, 1), steps={})
    assert "至2026年4月8日（5个工作日）" in repr(doc.blocks)


@pytest.mark.parametrize("name", ["result_notice", "rectification"])
def test_the_short_notices_fit_their_one_page_with_the_closing(built, name):
    """The 落款 (issuer and date) stays on the page instead of spilling onto a page of its own."""
    pages, texts = _pdf_text(pdf.render(built[name]))
    assert pages == 1
    assert texts[0].endswith("市直机关工委2026年3月5日—1—")
