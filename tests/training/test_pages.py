import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from branches import audit
from tests.training.factories import add_quiz, module_with_reading, new_member
from training import services
from training.models import Assignment, HoursEntry, ItemProgress, QuizAttempt, StudyItemFile, StudyModule

pytestmark = pytest.mark.django_db


def _assigned(world, org=None, **kw):
    module, reading = module_with_reading(world, **kw)
    quiz = add_quiz(module)
    services.assign_module(
        actor=world.committee,
        module=module,
        organization=org or world.unit_a,
        due_date=datetime.date(datetime.date.today().year + 5, 1, 1),
    )
    return module, reading, quiz


def _assignment(world, who="member", module=None):
    return Assignment.objects.get(member=world.members[who], **({"module": module} if module else {}))


def test_member_sees_their_assignments_and_hours_on_my_study(world, client_for):
    _assigned(world)
    body = client_for(world.member).get(reverse("training:my_study")).content.decode()
    assert "二十大报告学习" in body and "/ 32" in body


def test_my_study_query_count_does_not_grow_with_assignments(world, client_for, django_assert_max_num_queries):
    _assigned(world)
    c = client_for(world.member)
    with django_assert_max_num_queries(20) as before:
        c.get(reverse("training:my_study"))
    for i in range(5):
        _assigned(world, title=f"模块{i}")
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert c.get(reverse("training:my_study")).status_code == 200


def test_member_cannot_open_another_members_assignment(world, client_for):
    _assigned(world)
    other = _assignment(world, "secretary")
    assert client_for(world.member).get(reverse("training:assignment_detail", args=[other.pk])).status_code == 404
    mine = _assignment(world)
    assert client_for(world.member).get(reverse("training:assignment_detail", args=[mine.pk])).status_code == 200


def test_secretary_sees_their_branch_members_progress_but_not_a_sibling_branch(world, client_for):
    sibling = new_member(world.branch_a2, "兄弟支部党员")
    _assigned(world)
    mine = _assignment(world)
    theirs = Assignment.objects.get(member=sibling)
    c = client_for(world.secretary)
    assert c.get(reverse("training:assignment_detail", args=[mine.pk])).status_code == 200
    assert c.get(reverse("training:assignment_detail", args=[theirs.pk])).status_code == 404


def test_reading_page_renders_sanitised_text_and_the_heartbeat_hook(world, client_for):
    _m, reading, _q = _assigned(world)
    a = _assignment(world)
    body = client_for(world.member).get(reverse("training:item", args=[a.pk, reading.pk])).content.decode()
    assert "高举中国特色社会主义伟大旗帜" in body and 'data-own="1"' in body and "<script>alert" not in body


def test_member_takes_the_quiz_through_the_page_and_sees_explanations(world, client_for):
    _m, _r, quiz = _assigned(world)
    a = _assignment(world)
    c = client_for(world.member)
    url = reverse("training:item", args=[a.pk, quiz.pk])
    assert c.post(url, {"action": "start"}).status_code == 302
    attempt = QuizAttempt.objects.get(assignment=a)
    from training.models import Choice

    data = {"attempt": attempt.pk}
    for ch in Choice.objects.filter(question_id__in=attempt.question_ids, is_correct=True):
        data[f"q{ch.question_id}"] = ch.pk
    body = c.post(url, data).content.decode()
    assert "100%" in body and "2022年10月" in body
    assert HoursEntry.objects.filter(item=quiz).exists()


def test_heartbeat_api_credits_the_member_and_refuses_others(world, api_for):
    _m, reading, _q = _assigned(world)
    a = _assignment(world)
    url = reverse("api-assignment-heartbeat", args=[a.pk])
    r = api_for(world.member).post(url, {"item": reading.pk, "visible": True, "active": True}, format="json")
    assert r.status_code == 200 and r.json()["seconds"] == 0
    assert api_for(world.secretary).post(url, {"item": reading.pk, "visible": True, "active": True}).status_code == 404
    bad = api_for(world.member).post(url, {"item": "x"}, format="json")
    assert bad.status_code == 400
    assert ItemProgress.objects.get(assignment=a).seconds == 0


