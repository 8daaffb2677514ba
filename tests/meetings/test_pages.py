import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from branches import audit
from branches.meetings import services
from branches.models import Meeting, MeetingStatus

from .factories import add_members, at, held_meeting

pytestmark = pytest.mark.django_db


def _png():
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (60, 40), "green").save(buf, format="PNG")
    return SimpleUploadedFile("会场.png", buf.getvalue(), content_type="image/png")


def _planned(world, kind="committee", start=None):
    start = start or timezone.now() - datetime.timedelta(minutes=30)
    return services.plan_meeting(
        actor=audit.SYSTEM,
        organization=world.branch_a1,
        kind=kind,
        title="支委会",
        start=start,
        end=start + datetime.timedelta(hours=2),
        place="会议室",
    )


def test_the_secretary_plans_a_meeting_and_lands_on_the_record_page(world, client_for):
    c = client_for(world.secretary)
    response = c.post(
        reverse("meetings:meeting_plan"),
        {
            "organization": world.branch_a1.pk,
            "kind": "committee",
            "title": "六月支委会",
            "start": "2026-06-05T09:00",
            "end": "2026-06-05T11:00",
            "place": "会议室",
            "first_topic": "学习重要讲话",
            "first_topic_material": "讲话原文",
        },
    )
    meeting = Meeting.objects.get(title="六月支委会")
    assert response.status_code == 302 and response["Location"] == reverse("meetings:meeting_record", args=[meeting.pk])
    assert meeting.topics.get().is_first_topic and meeting.attendances.count() == 2


def test_the_plan_form_offers_only_organisations_in_scope(world, client_for):
    page = client_for(world.secretary).get(reverse("meetings:meeting_plan")).content.decode()
    assert world.branch_a1.name in page and world.branch_a2.name not in page


def test_a_plan_for_an_organisation_outside_scope_is_refused_with_a_message(world, client_for):
    response = client_for(world.secretary).post(
        reverse("meetings:meeting_plan"),
        {
            "organization": world.branch_a2.pk,
            "kind": "committee",
            "title": "x",
            "start": "2026-06-05T09:00",
            "end": "2026-06-05T10:00",
        },
    )
    assert response.status_code == 200 and "有效的选项" in response.content.decode()
    assert not Meeting.objects.exists()


