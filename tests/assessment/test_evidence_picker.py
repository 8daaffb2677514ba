"""Meeting records of the branch as evidence: a picker instead of typed ids, scoped to the branch and the year."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from assessment import selectors, services
from assessment.models import BranchAssessment, Evidence
from branches.models import AuditEntry, MeetingStatus
from tests.assessment.factories import TEST_METRIC, advance_to, make_system, open_live_cycle, registered_metric
from tests.meetings.factories import add_members, held_meeting

pytestmark = pytest.mark.django_db
d = datetime.date


@pytest.fixture
def cycle(world):
    with registered_metric(TEST_METRIC, {world.branch_a1.pk: 97.0}):
        yield open_live_cycle(make_system(), world.unit_a)  # the system's year is 2026


@pytest.fixture
def meetings(world):
    add_members(world.branch_a1, 3)
    add_members(world.branch_a2, 3)
    add_members(world.group_a1, 3)
    return {
        "committee": held_meeting(world.branch_a1, "committee", d(2026, 3, 5), title="三月支委会"),
        "theme_day": held_meeting(world.branch_a1, "theme_day", d(2026, 4, 20), title="四月主题党日"),
        "group": held_meeting(world.group_a1, "group", d(2026, 5, 8), title="第一党小组学习"),
        "last_year": held_meeting(world.branch_a1, "committee", d(2025, 12, 3), title="去年支委会"),
        "planned": held_meeting(
            world.branch_a1, "lecture", d(2026, 6, 1), title="计划中的党课", status=MeetingStatus.PLANNED
        ),
        "sibling": held_meeting(world.branch_a2, "committee", d(2026, 3, 6), title="第二支部支委会"),
    }


def _a(cycle, org):
    return BranchAssessment.objects.select_related("cycle", "organization").get(cycle=cycle, organization=org)


def _result(a, code="M1"):
    return a.results.select_related("indicator").get(indicator__code=code)


def _url(a, r):
    return f"/assessment/branch/{a.pk}/meetings/{r.pk}/"


def test_the_picker_lists_the_branchs_held_meetings_of_the_cycles_year(world, cycle, meetings, client_for):
    a = _a(cycle, world.branch_a1)
    body = client_for(world.secretary).get(_url(a, _result(a))).content.decode()
    for key in ("committee", "theme_day", "group"):
        assert meetings[key].title in body, key
    for key in ("last_year", "planned", "sibling"):
        assert meetings[key].title not in body, key
    assert "2026-03-05" in body and "支委会" in body  # date and kind are shown


def test_the_picker_filters_by_kind_and_title(world, cycle, meetings, client_for):
    a = _a(cycle, world.branch_a1)
    c = client_for(world.secretary)
    body = c.get(_url(a, _result(a)), {"kind": "theme_day"}).content.decode()
    assert "四月主题党日" in body and "三月支委会" not in body
    body = c.get(_url(a, _result(a)), {"q": "党小组"}).content.decode()
    assert "第一党小组学习" in body and "四月主题党日" not in body
    assert "没有符合条件的会议" in c.get(_url(a, _result(a)), {"q": "不存在"}).content.decode()


def test_a_secretary_links_two_meetings_once_each_with_their_date_and_audit(world, cycle, meetings, client_for):
    a = _a(cycle, world.branch_a1)
    r = _result(a)
    c = client_for(world.secretary)
    picked = [meetings["committee"].pk, meetings["theme_day"].pk]
    response = c.post(_url(a, r), {"meeting": picked})
    assert response.status_code == 302 and response.url.endswith(f"/self/#r{r.pk}")
    rows = list(Evidence.objects.filter(result=r).order_by("dated"))
    assert [e.meeting_id for e in rows] == picked
    assert rows[0].dated == d(2026, 3, 5) and rows[0].link == f"/meetings/{picked[0]}/"
    assert "三月支委会" in rows[0].title
    assert AuditEntry.objects.filter(action="assessment.meeting_linked", actor=world.secretary).count() == 2
    c.post(_url(a, r), {"meeting": picked})  # again: nothing doubled
    assert Evidence.objects.filter(result=r).count() == 2
    body = c.get(f"/assessment/branch/{a.pk}/self/").content.decode()
    assert 'data-testid="evidence-M1"' in body and "三月支委会" in body
    assert not any(w["kind"] == "evidence_date" for w in services.consistency_warnings(a))


@pytest.mark.parametrize("crafted", ["sibling", "last_year", "planned", "missing", "abc"])
def test_a_crafted_id_is_refused_with_a_message_and_nothing_is_linked(world, cycle, meetings, client_for, crafted):
    a = _a(cycle, world.branch_a1)
    r = _result(a)
    bad = {"missing": "999999", "abc": "abc"}.get(crafted) or str(meetings[crafted].pk)
    response = client_for(world.secretary).post(_url(a, r), {"meeting": [str(meetings["committee"].pk), bad]})
    assert response.status_code == 400
    body = response.content.decode()
    assert "未关联任何材料" in body or "请从列表中选择会议" in body
    assert not Evidence.objects.exists()


def test_choosing_nothing_says_so(world, cycle, meetings, client_for):
    a = _a(cycle, world.branch_a1)
    response = client_for(world.secretary).post(_url(a, _result(a)), {})
    assert response.status_code == 400 and "请至少选择一次会议" in response.content.decode()


def test_another_branchs_secretary_gets_404_and_links_nothing(world, cycle, meetings, client_for):
    a = _a(cycle, world.branch_a1)
    c = client_for(world.outsider)
    assert c.get(_url(a, _result(a))).status_code == 404
    assert c.post(_url(a, _result(a)), {"meeting": [meetings["sibling"].pk]}).status_code == 404
    other = _a(cycle, world.branch_a2)
    assert client_for(world.secretary).get(_url(a, _result(other))).status_code == 404  # result of another branch
    assert not Evidence.objects.exists()


def test_the_committee_sees_the_list_but_only_the_secretary_links(world, cycle, meetings, client_for):
    a = _a(cycle, world.branch_a1)
    c = client_for(world.committee)
    body = c.get(_url(a, _result(a))).content.decode()
    assert "三月支委会" in body and 'data-testid="link-meetings"' not in body
    assert c.post(_url(a, _result(a)), {"meeting": [meetings["committee"].pk]}).status_code == 403
    assert not Evidence.objects.exists()


def test_linking_is_refused_out_of_the_self_assessment_window(world, cycle, meetings, client_for):
    a = _a(cycle, world.branch_a1)
    advance_to(cycle, "review")
    c = client_for(world.secretary)
    assert 'data-testid="link-meetings"' not in c.get(_url(a, _result(a))).content.decode()
    response = c.post(_url(a, _result(a)), {"meeting": [meetings["committee"].pk]})
    assert response.status_code == 400 and "自评阶段已于" in response.content.decode()
    assert not Evidence.objects.exists()


def test_the_service_never_links_another_branchs_meeting(world, cycle, meetings):
    a = _a(cycle, world.branch_a1)
    with pytest.raises(ValidationError):
        services.link_meetings(actor=world.secretary, result=_result(a), meeting_ids=[meetings["sibling"].pk])
    assert set(selectors.meetings_for_evidence(a, world.secretary).values_list("pk", flat=True)) == {
        meetings["committee"].pk,
        meetings["theme_day"].pk,
        meetings["group"].pk,
    }


def test_the_picker_runs_a_fixed_number_of_queries(world, cycle, client_for, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    add_members(world.branch_a1, 3)
    a = _a(cycle, world.branch_a1)
    r = _result(a)
    c = client_for(world.secretary)
    held_meeting(world.branch_a1, "committee", d(2026, 1, 9), title="一月支委会")
    Evidence.objects.create(result=r, meeting=None, title="手工材料", link="/x/")
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(_url(a, r)).status_code == 200
    for month in range(2, 12):
        m = held_meeting(world.branch_a1, "theme_day", d(2026, month, 10), title=f"{month}月主题党日")
        if month % 3 == 0:
            services.link_meetings(actor=world.secretary, result=r, meeting_ids=[m.pk])
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        body = c.get(_url(a, r)).content.decode()
    assert "11月主题党日" in body and body.count("已关联") >= 3
