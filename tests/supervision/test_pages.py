import datetime

import pytest
from django.utils import timezone

from supervision import services
from supervision.models import Card, EscalationRule, Rectification, SupervisionTask

from .helpers import finding_for, issued_task

pytestmark = pytest.mark.django_db


def _rows(world, n):
    today = timezone.localdate()
    for i in range(n):
        task = issued_task(world, title=f"任务{i}", deadline=today + datetime.timedelta(days=20), now=timezone.now())
        f = finding_for(
            world, task, deadline=today + datetime.timedelta(days=5), now=timezone.now(), description=f"问题{i}"
        )
        Card.objects.create(
            rule=EscalationRule.objects.get(code="overdue-1"),
            colour="yellow",
            organization=world.branch_a1,
            rectification=f.rectifications.get(),
            reason=f"卡{i}",
            issued_at=timezone.now(),
        )


LIST_URLS = [
    "/supervision/",
    "/supervision/findings/",
    "/supervision/rectifications/",
    "/supervision/cards/",
    "/supervision/board/",
    "/supervision/bulletin/",
    "/api/v1/supervision-tasks/",
    "/api/v1/findings/",
    "/api/v1/rectifications/",
    "/api/v1/cards/",
]


@pytest.mark.parametrize("url", LIST_URLS)
def test_list_query_count_does_not_grow_with_rows(world, client_for, django_assert_max_num_queries, url):
    _rows(world, 1)
    c = client_for(world.committee)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert c.get(url).status_code == 200
    _rows(world, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(url).status_code == 200


def test_the_committee_creates_and_issues_a_task_from_the_form(world, client_for):
    response = client_for(world.committee).post(
        "/supervision/tasks/new/",
        {
            "title": "党建责任制落实情况督查",
            "kind": "special",
            "deadline": "2026-12-31",
            "targets": [world.branch_a1.pk, world.branch_a2.pk],
            "inspectors": [world.inspector.pk],
            "issue_now": "on",
        },
    )
    task = SupervisionTask.objects.get()
    assert response.status_code == 302 and task.status == "issued" and task.targets.count() == 2


def test_a_task_form_without_targets_answers_in_chinese(world, client_for):
    response = client_for(world.committee).post(
        "/supervision/tasks/new/", {"title": "x", "kind": "routine", "deadline": "2026-12-31"}
    )
    assert response.status_code == 200
    assert "这个字段是必填项" in response.content.decode() or "必填" in response.content.decode()
    assert not SupervisionTask.objects.exists()


def test_a_secretary_cannot_open_the_task_form(world, client_for):
    assert client_for(world.secretary).get("/supervision/tasks/new/").status_code == 403


def test_a_bad_action_answers_with_a_message_not_a_500(world, client_for):
    rect = finding_for(world, now=timezone.now(), deadline=timezone.localdate()).rectifications.get()
    c = client_for(world.secretary)
    response = c.post(f"/supervision/rectifications/{rect.pk}/submit/", follow=True)
    assert response.status_code == 200
    assert Rectification.objects.get(pk=rect.pk).status == "awaiting_plan"
    response = c.post(f"/supervision/rectifications/{rect.pk}/extend/", {"new_deadline": "not a date"}, follow=True)
    assert response.status_code == 200


def test_the_bulletin_exports_excel(world, client_for):
    _rows(world, 2)
    response = client_for(world.committee).get("/supervision/bulletin/?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(response.content))
    assert wb.worksheets[0].max_row == 3  # header + two cards


def test_the_board_counts_findings_by_category_and_severity(world, client_for):
    task = issued_task(world, now=timezone.now(), deadline=timezone.localdate())
    finding_for(world, task, severity="serious", now=timezone.now(), deadline=timezone.localdate())
    finding_for(world, task, category="作风建设", now=timezone.now(), deadline=timezone.localdate())
    from supervision.reports import board

    b = board(world.committee, today=timezone.localdate())
    assert b["finding_total"] == 2 and b["category_count"] == 2
    assert b["rect"]["total"] == 2


def test_a_secretary_reports_through_the_page(world, client_for):
    task = issued_task(world, now=timezone.now(), deadline=timezone.localdate())
    target = task.targets.get()
    c = client_for(world.secretary)
    c.post(f"/supervision/targets/{target.pk}/acknowledge/")
    c.post(f"/supervision/targets/{target.pk}/report/", {"stage": "report", "content": "已组织学习"})
    assert target.reports.get().content == "已组织学习"
    services.review_stage_report(actor=world.inspector, report=target.reports.get(), accept=True)
