"""A secretary prints the meeting ledger page to PDF (Chromium's print): every column is on the page."""

import datetime
import io
import unicodedata

import pytest
from django.utils import timezone

from branches.meetings.exports import LEDGER_HEAD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def meeting_rules(db):
    from importlib import import_module

    from django.apps import apps

    import_module("branches.migrations.0004_meeting_rules_defaults").seed(apps, None)


def test_the_ledger_page_prints_on_landscape_a4_with_every_column(world, login, live_server):
    from pypdf import PdfReader

    from tests.meetings.factories import add_members, held_meeting

    add_members(world.branch_a1, 3)
    year = timezone.localdate().year
    meeting = held_meeting(world.branch_a1, "committee", datetime.date(year, 1, 15))
    type(meeting).objects.filter(pk=meeting.pk).update(
        title="学习贯彻全会精神暨第一季度组织生活会议专题会议", place="机关大楼三楼第二会议室"
    )
    page = login("secretary")
    page.goto(f"{live_server.url}/meetings/org/{world.branch_a1.pk}/ledger/?period={year}")
    page.wait_for_selector("[data-testid=ledger-table]")
    page.emulate_media(media="print")
    # on paper the table fits the page: nothing is cut at the right edge
    widths = page.evaluate(
        "() => { const t = document.querySelector('[data-testid=ledger-table]');"
        " return [t.getBoundingClientRect().right, document.documentElement.clientWidth,"
        " t.parentElement.scrollWidth, t.parentElement.clientWidth]; }"
    )
    assert widths[0] <= widths[1] + 1 and widths[2] <= widths[3] + 1, widths
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    reader = PdfReader(io.BytesIO(pdf))
    first = reader.pages[0]
    assert float(first.mediabox.width) > float(first.mediabox.height)  # landscape A4
    assert abs(float(first.mediabox.width) - 841.9) < 2
    text = unicodedata.normalize("NFKC", first.extract_text()).replace(" ", "").replace("\n", "")
    for head in LEDGER_HEAD:
        assert head in text, head
    assert "机关大楼三楼第二会议室" in text and world.branch_a1.name in text  # the row, the organisation on top
    assert "—1—" in text  # the page number
    assert "全部会议" not in text  # the navigation stays on the screen