def test_video_file_is_served_with_http_ranges(world, client_for):
    _m, reading, _q = _assigned(world)
    data = bytes(range(256)) * 10
    f = StudyItemFile(item=reading, original_name="v.mp4", content_type="video/mp4", size=len(data), sha256="x")
    f.file.save("v.mp4", ContentFile(data), save=False)
    f.save()
    a = _assignment(world)
    url = reverse("training:item_file", args=[a.pk, reading.pk, f.pk])
    r = client_for(world.member).get(url, HTTP_RANGE="bytes=10-19")
    assert r.status_code == 206 and r.content == data[10:20] and r["Content-Range"] == f"bytes 10-19/{len(data)}"
    assert client_for(world.member).get(url, HTTP_RANGE="bytes=99999-").status_code == 416
    assert client_for(world.outsider).get(url).status_code == 404


def test_branch_matrix_query_count_is_fixed_and_exports_to_excel(world, client_for, django_assert_max_num_queries):
    _assigned(world)
    c = client_for(world.secretary)
    url = reverse("training:branch_matrix", args=[world.branch_a1.pk]) + "?year=2026"
    with django_assert_max_num_queries(30) as before:
        assert c.get(url).status_code == 200
    for i in range(4):
        new_member(world.branch_a1, f"新党员{i}")
        _assigned(world, title=f"模块{i}")
    with django_assert_max_num_queries(len(before.captured_queries)):
        body = c.get(url).content.decode()
    assert "新党员3" in body and "模块3" in body
    x = c.get(url + "&format=xlsx")
    assert x["Content-Type"].startswith("application/vnd.openxmlformats")


def test_secretary_cannot_open_the_matrix_of_a_sibling_branch(world, client_for):
    assert (
        client_for(world.secretary).get(reverse("training:branch_matrix", args=[world.branch_a2.pk])).status_code == 404
    )
    assert client_for(world.member).get(reverse("training:branch_matrix", args=[world.branch_a1.pk])).status_code == 404


def test_committee_overview_shows_units_with_a_fixed_query_count(world, client_for, django_assert_max_num_queries):
    _assigned(world)
    c = client_for(world.committee)
    url = reverse("training:committee_overview")
    with django_assert_max_num_queries(30) as before:
        body = c.get(url).content.decode()
    assert "甲局机关党委" in body and "乙局机关党委" in body
    for i in range(3):
        new_member(world.branch_b1, f"乙{i}")
        _assigned(world, org=world.unit_b, title=f"乙模块{i}")
    with django_assert_max_num_queries(len(before.captured_queries)):
        c.get(url)
    assert c.get(url + "?format=xlsx")["Content-Type"].startswith("application/vnd.openxmlformats")
    assert c.get(url + "?org=abc").status_code == 200  # a bad id is ignored (security review F8)


def test_committee_overview_pages_the_organisations_below_and_exports_them_all(world, client_for, monkeypatch):
    """A province's committee has 400 units under it: the total first, then a page of them (issue 22)."""
    import io

    from openpyxl import load_workbook

    from training.views.progress import CommitteeOverviewView

    _assigned(world)
    monkeypatch.setattr(CommitteeOverviewView, "paginate_by", 1)
    c = client_for(world.committee)
    url = reverse("training:committee_overview")
    first, second = c.get(url).content.decode(), c.get(url + "?page=2").content.decode()
    total = re.search(r'data-testid="overview-total"[^>]*', first)[0]
    assert total == re.search(r'data-testid="overview-total"[^>]*', second)[0]  # the same total on every page
    assert ("甲局机关党委" in first) != ("甲局机关党委" in second)
    assert ("乙局机关党委" in first) != ("乙局机关党委" in second)
    assert 'data-total="2"' in first  # two units in all
    sheet = load_workbook(io.BytesIO(c.get(url + "?format=xlsx").content)).active
    names = {cell.value for row in sheet.iter_rows() for cell in row}
    assert {"甲局机关党委", "乙局机关党委"} <= names


