"""我的待办 is complete for each role from the demo data, and the daily digest counts the same list."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from portal import todo
from portal.models import User

pytestmark = pytest.mark.django_db


def kinds(items):
    return [i.kind for i in items]


def test_demo_member_and_secretary_see_every_open_item_and_the_digest_counts_the_same_list(client_for):
    call_command("seed_demo", "--scale", "small", "--force")
    now = timezone.now()
    member = User.objects.get(username="member")
    items = todo.todo_for(member, now)
    assert kinds(items).count("study.assignment") >= 2  # the two due study modules
    assert "meetings.sign_in" in kinds(items)  # today's meeting to sign in to
    secretary = User.objects.get(username="secretary")
    items = todo.todo_for(secretary, now)
    titles = " ".join(str(i.title) for i in items)
    for kind in (
        "meetings.due",  # meetings the rules still require
        "meetings.draft",  # a record to complete and submit
        "supervision.target",  # the newly issued task to sign for
        "supervision.rectification",
        "assessment.self",
        "notices.receipt",
    ):
        assert kind in kinds(items), kind
    assert "整改方案" in titles and "落实并报告整改" in titles  # a plan to propose, a rectification to carry out
    # The page shows the same list, with the branch summary.
    page = client_for(secretary).get(reverse("dashboards:todo")).content.decode()
    assert f'data-count="{len(items)}"' in page and 'data-testid="branch-summary"' in page

    # The daily digest of the secretary counts exactly 我的待办. Built at 20:00 today, whenever the test runs:
    # after 22:00 the default quiet hours hold every digest back (a run at 22:11 found only the demo's own).
    evening = timezone.localtime(now).replace(hour=20, minute=0, second=0, microsecond=0)
    from portal import notifications
    from portal.notifications.models import Notification, Reminder

    Reminder.objects.create(
        kind="test.digest", object_type="branches.organization", object_id=1, step="T-1", recipient=secretary,
        due_at=evening - datetime.timedelta(hours=1), title="今日提醒",
        created_at=evening - datetime.timedelta(hours=2),
    )  # fmt: skip
    notifications.build_notifications([secretary.pk], now=evening, enqueue=False)
    digest = Notification.objects.filter(recipient=secretary, kind=notifications.DIGEST_KIND).latest("pk")
    assert digest.created_at == evening
    open_items = todo.todo_for(secretary, evening)
    assert f"{len(open_items)}" in digest.title
    # Its body names what is new today, then the list its title counts (soonest first), and links to it.
    new, listed = digest.body.split("我的待办：")
    assert "今日提醒" in new
    shown = open_items[: notifications.services.DIGEST_TODO_LINES]
    assert all(str(i.title) in listed for i in shown)
    if len(open_items) > len(shown):
        assert f"另有 {len(open_items) - len(shown)} 项" in listed
    assert reverse("dashboards:todo") in listed


def test_the_todo_page_costs_the_same_queries_with_more_items(world, client_for, django_assert_max_num_queries):
    from tests.training.factories import module_with_reading
    from training.models import Assignment

    client = client_for(world.secretary)
    url = reverse("dashboards:todo")
    client.get(url)
    with django_assert_max_num_queries(200) as first:
        client.get(url)
    for i in range(3):
        module, _r = module_with_reading(world, title=f"待学{i}")
        Assignment.objects.create(
            module=module, member=world.members["secretary"], assigned_at=timezone.now(),
            due_date=timezone.localdate() + datetime.timedelta(days=5 + i),
        )  # fmt: skip
    with django_assert_max_num_queries(len(first.captured_queries)):
        html = client.get(url).content.decode()
    assert "待学2" in html


def test_a_slot_recorded_as_a_draft_is_one_item_to_submit_not_two(world):
    """This month's theme party day, held and saved as a draft: 我的待办 lists the draft to
    submit, not also "hold and record the theme party day" of the same month."""
    from branches.models import Meeting, MeetingKind, MeetingStatus

    now = timezone.now()
    start = now - datetime.timedelta(hours=3)
    if timezone.localdate(start) != timezone.localdate(now):  # just after midnight: stay in today's month
        start = now - datetime.timedelta(minutes=5)
    month_kinds = lambda items: [  # noqa: E731
        i.title
        for i in items
        if i.kind == "meetings.due"
        and str(MeetingKind.THEME_DAY.label) in i.title
        and timezone.localdate(now).strftime("%Y年%-m月") in i.title
    ]
    before = todo.todo_for(world.secretary, now)
    assert month_kinds(before), [i.title for i in before]
    meeting = Meeting.objects.create(
        organization=world.branch_a1, kind=MeetingKind.THEME_DAY, title="本月主题党日",
        start=start, end=start + datetime.timedelta(hours=1), status=MeetingStatus.DRAFT,
    )  # fmt: skip
    after = todo.todo_for(world.secretary, now)
    assert [i.object_id for i in after if i.kind == "meetings.draft"] == [meeting.pk]
    assert not month_kinds(after)
    assert len(after) == len(before)


def test_the_page_reads_the_reminders_the_last_sweep_published_without_asking_the_providers(
    world, client_for, django_assert_max_num_queries
):
    """Running every provider for the whole tree took about 5 s a view at city scale: the sweep publishes
    each person's share, and the page reads only its own."""
    from portal.notifications.engine import run_sweep
    from tests.portal.notify_helpers import due, provider

    now = timezone.now()
    calls = []

    def items(at):
        calls.append(at)
        return [due(world.member, kind="test.term_ends", object_id=7, step="1m", title="换届提醒：请筹备换届", when=at)]

    client = client_for(world.member)
    url = reverse("dashboards:todo")
    with provider(items):
        before = client.get(url).content.decode()  # nothing published yet: the providers are asked
        assert "换届提醒" in before and 'data-testid="reminders-found-at"' not in before
        run_sweep(now, fan_out=False)
        calls.clear()
        with django_assert_max_num_queries(60):
            page = client.get(url).content.decode()
        assert calls == []  # served from what the sweep published
        assert "换届提醒" in page and 'data-testid="reminders-found-at"' in page
        # Another person's share is not theirs to see.
        other = client_for(world.secretary).get(url).content.decode()
        assert "换届提醒" not in other


def test_a_lost_cache_falls_back_to_asking_the_providers(world, client_for):
    from django.core.cache import cache

    from portal.notifications.engine import run_sweep
    from tests.portal.notify_helpers import due, provider

    now = timezone.now()
    with provider(lambda at: [due(world.member, kind="test.term_ends", title="换届提醒：请筹备换届", when=at)]):
        run_sweep(now, fan_out=False)
        cache.clear()
        page = client_for(world.member).get(reverse("dashboards:todo")).content.decode()
    assert "换届提醒" in page and 'data-testid="reminders-found-at"' not in page
