"""Notifications belong to one person: the sample is the committee member's own notice about
something in ``world.branch_a1``; everyone else (outsider, other admin, nobody) must get 404."""

from django.utils import timezone

from portal.models import Notification
from tests.scoping import MARK, sample


@sample(Notification, insiders=("committee",))
def notification(world):
    return Notification.objects.create(
        recipient=world.committee,
        kind="test.notice",
        title=f"{MARK} 甲局第一党支部的通知",
        url=f"/orgs/{world.branch_a1.pk}/",
        object_type="branches.organization",
        object_id=world.branch_a1.pk,
        created_at=timezone.now(),
    )


from portal.models import GroupRobot  # noqa: E402


@sample(GroupRobot, insiders=("committee", "unit_admin", "secretary"))
def group_robot(world):
    robot, _created = GroupRobot.objects.update_or_create(
        organization=world.branch_a1,
        defaults={
            "name": f"{MARK} 第一支部党员群",
            "platform": "dingtalk",
            "webhook_url": "https://oapi.dingtalk.com/robot/send?access_token=sample",
        },
    )
    return robot