def test_autosave_keeps_the_draft_and_answers_a_snippet(world, client_for):
    meeting = _planned(world)
    member_id = world.members["member"].pk
    response = client_for(world.secretary).post(
        reverse("meetings:meeting_record", args=[meeting.pk]),
        {
            "title": "支委会",
            "start": "2026-06-05T09:00",
            "end": "2026-06-05T11:00",
            "place": "会议室",
            "minutes": "草稿",
            f"att-{member_id}-status": "leave",
            f"att-{member_id}-reason": "出差",
            "topic-0-title": "学习讲话",
            "topic-0-first": "on",
            "topic-0-material": "讲话",
            "topic-1-title": "",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "已保存" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.DRAFT and meeting.minutes == "草稿" and meeting.has_first_topic
    row = meeting.attendances.get(member_id=member_id)
    assert (row.status, row.leave_reason) == ("leave", "出差")


def test_submitting_without_quorum_says_why(world, client_for):
    meeting = _planned(world)
    c = client_for(world.secretary)
    data = {
        "title": "支委会",
        "start": "2026-06-05T09:00",
        "end": "2026-06-05T11:00",
        "place": "会议室",
        "minutes": "记录",
    }
    for a in meeting.attendances.all():
        data[f"att-{a.member_id}-status"] = "absent"
        data[f"att-{a.member_id}-committee"] = "on"
    data.update({"topic-0-title": "学习", "topic-0-first": "on", "topic-0-material": "讲话", "action": "submit"})
    response = c.post(reverse("meetings:meeting_record", args=[meeting.pk]), data, follow=True)
    page = response.content.decode()
    assert "不足法定人数" in page and "0/2" not in page
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.DRAFT


def test_bad_dates_on_the_record_page_are_a_message_not_an_error(world, client_for):
    meeting = _planned(world)
    response = client_for(world.secretary).post(
        reverse("meetings:meeting_record", args=[meeting.pk]),
        {"title": "支委会", "start": "not a date", "end": "2026-06-05T11:00"},
    )
    assert response.status_code == 200 and "有效" in response.content.decode()


def test_a_member_of_the_branch_may_read_but_not_record(world, client_for):
    meeting = _planned(world)
    c = client_for(world.member)
    assert c.get(reverse("meetings:meeting_detail", args=[meeting.pk])).status_code == 200
    assert c.get(reverse("meetings:meeting_record", args=[meeting.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["outsider", "other_admin", "nobody"])
def test_another_branch_gets_404_on_the_meeting_its_minutes_and_its_photos(
    world, client_for, persona, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    meeting = _planned(world)
    att = services.add_attachment(actor=audit.SYSTEM, meeting=meeting, uploaded=_png())
    c = client_for(world.users[persona])
    for url in [
        reverse("meetings:meeting_detail", args=[meeting.pk]),
        reverse("meetings:minutes_docx", args=[meeting.pk]),
        reverse("meetings:attachment", args=[meeting.pk, att.pk]),
        reverse("meetings:attachment_thumb", args=[meeting.pk, att.pk]),
        f"/api/v1/meetings/{meeting.pk}/",
    ]:
        assert c.get(url).status_code == 404, url
    assert c.post(reverse("meetings:meeting_upload", args=[meeting.pk]), {"file": _png()}).status_code == 404


def test_the_committee_opens_the_photo_and_its_thumbnail(world, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = _planned(world)
    att = services.add_attachment(actor=audit.SYSTEM, meeting=meeting, uploaded=_png())
    c = client_for(world.committee)
    full = c.get(reverse("meetings:attachment", args=[meeting.pk, att.pk]))
    thumb = c.get(reverse("meetings:attachment_thumb", args=[meeting.pk, att.pk]))
    assert full["Content-Type"] == "image/png" and thumb["Content-Type"] == "image/jpeg"


def test_a_file_of_another_meeting_is_not_served_through_this_one(world, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    mine = _planned(world)
    other = services.plan_meeting(
        actor=audit.SYSTEM,
        organization=world.branch_a2,
        kind="committee",
        title="x",
        start=at(datetime.date(2026, 5, 1)),
        end=at(datetime.date(2026, 5, 1), 11),
    )
    att = services.add_attachment(actor=audit.SYSTEM, meeting=other, uploaded=_png())
    response = client_for(world.secretary).get(reverse("meetings:attachment", args=[mine.pk, att.pk]))
    assert response.status_code == 404


def test_minutes_export_as_word(world, client_for):
    add_members(world.branch_a1, 1)
    meeting = held_meeting(world.branch_a1, "committee", datetime.date(2026, 5, 6))
    response = client_for(world.secretary).get(reverse("meetings:minutes_docx", args=[meeting.pk]))
    from docx import Document

    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "支部委员会会议记录" in text and "会议会议" not in text and "第一议题" in text


def test_the_ledger_exports_the_subtree_to_excel(world, client_for):
    add_members(world.branch_a1, 1)
    add_members(world.branch_a2, 1)
    held_meeting(world.branch_a1, "committee", datetime.date(2026, 5, 6))
    held_meeting(world.branch_a2, "theme_day", datetime.date(2026, 5, 7))
    response = client_for(world.unit_admin).get(reverse("meetings:ledger", args=[world.unit_a.pk]) + "?period=2026")
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(response.content)).active
    orgs = {row[1] for row in ws.iter_rows(min_row=3, values_only=True)}
    assert orgs == {world.branch_a1.name, world.branch_a2.name}


def test_the_excel_ledger_reads_its_meetings_in_chunks_with_their_first_topics(world, client_for, monkeypatch):
    """A province's year (100,000 meetings) is read from a cursor a chunk at a time; each chunk brings its own
    first topics, so every line still names its 第一议题."""
    from openpyxl import load_workbook

    from branches.meetings import exports

    monkeypatch.setattr(exports, "LEDGER_CHUNK", 2)
    add_members(world.branch_a1, 1)
    for day in range(1, 6):
        held_meeting(world.branch_a1, "theme_day", datetime.date(2026, 5, day))
    response = client_for(world.unit_admin).get(reverse("meetings:ledger", args=[world.unit_a.pk]) + "?period=2026")
    lines = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=3, values_only=True))
    assert [row[0] for row in lines] == [1, 2, 3, 4, 5]
    assert all(row[10] == "学习重要讲话（重要讲话精神）" for row in lines)


def test_the_printable_ledger_shows_a_page_of_lines_numbered_on(world, client_for, monkeypatch):
    """A city's year is 18,000 lines: the page shows a page of them; the Excel file holds them all."""
    from branches.meetings.views import ledger

    monkeypatch.setattr(ledger, "LEDGER_PAGE", 2)
    add_members(world.branch_a1, 1)
    for day in range(1, 4):
        held_meeting(world.branch_a1, "theme_day", datetime.date(2026, 5, day), title=f"主题党日{day}")
    c = client_for(world.unit_admin)
    url = reverse("meetings:ledger_page", args=[world.unit_a.pk])
    first = c.get(url, {"period": "2026"}).content.decode()
    assert "主题党日1" in first and "主题党日2" in first and "主题党日3" not in first
    assert 'data-testid="ledger-paged"' in first and "每页显示 2 条" in first
    assert 'data-total="3"' in first and "period=2026&amp;page=2" in first
    second = c.get(url, {"period": "2026", "page": 2}).content.decode()
    assert "主题党日3" in second and "<td>3</td>" in second and "主题党日1" not in second


def test_the_compliance_card_shows_month_quarter_and_year(world, client_for):
    page = (
        client_for(world.secretary).get(reverse("meetings:compliance_card", args=[world.branch_a1.pk])).content.decode()
    )
    assert 'data-testid="card-month"' in page and 'data-testid="card-year"' in page and "支部委员会会议" in page


def test_the_calendar_shows_the_month_meetings(world, client_for):
    meeting = _planned(world)
    page = client_for(world.secretary).get(reverse("meetings:calendar", args=[world.branch_a1.pk])).content.decode()
    assert reverse("meetings:meeting_detail", args=[meeting.pk]) in page


def test_the_sign_in_qr_is_an_svg(world, client_for):
    meeting = _planned(world)
    response = client_for(world.secretary).get(reverse("meetings:signin_qr", args=[meeting.pk]))
    assert response["Content-Type"] == "image/svg+xml" and b"<svg" in response.content


def test_a_member_signs_in_with_the_code_on_the_page(world, client_for):
    meeting = _planned(world)
    response = client_for(world.member).post(reverse("meetings:signin"), {"code": meeting.signin_code}, follow=True)
    assert "已签到" in response.content.decode()
    assert meeting.attendances.get(member=world.members["member"]).status == "present"


def test_a_wrong_code_says_what_to_do(world, client_for):
    _planned(world)
    response = client_for(world.member).post(reverse("meetings:signin"), {"code": "ZZZZZZ"})
    assert response.status_code == 200 and "签到码" in response.content.decode()


def test_a_correction_page_saves_a_new_version(world, client_for):
    add_members(world.branch_a1, 1)
    meeting = held_meeting(world.branch_a1, "committee", datetime.date(2026, 5, 6))
    c = client_for(world.secretary)
    c.post(
        reverse("meetings:meeting_correct", args=[meeting.pk]),
        {"reason": "补充", "place": "会议室", "minutes": "新记录", "resolutions": ""},
    )
    page = c.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert "新记录" in page and "补充" in page


def _rows(world, n):
    add_members(world.branch_a1, 3)
    for i in range(n):
        held_meeting(world.branch_a1, "theme_day", datetime.date(2026, 1, 1) + datetime.timedelta(days=i * 3))


@pytest.mark.parametrize(
    "url",
    [
        "/meetings/",
        "/meetings/compliance/",
        "/meetings/missing/?period=2026-01",
        "/api/v1/meetings/",
        "/api/v1/meeting-compliance/?period=2026-Q1",
    ],
)
def test_list_query_counts_do_not_grow_with_rows(world, client_for, django_assert_max_num_queries, url):
    c = client_for(world.committee)
    _rows(world, 2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert c.get(url).status_code == 200
    _rows(world, 8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(url).status_code == 200


def test_the_ledger_query_count_does_not_grow_with_rows(world, client_for, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(world.committee)
    url = reverse("meetings:ledger", args=[world.unit_a.pk]) + "?period=2026"
    _rows(world, 2)
    with CaptureQueriesContext(connection) as few:
        c.get(url)
    _rows(world, 8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        c.get(url)


def test_the_matrix_cells_show_held_missing_with_their_list_and_due(world, client_for):
    from branches import periods
    from branches.meetings import compliance

    add_members(world.branch_a1, 3)
    year = periods.today().year - 1  # a past year: every month has ended
    held_meeting(world.branch_a1, "theme_day", datetime.date(year, 1, 31), hour=23)
    page = client_for(world.committee).get("/meetings/compliance/", {"year": year, "q": "甲局第一"}).content.decode()
    months = [periods.period_containing("month", datetime.date(year, m, 1)) for m in range(1, 13)]
    data = compliance.compute([world.branch_a1], months)
    feb = data[(world.branch_a1.pk, months[1].key)]
    assert feb.status == "missing" and feb.missing >= 1
    link = f'href="/meetings/missing/?org={world.branch_a1.pk}&period={months[1].key}">{feb.missing}</a>'
    assert link in page
    assert page.count('class="text-danger text-decoration-none"') == sum(
        1 for m in months if data[(world.branch_a1.pk, m.key)].status == "missing"
    )


def test_the_meeting_list_counts_each_meetings_attendance_on_its_page(world, client_for):
    """present/expected come from one aggregate over the page's meetings, not a join over the whole scope."""
    from branches.models import Attendance, AttendanceStatus

    add_members(world.branch_a1, 4)
    m = held_meeting(world.branch_a1, "theme_day", datetime.date(2026, 3, 3))
    expected = Attendance.objects.filter(meeting=m).count()
    first = Attendance.objects.filter(meeting=m).order_by("pk").first()
    first.status = AttendanceStatus.ABSENT
    first.save()
    held_meeting(world.branch_a2, "theme_day", datetime.date(2026, 3, 4))
    page = client_for(world.committee).get("/meetings/", {"q": m.title}).content.decode()
    assert expected >= 4
    assert f"出席 {expected - 1}/{expected}" in page


def test_the_missing_and_still_due_lists_are_paged_and_count_every_row(world, client_for, monkeypatch):
    """Every organisation of the subtree is counted (a province has 5,400); each list shows a page."""
    from branches import periods
    from branches.meetings import compliance
    from branches.meetings.views import compliance as views

    monkeypatch.setattr(views, "LIST_PAGE", 2)
    add_members(world.branch_a1, 3)
    add_members(world.branch_a2, 3)
    client = client_for(world.committee)
    past = periods.period_containing("quarter", periods.today()).previous()
    orgs = [world.root, world.unit_a, world.branch_a1, world.branch_a2, world.unit_b, world.branch_b1]
    data = compliance.compute(orgs, [past])
    missing = sum(data[(o.pk, past.key)].missing for o in orgs)
    assert missing > 2
    page = client.get("/meetings/missing/", {"period": past.key}).content.decode()
    assert f'data-total="{missing}"' in page
    listed = page[page.index('data-testid="missing-list"') :].split("</table>")[0]
    assert listed.count("<tr>") == 1 + 2  # the head and one page
    last = client.get("/meetings/missing/", {"period": past.key, "page": (missing + 1) // 2}).content.decode()
    assert last[last.index('data-testid="missing-list"') :].split("</table>")[0].count("<tr>") == 1 + (missing % 2 or 2)
    now = periods.period_containing("quarter", periods.today())
    now_data = compliance.compute(orgs, [now])
    due = sum(now_data[(o.pk, now.key)].due for o in orgs)
    assert due > 2  # the current quarter's slots not held yet
    current = client.get("/meetings/missing/", {"period": now.key}).content.decode()
    assert current[current.index('data-testid="due-list"') :].split("</table>")[0].count("<tr>") == 1 + 2
    assert f"period={now.key}&amp;due_page=2" in current or f"due_page=2&amp;period={now.key}" in current