@pytest.mark.parametrize(
    "name", ["training:module_list", "training:claim_list", "training:class_list", "training:lecture_list"]
)
def test_list_pages_do_not_grow_queries_with_rows(world, client_for, django_assert_max_num_queries, name):
    c = client_for(world.committee)

    def add_rows(n):
        for i in range(n):
            m, _r = module_with_reading(world, title=f"列表{name}{i}")
            services.record_lecture(
                actor=audit.SYSTEM, organization=world.branch_a1, title=f"宣讲{i}", speaker="甲",
                held_on=datetime.date.today(), audience_count=10,
            )  # fmt: skip
            services.create_class(
                actor=audit.SYSTEM, organization=world.branch_a1, title=f"班{i}", roster=[world.members["member"]]
            )
            from training.models import HoursClaim

            HoursClaim.objects.create(member=world.members["member"], title=f"申报{i}", hours=1, year=2026)

    add_rows(1)
    with django_assert_max_num_queries(30) as before:
        assert c.get(reverse(name)).status_code == 200
    add_rows(5)
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert c.get(reverse(name)).status_code == 200


def test_unit_admin_creates_a_module_and_bad_input_answers_in_the_form(world, client_for):
    c = client_for(world.unit_admin)
    r = c.post(reverse("training:module_create"), {"organization": world.unit_b.pk, "title": "", "year": "x"})
    assert r.status_code == 200 and not StudyModule.objects.exists()
    r = c.post(reverse("training:module_create"), {"organization": world.unit_a.pk, "title": "党章学习", "year": 2026})
    module = StudyModule.objects.get()
    assert r.status_code == 302 and module.organization == world.unit_a


def test_assign_page_assigns_and_refuses_both_due_kinds(world, client_for):
    module, _r = module_with_reading(world, org=world.unit_a)
    c = client_for(world.unit_admin)
    url = reverse("training:assign", args=[module.pk])
    r = c.post(
        url,
        {
            "organization": world.unit_a.pk,
            "include_subtree": "on",
            "due_days": 5,
            "due_date": f"{datetime.date.today().year + 5}-01-01",
        },
    )
    assert r.status_code == 200 and not Assignment.objects.exists()
    r = c.post(url, {"organization": world.unit_a.pk, "include_subtree": "on", "due_days": 5})
    assert r.status_code == 302 and Assignment.objects.filter(module=module).count() == 3
    assert client_for(world.other_admin).get(url).status_code == 404


def test_api_assignments_list_only_own_for_a_member_and_branch_for_a_secretary(world, api_for):
    new_member(world.branch_a2, "兄弟")
    _assigned(world)
    mine = api_for(world.member).get("/api/v1/assignments/").json()
    assert {r["member_name"] for r in mine["results"]} == {"member-党员"}
    sec = api_for(world.secretary).get("/api/v1/assignments/").json()
    assert {r["member_name"] for r in sec["results"]} == {"member-党员", "secretary-党员"}
    mods = api_for(world.member).get("/api/v1/study-modules/").json()
    assert [m["title"] for m in mods["results"]] == ["二十大报告学习"] and len(mods["results"][0]["items"]) == 2


def test_api_lists_keep_a_fixed_query_count(world, api_for, django_assert_max_num_queries):
    _assigned(world)
    c = api_for(world.committee)
    with django_assert_max_num_queries(20) as a:
        c.get("/api/v1/assignments/")
    with django_assert_max_num_queries(20) as m:
        c.get("/api/v1/study-modules/")
    for i in range(4):
        _assigned(world, title=f"API模块{i}")
    with django_assert_max_num_queries(len(a.captured_queries)):
        c.get("/api/v1/assignments/")
    with django_assert_max_num_queries(len(m.captured_queries)):
        c.get("/api/v1/study-modules/")


def test_sign_in_page_credits_hours_with_the_right_code(world, client_for):
    from django.utils import timezone

    tc = services.create_class(
        actor=audit.SYSTEM, organization=world.root, title="书记培训班", roster=[world.members["member"]]
    )
    now = timezone.now()
    session = services.add_session(
        actor=audit.SYSTEM, training_class=tc, title="第一讲", starts_at=now - datetime.timedelta(minutes=5),
        ends_at=now + datetime.timedelta(hours=1),
    )  # fmt: skip
    c = client_for(world.member)
    c.post(reverse("training:sign_in"), {"code": "000000x"})
    assert not HoursEntry.objects.exists()
    c.post(reverse("training:sign_in"), {"code": session.sign_in_code})
    assert HoursEntry.objects.get().hours == 2


