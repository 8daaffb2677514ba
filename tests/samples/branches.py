from branches import audit
from branches.models import Member, MemberCategory, Organization, OrganizationKind
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
