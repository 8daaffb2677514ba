"""The secretary's monthly 支委会 on a phone (390×844, touch): at most 20 taps and 3 minutes of typing."""

import datetime

import pytest
from django.utils import timezone

from branches import audit
from branches.meetings import services
from branches.models import AttendanceStatus, Meeting, MeetingStatus
from tests.browser.conftest import log_in
from tests.browser.phone_journey import PHONE, Taps, committee_branch, shoot

pytestmark = pytest.mark.django_db(transaction=True)
MAX_TAPS = 20
# Typing on a phone with pinyin: about 30 Chinese characters a minute, so 3 minutes ≈ 90 characters.
MAX_TYPED = 90


@pytest.fixture(autouse=True)
def meeting_rules(db):
    from importlib import import_module

    from django.apps import apps

    import_module("branches.migrations.0004_meeting_rules_defaults").seed(apps, None)


def _last_months_meeting(world, committee):
    """Last month's 支委会: the time of day, the place, host and recorder the new plan suggests."""
    now = timezone.localtime()
    at = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0) - datetime.timedelta(days=31)
    meeting = services.plan_meeting(
        actor=audit.SYSTEM,
        organization=world.branch_a1,
        kind="committee",
        title="上月支委会",
        start=at,
        end=at + datetime.timedelta(hours=1),
        place="三楼会议室",
        host=committee[0],
        recorder=committee[1],
        topics=[{"title": "学习重要讲话", "is_first_topic": True, "material": "讲话原文"}],
    )
    services.save_record(actor=audit.SYSTEM, meeting=meeting, fields={"minutes": "记录"})
    services.submit_meeting(actor=audit.SYSTEM, meeting=meeting, now=meeting.end)


def test_the_secretary_records_the_monthly_committee_meeting_on_a_phone_in_at_most_20_taps(
    world, browser, live_server, tmp_path, settings
):
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    photo = tmp_path / "会场照片.jpg"
    Image.new("RGB", (640, 480), (200, 30, 30)).save(photo, format="JPEG")
    committee = committee_branch(world)
    _last_months_meeting(world, committee)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        log_in(page, live_server, "secretary")
        taps = Taps(page)
        page.goto(f"{live_server.url}/meetings/")
        shoot(page, "meeting-after-1-list")
        taps.tap(page.get_by_test_id("plan-meeting"), navigates=True)

        # The plan: own branch, the 支委会, title, time, place, host and recorder are already there.
        assert page.locator("#id_organization").input_value() == str(world.branch_a1.pk)
        assert page.locator("#id_kind").input_value() == "committee"
        assert "支委会" in page.locator("#id_title").input_value()
        assert page.locator("#id_place").input_value() == "三楼会议室"
        shoot(page, "meeting-after-2-plan")
        taps.type(page.locator("#id_first_topic"), "学习总书记最新重要讲话")
        taps.type(page.locator("#id_first_topic_material"), "重要讲话原文")
        taps.tap(page.get_by_role("button", name="保存安排"), navigates=True)

        # Under way: the sign-in code and QR are shown at once; the committee (班子) is expected, all present.
        assert page.get_by_test_id("signin-panel").is_visible()
        code = Meeting.objects.get(status=MeetingStatus.PLANNED).signin_code
        assert page.get_by_test_id("signin-code").inner_text() == code
        qr = page.locator(".signin-qr")
        qr_response = page.request.get(qr.evaluate("i => i.src"))
        assert qr_response.status == 200 and "svg" in qr_response.headers["content-type"], qr_response.text()[:300]
        page.wait_for_function("() => document.querySelector('.signin-qr').naturalWidth > 0")
        rows = page.locator(".attendance-row")
        assert sorted(rows.nth(i).get_attribute("data-member") for i in range(rows.count())) == sorted(
            m.name for m in committee
        )
        assert page.locator("input[type=radio][value=present]:checked").count() == 4
        shoot(page, "meeting-after-3-record")
        away = page.locator(".attendance-row[data-member=赵纪检]")
        taps.tap(away.locator("label", has_text="请假"))
        taps.type(away.locator("input[name$=-reason]"), "出差")
        taps.type(page.locator("#id_minutes"), "学习第一议题，研究本月工作。")
        taps.photo(page.get_by_test_id("record-photos"), str(photo))
        shoot(page, "meeting-after-4-attendance", at=".attendance-row[data-member=赵纪检]")
        taps.confirm_next_dialog()
        taps.tap(page.get_by_test_id("submit-meeting"), navigates=True)

        assert page.get_by_test_id("meeting-status").inner_text() == "已提交", page.locator("body").inner_text()
        assert page.get_by_test_id("attachments").locator("img").count() == 1
        assert "出差" in page.get_by_test_id("attendance-list").inner_text()
        shoot(page, "meeting-after-5-done")
    finally:
        context.close()
    meeting = Meeting.objects.filter(status=MeetingStatus.SUBMITTED).order_by("-start").first()
    statuses = {a.member.name: (a.status, a.leave_reason) for a in meeting.attendances.select_related("member")}
    assert statuses["赵纪检"] == (AttendanceStatus.LEAVE, "出差")
    assert sum(1 for s, _r in statuses.values() if s == AttendanceStatus.PRESENT) == 3
    print(f"phone journey: {taps.count} taps, {taps.typed} characters typed")
    assert taps.count <= MAX_TAPS, taps.log
    assert taps.typed <= MAX_TYPED
