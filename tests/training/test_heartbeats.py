import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.training.factories import NOW, module_with_reading
from training import services
from training.models import Assignment, DailyStudyTime, HoursEntry, ItemKind, ItemProgress, StudyPolicy

pytestmark = pytest.mark.django_db

S = datetime.timedelta(seconds=1)


@pytest.fixture
def setup(world):
    module, reading = module_with_reading(world, min_minutes=600)
    services.assign_module(actor=world.committee, module=module, organization=world.branch_a1, due_days=30, now=NOW)
    assignment = Assignment.objects.get(module=module, member=world.members["member"])
    return world, module, reading, assignment


def beat(world, assignment, item, at, visible=True, active=True, position=None):
    return services.heartbeat(
        actor=world.member, assignment=assignment, item=item, visible=visible, active=active, position=position, now=at
    )


def test_a_thousand_heartbeats_in_one_second_credit_no_more_than_one_second(setup):
    world, _m, reading, assignment = setup
    beat(world, assignment, reading, NOW)
    for i in range(1000):
        beat(world, assignment, reading, NOW + datetime.timedelta(microseconds=1000 * (i + 1)))
    assert ItemProgress.objects.get(assignment=assignment, item=reading).seconds <= 1


def test_steady_heartbeats_credit_the_real_elapsed_time(setup):
    world, _m, reading, assignment = setup
    for i in range(5):
        beat(world, assignment, reading, NOW + 30 * i * S)
    assert ItemProgress.objects.get(assignment=assignment, item=reading).seconds == 120


def test_a_long_gap_between_beats_credits_at_most_one_interval(setup):
    world, _m, reading, assignment = setup
    beat(world, assignment, reading, NOW)
    beat(world, assignment, reading, NOW + 200 * S)
    assert ItemProgress.objects.get(assignment=assignment, item=reading).seconds == 35


def test_a_gap_beyond_the_idle_cutoff_credits_nothing(setup):
    world, _m, reading, assignment = setup
    beat(world, assignment, reading, NOW)
    beat(world, assignment, reading, NOW + 400 * S)
    assert ItemProgress.objects.get(assignment=assignment, item=reading).seconds == 0


def test_hidden_or_idle_page_earns_nothing(setup):
    world, _m, reading, assignment = setup
    beat(world, assignment, reading, NOW)
    beat(world, assignment, reading, NOW + 30 * S, visible=False)
    beat(world, assignment, reading, NOW + 60 * S, active=False)
    assert ItemProgress.objects.get(assignment=assignment, item=reading).seconds == 0


def test_the_daily_cap_holds(setup):
    world, _m, reading, assignment = setup
    StudyPolicy.objects.filter(name="default").update(daily_cap_minutes=2)
    for i in range(20):
        beat(world, assignment, reading, NOW + 30 * i * S)
    assert ItemProgress.objects.get(assignment=assignment, item=reading).seconds == 120
    assert DailyStudyTime.objects.get(member=world.members["member"]).seconds == 120
    next_day = NOW + datetime.timedelta(days=1)
    beat(world, assignment, reading, next_day)
    beat(world, assignment, reading, next_day + 30 * S)
    assert ItemProgress.objects.get(assignment=assignment, item=reading).seconds == 150


def test_reading_long_enough_completes_the_item_and_credits_hours_once(world):
    module, reading = module_with_reading(world, min_minutes=1, hours="2")
    services.assign_module(actor=world.committee, module=module, organization=world.branch_a1, due_days=30, now=NOW)
    assignment = Assignment.objects.get(module=module, member=world.members["member"])
    for i in range(6):
        beat(world, assignment, reading, NOW + 15 * i * S)
    assignment.refresh_from_db()
    assert assignment.completed_at is not None
    assert services.hours_in_year(world.members["member"], 2026) == 2
    assert HoursEntry.objects.filter(member=world.members["member"]).count() == 1
    assert "1 min" in HoursEntry.objects.get().rule


def test_someone_else_cannot_send_heartbeats_for_a_member(setup):
    world, _m, reading, assignment = setup
    with pytest.raises(PermissionDenied):
        services.heartbeat(actor=world.secretary, assignment=assignment, item=reading, visible=True, active=True)


def test_video_cannot_skip_ahead_of_the_furthest_point_and_resumes(world):
    module, _r = module_with_reading(world)
    video = services.add_item(
        actor=world.committee, module=module, kind=ItemKind.VIDEO, title="视频", duration_seconds=600,
        min_watch_percent=90,
    )  # fmt: skip
    services.assign_module(actor=world.committee, module=module, organization=world.branch_a1, due_days=30, now=NOW)
    assignment = Assignment.objects.get(module=module, member=world.members["member"])
    beat(world, assignment, video, NOW, position=0)
    beat(world, assignment, video, NOW + 30 * S, position=30)
    with pytest.raises(ValidationError):
        beat(world, assignment, video, NOW + 60 * S, position=500)
    p = ItemProgress.objects.get(assignment=assignment, item=video)
    assert p.furthest_position == 30 and p.position == 30
    beat(world, assignment, video, NOW + 70 * S, position=10)
    p.refresh_from_db()
    assert p.furthest_position == 30 and p.position == 10