def test_assign_page_accepts_named_people_only_from_the_users_scope(world, client_for):
    module, _r = module_with_reading(world, org=world.unit_a)
    c = client_for(world.unit_admin)
    url = reverse("training:assign", args=[module.pk])
    outside = new_member(world.branch_b1, "乙局党员")
    r = c.post(url, {"organization": world.unit_a.pk, "people": [outside.pk], "due_days": 5})
    assert r.status_code == 200 and not Assignment.objects.exists()
    r = c.post(url, {"organization": world.unit_a.pk, "people": [world.members["member"].pk], "due_days": 5})
    assert r.status_code == 302
    assert list(Assignment.objects.values_list("member__name", flat=True)) == ["member-党员"]


def test_garbage_ids_and_years_answer_without_a_server_error(world, client_for):
    _m, _r, quiz = _assigned(world)
    a = _assignment(world)
    c = client_for(world.member)
    assert c.post(reverse("training:item", args=[a.pk, quiz.pk]), {"attempt": "abc"}).status_code == 404
    s = client_for(world.secretary)
    assert s.get(reverse("training:branch_matrix", args=[world.branch_a1.pk]) + "?year=99999").status_code == 200
    assert client_for(world.committee).get(reverse("training:committee_overview") + "?year=x").status_code == 200
    assert client_for(world.committee).get(reverse("training:lecture_list") + "?period=2026-13").status_code == 200


def test_manager_adds_a_pdf_document_item_through_the_page_and_a_missing_file_is_refused(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from training.models import StudyItem

    module, _r = module_with_reading(world, org=world.unit_a)
    c = client_for(world.unit_admin)
    url = reverse("training:item_create", args=[module.pk])
    base = {"kind": "document", "title": "党章全文", "credit_hours": "1", "min_minutes": 5, "min_watch_percent": 90,
            "duration_seconds": 0, "pass_percent": 60, "question_count": 5, "attempt_limit": 3,
            "time_limit_minutes": 20}  # fmt: skip
    assert c.post(url, base).status_code == 200
    assert not StudyItem.objects.filter(kind="document").exists()
    pdf = SimpleUploadedFile("dangzhang.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    assert c.post(url, {**base, "file": pdf}).status_code == 302
    item = StudyItem.objects.get(kind="document")
    assert item.files.get().content_type == "application/pdf"
    fake = SimpleUploadedFile("v.mp4", b"not a video at all")
    r = c.post(url, {**base, "kind": "video", "title": "视频", "file": fake})
    assert r.status_code == 200 and not StudyItem.objects.filter(kind="video").exists()


def test_the_overview_keeps_its_figures_and_study_writes_show_on_the_next_view(world, client_for):
    """STUDY_SUMMARY_SECONDS: the figures are kept between views; assigning a module (a bulk insert), a
    completion and an hours entry each show on the next view, and the page says when they were taken."""
    import re

    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    cache.clear()
    year = timezone.localdate().year
    module, _reading = module_with_reading(world, title="年度必学")
    c = client_for(world.committee)
    url = reverse("training:committee_overview") + f"?period={year}"

    def total():
        page = c.get(url).content.decode()
        assert 'data-testid="study-taken-at"' in page
        found = re.search(r'data-numerator="(\d+)" data-denominator="(\d+)" data-hours="([^"]*)"', page)
        return int(found[1]), int(found[2]), found[3]

    with CaptureQueriesContext(connection) as cold:
        assert total()[:2] == (0, 0)
    cold_queries = len(cold.captured_queries)
    with CaptureQueriesContext(connection) as kept:
        total()
    kept_queries = len(kept.captured_queries)
    assert kept_queries <= cold_queries - 3  # completion, hours and head counts are not taken again
    services.assign_module(
        actor=world.committee, module=module, organization=world.unit_a, due_date=datetime.date(year, 12, 31)
    )
    done, due, hours = total()
    assert done == 0 and due == Assignment.objects.filter(module=module).count() > 0
    first = Assignment.objects.filter(module=module).order_by("pk").first()
    first.completed_at = timezone.now()
    first.save(update_fields=["completed_at"])
    assert total()[:2] == (1, due)
    HoursEntry.objects.create(
        member=first.member,
        year=year,
        hours=8,
        source="claim",
        rule="test",
        credit_key="kept-1",
        created_at=timezone.now(),
    )
    assert total()[2] != hours
    with CaptureQueriesContext(connection) as again:
        total()
    # kept: no figure is taken again (served as a kept page, portal/pagecache.py, when nothing has changed since)
    assert len(again.captured_queries) <= kept_queries
