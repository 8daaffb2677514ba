"""Notices and material collection in a real browser (issue 17's "Done when")."""

import datetime
import zipfile

import pytest
from django.utils import timezone

from branches import audit
from notices.collection import services as collection
from notices.models import NoticeRecipient, Submission, SubmissionStatus
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _as(browser, live_server, username, *, phone=False):
    if phone:
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
    else:
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    return log_in(page, live_server, username)


def test_committee_publishes_a_receipt_notice_a_secretary_signs_on_a_phone_and_the_rest_are_reminded(
    browser, live_server, world
):
    from portal.notifications.models import Reminder

    committee = _as(browser, live_server, "committee")
    committee.goto(f"{live_server.url}/notices/new/")
    committee.select_option("#id_organization", str(world.root.pk))
    committee.select_option("#id_category", "notice")
    committee.fill("#id_title", "关于开展主题党日活动的通知")
    committee.fill("#id_body", "请各支部书记组织开展主题党日活动。")
    committee.select_option("#id_audience_orgs", [str(world.unit_a.pk), str(world.unit_b.pk)])
    committee.select_option("#id_audience_role", "secretary")
    committee.check("#id_requires_receipt")
    committee.fill("#id_receipt_working_days", "3")
    committee.select_option("#id_publish", "now")
    committee.click("[data-testid=notice-submit]")
    committee.wait_for_load_state("networkidle")
    assert "/notices/" in committee.url and committee.locator("[data-testid=notice-detail]").is_visible()
    notice_url = committee.url

    phone = _as(browser, live_server, "secretary", phone=True)
    phone.goto(f"{live_server.url}/notices/")
    phone.get_by_text("关于开展主题党日活动的通知").click()
    phone.wait_for_load_state("networkidle")
    phone.fill("#id_reply", "已收到，按时组织。")
    phone.click("[data-testid=sign]")
    phone.wait_for_load_state("networkidle")
    assert phone.locator("[data-testid=signed]").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 400  # no sideways scrolling on a phone

    committee.goto(notice_url + "stats/")
    total = committee.locator("[data-testid=stats-total]")
    assert total.get_attribute("data-signed") == "1" and total.get_attribute("data-total") == "2"
    assert "outsider" in committee.locator("[data-testid=unsigned-list]").inner_text()
    committee.click("[data-testid=remind]")
    committee.wait_for_load_state("networkidle")
    assert NoticeRecipient.objects.filter(user=world.outsider, reminded_at__isnull=False).exists()
    assert Reminder.objects.filter(kind__startswith="notices.remind", recipient=world.outsider).exists()


def _docx(tmp_path, name):
    import docx

    path = tmp_path / name
    docx.Document().save(path)
    return str(path)


def test_unit_admin_answers_gets_it_returned_resubmits_and_the_committee_accepts_and_downloads_the_zip(
    browser, live_server, world, tmp_path
):
    req = collection.create_request(
        actor=audit.SYSTEM,
        organization=world.root,
        title="上半年党建工作情况",
        deadline=timezone.localdate() + datetime.timedelta(days=5),
        fields=[{"key": "members", "label": "党员人数", "type": "number", "required": True}],
        targets=[world.unit_a, world.unit_b],
    )
    sub = Submission.objects.get(request=req, organization=world.unit_a)

    admin = _as(browser, live_server, "unit_admin")
    admin.goto(f"{live_server.url}/notices/collection/todo/")
    admin.get_by_text("上半年党建工作情况").click()
    admin.fill("#id_f_members", "35")
    admin.set_input_files("#id_file", _docx(tmp_path, "甲局材料.docx"))
    admin.click("[data-testid=submit-answer]")
    admin.wait_for_load_state("networkidle")
    assert Submission.objects.get(pk=sub.pk).status == SubmissionStatus.SUBMITTED

    committee = _as(browser, live_server, "committee")
    committee.goto(f"{live_server.url}/notices/collection/submissions/{sub.pk}/")
    committee.fill("[data-testid=return-input]", "党员人数与名册不一致")
    committee.click("[data-testid=return]")
    committee.wait_for_load_state("networkidle")
    assert Submission.objects.get(pk=sub.pk).status == SubmissionStatus.RETURNED

    admin.goto(f"{live_server.url}/notices/collection/submissions/{sub.pk}/")
    assert "党员人数与名册不一致" in admin.locator("[data-testid=return-reason]").inner_text()
    admin.fill("#id_f_members", "36")
    admin.click("[data-testid=submit-answer]")
    admin.wait_for_load_state("networkidle")

    committee.goto(f"{live_server.url}/notices/collection/submissions/{sub.pk}/")
    committee.click("[data-testid=accept]")
    committee.wait_for_load_state("networkidle")
    assert committee.locator("[data-count=accepted]").inner_text().endswith("1")
    with committee.expect_download() as info:
        committee.click("[data-testid=zip]")
    with zipfile.ZipFile(info.value.path()) as archive:
        names = archive.namelist()
    assert names == ["甲局机关党委/甲局材料.docx"]
