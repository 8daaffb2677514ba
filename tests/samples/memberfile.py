import datetime

from branches import audit
from branches.memberfile import services
from branches.memberfile.models import AbroadRecord, CareRecord, LostContactRecord, MobileRecord, RewardDiscipline
from branches.models import Member, MemberCategory
from tests.scoping import MARK, sample

INSIDERS = ("committee", "unit_admin", "secretary")


def _member(world):
    return Member.objects.create(
        organization=world.branch_a1,
        name=f"{MARK}党员",
        category=MemberCategory.FULL,
        join_date=datetime.date(2015, 7, 1),
    )


@sample(MobileRecord, insiders=INSIDERS)
def mobile(world):
    return services.record_mobile(
        actor=audit.SYSTEM, member=_member(world), place="深圳", since=datetime.date(2026, 1, 1), card_no="LD001"
    )


@sample(CareRecord, insiders=INSIDERS)
def care(world):
    return services.record_care(
        actor=audit.SYSTEM, member=_member(world), kind="visit", date=datetime.date.today(), situation="住院"
    )


@sample(AbroadRecord, insiders=INSIDERS)
def abroad(world):
    return services.record_abroad(
        actor=audit.SYSTEM, member=_member(world), destination="新加坡", departed_on=datetime.date(2026, 1, 1)
    )


@sample(LostContactRecord, insiders=INSIDERS)
def lost(world):
    return services.record_lost_contact(
        actor=audit.SYSTEM, member=_member(world), last_contact_on=datetime.date(2026, 1, 1), search_steps="电话"
    )


@sample(RewardDiscipline, insiders=INSIDERS)
def reward(world):
    return services.record_reward_discipline(
        actor=audit.SYSTEM,
        member=_member(world),
        kind="reward",
        title="优秀共产党员",
        document_no="1号",
        date=datetime.date(2026, 7, 1),
        issuing_body="工委",
    )
