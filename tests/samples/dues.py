import datetime
from decimal import Decimal

from branches import audit, services
from branches.models import Member, MemberCategory, OrganizationKind
from dues import bases, payments, statements
from dues.models import ArrearsAction, DuesBase, DuesReduction, LifeCase, Payment, Statement
from tests.scoping import MARK, sample

INSIDERS = ("committee", "unit_admin", "secretary")
JAN = datetime.date(2026, 1, 1)


def _payer(world):
    person = Member.objects.create(
        organization=world.branch_a1, name=f"{MARK}党员", category=MemberCategory.FULL, join_date=JAN
    )
    bases.record_base(
        actor=audit.SYSTEM, member=person, category="in_service", base=Decimal("5000"), effective_month=JAN
    )
    return person


@sample(DuesBase, insiders=INSIDERS)
def dues_base(world):
    return DuesBase.objects.get(member=_payer(world))


@sample(Payment, insiders=INSIDERS)
def payment(world):
    return payments.record_payment(
        actor=audit.SYSTEM, member=_payer(world), month=JAN, amount=Decimal("50"), method="cash", paid_on=JAN
    )


@sample(DuesReduction, insiders=INSIDERS)
def reduction(world):
    return bases.propose_reduction(
        actor=audit.SYSTEM,
        member=_payer(world),
        kind="exempt",
        from_month=JAN,
        to_month=None,
        reason="困难",
        branch_decision="支委会",
    )


@sample(Statement, insiders=INSIDERS)
def statement(world):
    org = services.create_organization(
        actor=audit.SYSTEM, name=f"{MARK}党小组", kind=OrganizationKind.GROUP, parent=world.branch_a1
    )
    return statements.submit_statement(actor=audit.SYSTEM, organization=org, month=JAN, today=datetime.date(2026, 3, 1))


@sample(ArrearsAction, insiders=INSIDERS)
def arrears_action(world):
    person = _payer(world)
    return ArrearsAction.objects.create(
        organization=person.organization, member=person, kind="talk", months_unpaid=3, date=JAN, note="谈话"
    )


@sample(LifeCase, insiders=INSIDERS)
def life_case(world):
    person = Member.objects.create(organization=world.branch_a1, name=f"{MARK}党员", category=MemberCategory.FULL)
    return LifeCase.objects.create(organization=world.branch_a1, member=person, since=JAN, absences=2)
