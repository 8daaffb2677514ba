"""A few mobile, abroad and out-of-contact members, rewards, one discipline and a hardship record."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from .. import audit
from ..models.members import ACTIVE_STATUSES, PARTY_MEMBER_CATEGORIES
from . import services

SYSTEM = audit.SYSTEM


def seed(ctx) -> None:
    data = ctx.data
    today = timezone.localdate()
    demo_branch, sibling = data["demo_branch"], data["sibling_branch"]
    people = [m for m in data["members"] if m.category in PARTY_MEMBER_CATEGORIES and m.status in ACTIVE_STATUSES]
    ours = [m for m in people if m.organization_id == demo_branch.pk][2:]
    theirs = [m for m in people if m.organization_id == sibling.pk]
    if len(ours) < 8:
        return
    ago = lambda days: today - datetime.timedelta(days=days)  # noqa: E731
    services.record_mobile(
        actor=SYSTEM,
        member=ours[0],
        place="广东省深圳市",
        since=ago(200),
        contact="13800001111",
        receiving_org="深圳市流动党员党支部",
        card_no="LD2026-0012",
    )
    services.record_mobile(actor=SYSTEM, member=ours[1], place="上海市浦东新区", since=ago(90), card_no="LD2026-0031")
    if theirs:
        services.record_mobile(actor=SYSTEM, member=theirs[0], place="北京市海淀区", since=ago(60))
    services.record_abroad(
        actor=SYSTEM,
        member=ours[2],
        destination="新加坡",
        purpose="访学",
        departed_on=ago(40),
        expected_return=ago(-140),
    )
    services.record_lost_contact(
        actor=SYSTEM,
        member=ours[3],
        last_contact_on=ago(220),
        search_steps=f"{ago(200)} 电话未接通\n{ago(150)} 走访原住址，已搬离",
    )
    services.record_lost_contact(
        actor=SYSTEM, member=ours[4], last_contact_on=ago(45), search_steps="微信、电话均未回复"
    )
    for person, title in [(ours[5], "优秀共产党员"), (ours[6], "优秀党务工作者"), (ours[0], "优秀共产党员")]:
        services.record_reward_discipline(
            actor=SYSTEM,
            member=person,
            kind="reward",
            title=title,
            document_no=f"市直工发〔{today.year}〕{person.pk % 50 + 1}号",
            date=datetime.date(today.year, 6, 28),
            issuing_body="中共市直机关工委",
        )
    services.record_reward_discipline(
        actor=SYSTEM,
        member=ours[7],
        kind="discipline",
        discipline="probation",
        title="留党察看一年",
        document_no=f"市纪发〔{today.year}〕3号",
        date=ago(100),
        ends_on=ago(100 - 365),
        issuing_body="中共市纪委",
    )
    services.record_care(
        actor=SYSTEM,
        member=ours[6],
        kind="hardship",
        date=ago(30),
        situation="配偶重病住院，家庭负担重",
        help_given="支部走访慰问，发放帮扶金",
        amount=Decimal("2000.00"),
    )
    services.record_care(actor=SYSTEM, member=ours[5], kind="visit", date=ago(10), situation="老党员节日慰问")
    ctx.log("  member files: 3 mobile, 1 abroad, 2 out of contact, 4 rewards/discipline, 2 care records")
