"""Journeys of organisational life in a real browser."""

import datetime
import io

import pytest
from django.utils import timezone

from branches import audit
from branches.meetings import services

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = "/tmp/shots-meetings"


@pytest.fixture(autouse=True)
def meeting_rules(db):
    """Transactional tests flush the tables between tests: put the seeded rules (data migration) back."""
    from importlib import import_module

    from django.apps import apps

    import_module("branches.migrations.0004_meeting_rules_defaults").seed(apps, None)
    # As in tests/meetings: every branch owes committee meetings here (whether a small branch does is
    # tested in tests/branches/test_regulation_dates.py).
    from branches.models import FrequencyRule

    FrequencyRule.objects.filter(kind="committee").update(only_with_committee=False)


def _photo(tmp_path):
    from PIL import Image

    path = tmp_path / "会场照片.jpg"
    Image.new("RGB", (640, 480), (200, 30, 30)).save(path, format="JPEG")
    return str(path)


def _window():
    start = timezone.localtime().replace(second=0, microsecond=0) - datetime.timedelta(minutes=1)
    if start.date() != timezone.localdate():  # just after midnight: keep the meeting in today
        start = timezone.localtime().replace(second=0, microsecond=0)
    return start, start + datetime.timedelta(hours=1)


def _plan_in_browser(page, live_server, world, *, first_topic=True):
    start, end = _window()
    page.goto(f"{live_server.url}/meetings/new/")
    page.select_option("#id_organization", str(world.branch_a1.pk))
    page.select_option("#id_kind", "committee")
    page.fill("#id_title", "本月支委会")
    page.fill("#id_start", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_end", end.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_place", "三楼会议室")
    if first_topic:
        page.fill("#id_first_topic", "学习习近平总书记最新重要讲话精神")
        page.fill("#id_first_topic_material", "最新重要讲话原文")
    page.fill("#id_other_topics", "研究本月党建工作")
    page.get_by_role("button", name="保存安排").click()
    page.wait_for_load_state("networkidle")
    assert "/record/" in page.url


def _tick_everyone(page, status_label="出席"):
    rows = page.locator(".attendance-row")
    for i in range(rows.count()):
        row = rows.nth(i)
        row.get_by_text(status_label, exact=True).click()
        row.get_by_label("委员").check()


def _submit(page):
    page.once("dialog", lambda d: d.accept())
    page.get_by_test_id("submit-meeting").click()
    page.wait_for_load_state("networkidle")


def test_the_secretary_logs_a_committee_meeting_and_the_month_turns_green(
    world, login, live_server, tmp_path, settings
):
    from tests.meetings.factories import held_meeting

    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    # The branch has a party group: this month's theme day and group meeting are already held.
    held_meeting(world.branch_a1, "theme_day", today, hour=0)
    held_meeting(world.branch_a1, "group", today, hour=0)
    page = login("secretary")
    page.goto(f"{live_server.url}/meetings/org/{world.branch_a1.pk}/compliance/")
    assert page.get_by_test_id("card-month").get_attribute("data-status") == "due"

    _plan_in_browser(page, live_server, world)
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_test_id("record-photos").set_input_files(_photo(tmp_path))
    _tick_everyone(page)
    page.fill("#id_minutes", "会议学习了第一议题，研究了本月工作。")
    page.wait_for_timeout(1800)  # autosave
    assert "草稿已保存" in page.locator("#autosave-status").inner_text()
    page.screenshot(path=f"{SHOTS}/record-phone.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    _submit(page)
    assert page.get_by_test_id("meeting-status").inner_text() == "已提交"
    assert page.get_by_test_id("attachments").locator("img").count() == 1
    assert "第一议题" in page.get_by_test_id("topics").inner_text()
    page.screenshot(path=f"{SHOTS}/detail-desktop.png", full_page=True)

    page.goto(f"{live_server.url}/meetings/org/{world.branch_a1.pk}/compliance/")
    month = page.get_by_test_id("card-month")
    assert month.get_attribute("data-status") == "held"
    assert month.locator("[data-kind=committee]").get_attribute("data-status") == "held"
    page.screenshot(path=f"{SHOTS}/compliance-desktop.png", full_page=True)


def test_no_quorum_and_no_first_topic_cannot_be_submitted_and_the_page_says_why(world, login, live_server):
    page = login("secretary")
    _plan_in_browser(page, live_server, world, first_topic=False)
    _tick_everyone(page, "缺席")
    page.fill("#id_minutes", "记录")
    page.wait_for_timeout(1800)
    _submit(page)
    text = page.locator("body").inner_text()
    assert "会议暂不能提交" in text
    assert "不足法定人数" in text and "至少 2 人" in text
    assert "须以第一议题开篇" in text
    assert "/record/" in page.url
    page.screenshot(path=f"{SHOTS}/record-problems.png", full_page=True)


def test_a_member_of_another_branch_gets_404_on_the_meeting_its_minutes_and_its_photos(
    world, login, live_server, tmp_path, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    start, end = _window()
    meeting = services.plan_meeting(
        actor=audit.SYSTEM, organization=world.branch_a1, kind="committee", title="保密支委会", start=start, end=end
    )
    buf = io.BytesIO()
    Image.new("RGB", (50, 50), "red").save(buf, format="PNG")
    att = services.add_attachment(
        actor=audit.SYSTEM, meeting=meeting, uploaded=SimpleUploadedFile("p.png", buf.getvalue())
    )
    page = login("outsider")
    base = live_server.url
    for url in [
        f"/meetings/{meeting.pk}/",
        f"/meetings/{meeting.pk}/minutes.docx",
        f"/meetings/{meeting.pk}/files/{att.pk}/",
        f"/meetings/{meeting.pk}/files/{att.pk}/thumb/",
        f"/api/v1/meetings/{meeting.pk}/",
    ]:
        assert page.request.get(base + url).status == 404, url
    page.goto(f"{base}/meetings/")
    assert "保密支委会" not in page.locator("body").inner_text()
    data = page.request.get(f"{base}/api/v1/meetings/").json()
    assert meeting.pk not in [r["id"] for r in data["results"]]
