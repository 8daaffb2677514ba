"""Every official document downloads from its page as .docx and PDF, in scope only (404 outside)."""

import datetime
import io

import pytest
from django.urls import reverse
from docx import Document

from branches import audit
from branches.models import DevelopmentStep, IssuedNumber, Member, MemberCategory, StepKind

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    doc = Document(io.BytesIO(response.content))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _both(client, docx_url, pdf_url):
    docx = client.get(docx_url)
    assert docx.status_code == 200, docx_url
    assert docx["Content-Type"].endswith("wordprocessingml.document")
    assert docx["Content-Disposition"].startswith("attachment;") and "filename*=UTF-8''" in docx["Content-Disposition"]
    pdf = client.get(pdf_url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    return _text(docx)


def test_minutes(world, client_for):
    from tests.meetings.factories import add_members, held_meeting

    add_members(world.branch_a1, 2)
    meeting = held_meeting(world.branch_a1, "committee", datetime.date(2026, 5, 6))
    c = client_for(world.secretary)
    text = _both(
        c, reverse("meetings:minutes_docx", args=[meeting.pk]), reverse("meetings:minutes_pdf", args=[meeting.pk])
    )
    assert "甲局第一党支部支部委员会会议记录" in text and "会议会议" not in text
    assert "应到" in text and "记录人（签字）" in text
    assert client_for(world.outsider).get(reverse("meetings:minutes_pdf", args=[meeting.pk])).status_code == 404


def test_transfer_letter(world, client_for):
    from tests.samples.branches import transfer

    letter = transfer(world)
    text = _both(
        client_for(world.secretary),
        reverse("branches:transfer_letter", args=[letter.pk]),
        reverse("branches:transfer_letter_pdf", args=[letter.pk]),
    )
    assert "中国共产党党员组织关系介绍信（存根）" in text and "（回执）" in text and "有效期" in text
    assert client_for(world.outsider).get(reverse("branches:transfer_letter", args=[letter.pk])).status_code == 404


def test_public_notice_of_a_development_candidate(world, client_for):
    person = Member.objects.create(organization=world.branch_a1, name="陈静", category=MemberCategory.CANDIDATE)
    DevelopmentStep.objects.create(member=person, kind=StepKind.PUBLIC_NOTICE, date=datetime.date(2026, 3, 5))
    text = _both(
        client_for(world.secretary),
        reverse("branches:public_notice", args=[person.pk]),
        reverse("branches:public_notice_pdf", args=[person.pk]),
    )
    assert "关于拟发展陈静同志为中共预备党员的公示" in text and "2026年3月5日至2026年3月11日" in text
    assert client_for(world.outsider).get(reverse("branches:public_notice", args=[person.pk])).status_code == 404
    full = Member.objects.create(organization=world.branch_a1, name="老党员", category=MemberCategory.FULL)
    assert client_for(world.secretary).get(reverse("branches:public_notice", args=[full.pk])).status_code == 404


def test_supervision_bulletin_and_rectification_notice(world, client_for):
    from tests.samples.supervision import rectification

    rect = rectification(world)
    c = client_for(world.committee)
    text = _both(c, reverse("supervision:bulletin_docx") + "?period=2026-03", reverse("supervision:bulletin_pdf"))
    assert "督查情况的通报" in text and "文件" in text and "〔" not in text  # a draft until numbered
    text = _both(
        c,
        reverse("supervision:rectification_notice", args=[rect.pk]),
        reverse("supervision:rectification_notice_pdf", args=[rect.pk]),
    )
    assert "整改通知书" in text and rect.owner_org.name in text
    assert not IssuedNumber.objects.exists()  # a download never numbers: drafts until the numbering action
    outsider = client_for(world.outsider)
    assert outsider.get(reverse("supervision:rectification_notice", args=[rect.pk])).status_code == 404


def test_four_strong_result_notice(world, client_for):
    from tests.assessment.factories import TEST_METRIC, make_system, open_cycle, registered_metric

    with registered_metric(TEST_METRIC, {world.branch_a1.pk: 97.0}):
        cycle = open_cycle(make_system(), world.root)
    text = _both(
        client_for(world.committee),
        reverse("assessment:result_notice", args=[cycle.pk]),
        reverse("assessment:result_notice_pdf", args=[cycle.pk]),
    )
    assert "“四强”党支部考评结果的通知" in text


def test_annual_summary(world, client_for):
    text = _both(
        client_for(world.committee),
        reverse("dashboards:annual_docx", args=[world.root.pk]) + "?year=2025",
        reverse("dashboards:annual_pdf", args=[world.root.pk]) + "?year=2025",
    )
    assert "2025年度党建工作情况" in text
    assert client_for(world.outsider).get(reverse("dashboards:annual_docx", args=[world.root.pk])).status_code == 404


def test_a_number_is_audited(world):
    from branches.documents import numbering

    numbering.issue(actor=audit.SYSTEM, organization=world.root, kind="x", obj=world.branch_a1, title="t")
    assert audit.AuditEntry.objects.filter(action="document.numbered").count() == 1
