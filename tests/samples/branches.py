from branches import audit
from branches.models import Member, MemberCategory, Organization, OrganizationKind, Term, Transfer
from branches.services import create_organization
from tests.scoping import MARK, sample


@sample(Organization, insiders=("committee", "unit_admin", "secretary"))
def organization(world):
    return create_organization(
        actor=audit.SYSTEM, name=f"{MARK}小组", kind=OrganizationKind.GROUP, parent=world.branch_a1
    )


@sample(Member, insiders=("committee", "unit_admin", "secretary"))
def member(world):
    return Member.objects.create(organization=world.branch_a1, name=f"{MARK}党员", category=MemberCategory.FULL)


@sample(Term, insiders=("committee", "unit_admin", "secretary"))
def term(world):
    import datetime

    org = create_organization(
        actor=audit.SYSTEM, name=f"{MARK}委员会", kind=OrganizationKind.GROUP, parent=world.branch_a1
    )
    return Term.objects.create(
        organization=org, number=1, start=datetime.date(2024, 1, 1), end=datetime.date(2027, 1, 1)
    )


@sample(Transfer, insiders=("committee", "unit_admin", "secretary"))
def transfer(world):
    from branches.register import services as register

    person = Member.objects.create(organization=world.branch_a1, name=f"{MARK}转出", category=MemberCategory.FULL)
    # Received by the unit's committee: in scope above the branch, outside the sibling's and unit B's.
    return register.issue_transfer(actor=audit.SYSTEM, member=person, to_org=world.unit_a)
