"""A small, fixed tree with personas inside, beside and above, for every test.

市直机关工委 (root)                      committee (committee_staff, subtree), inspector
├── 甲局机关党委 (unit_a)               unit_admin (subtree)
│   ├── 甲局第一党支部 (branch_a1)      secretary (subtree), member (own branch)
│   │   └── 第一党小组 (group_a1)
│   └── 甲局第二党支部 (branch_a2)      outsider = secretary of the sibling branch
└── 乙局机关党委 (unit_b)               other_admin (subtree)
    └── 乙局第一党支部 (branch_b1)
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from branches import audit, reference, services
from branches.models import Member, MemberCategory, Organization, OrganizationKind, Unit
from branches.roles import Role

PASSWORD = "Test-pass-2026"


@dataclass
class World:
    root: Organization
    unit_a: Organization
    branch_a1: Organization
    group_a1: Organization
    branch_a2: Organization
    unit_b: Organization
    branch_b1: Organization
    users: dict = field(default_factory=dict)
    members: dict = field(default_factory=dict)

    def __getattr__(self, name):  # world.secretary -> the secretary user
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def make_user(username: str, **extra):
    User = get_user_model()
    user = User(username=username, full_name=extra.pop("full_name", username), **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


def build_world() -> World:
    system = audit.SYSTEM
    reference.ensure()  # rule data and positions survive a transactional test's flush
    unit_a_obj = Unit.objects.create(name="甲局")
    unit_b_obj = Unit.objects.create(name="乙局")
    root = services.create_organization(actor=system, name="市直机关工委", kind=OrganizationKind.COMMITTEE, parent=None)
    unit_a = services.create_organization(
        actor=system, name="甲局机关党委", kind=OrganizationKind.PARTY_COMMITTEE, parent=root, unit=unit_a_obj
    )
    branch_a1 = services.create_organization(
        actor=system, name="甲局第一党支部", kind=OrganizationKind.BRANCH, parent=unit_a
    )
    group_a1 = services.create_organization(
        actor=system, name="第一党小组", kind=OrganizationKind.GROUP, parent=branch_a1
    )
    branch_a2 = services.create_organization(
        actor=system, name="甲局第二党支部", kind=OrganizationKind.BRANCH, parent=unit_a
    )
    unit_b = services.create_organization(
        actor=system, name="乙局机关党委", kind=OrganizationKind.PARTY_COMMITTEE, parent=root, unit=unit_b_obj
    )
    branch_b1 = services.create_organization(
        actor=system, name="乙局第一党支部", kind=OrganizationKind.BRANCH, parent=unit_b
    )
    world = World(root, unit_a, branch_a1, group_a1, branch_a2, unit_b, branch_b1)
    grants = {
        "committee": [(root, Role.COMMITTEE_STAFF, True)],
        "inspector": [(root, Role.INSPECTOR, True)],
        "unit_admin": [(unit_a, Role.UNIT_ADMIN, True)],
        "other_admin": [(unit_b, Role.UNIT_ADMIN, True)],
        "secretary": [(branch_a1, Role.SECRETARY, True), (branch_a1, Role.MEMBER, False)],
        "member": [(branch_a1, Role.MEMBER, False)],
        "outsider": [(branch_a2, Role.SECRETARY, True), (branch_a2, Role.MEMBER, False)],
    }
    for username, roles in grants.items():
        user = make_user(username)
        world.users[username] = user
        for org, role, subtree in roles:
            services.grant_role(actor=system, user=user, organization=org, role=role, include_subtree=subtree)
    world.users["nobody"] = make_user("nobody")
    for key, org, user in [
        ("secretary", branch_a1, world.users["secretary"]),
        ("member", branch_a1, world.users["member"]),
        ("outsider", branch_a2, world.users["outsider"]),
    ]:
        world.members[key] = Member.objects.create(
            organization=org, name=f"{key}-党员", category=MemberCategory.FULL, user=user
        )
    return world
