import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from branches import idnumbers, services
from branches.models import AuditEntry, Member, MemberCategory

pytestmark = pytest.mark.django_db
VALID_ID = idnumbers.make("11010519491231002")


def test_id_number_check_digit():
    assert idnumbers.problem(VALID_ID) is None
    wrong = VALID_ID[:-1] + ("0" if VALID_ID[-1] != "0" else "1")
    assert idnumbers.problem(wrong) is not None
    assert idnumbers.problem("123") is not None


def test_id_number_is_encrypted_at_rest_and_masked(world):
    m = services.create_member(
        actor=world.secretary,
        organization=world.branch_a1,
        name="张三",
        category=MemberCategory.FULL,
        id_number=VALID_ID,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM branches_member WHERE id = %s", [m.pk])
        stored = cursor.fetchone()[0]
    assert VALID_ID not in stored
    assert Member.objects.get(pk=m.pk).id_number == VALID_ID
    assert m.id_number_masked == VALID_ID[:3] + "*" * 11 + VALID_ID[-4:]


def test_duplicate_id_number_is_refused(world):
    services.create_member(
        actor=world.secretary, organization=world.branch_a1, name="甲", category=MemberCategory.FULL, id_number=VALID_ID
    )
    with pytest.raises(ValidationError):
        services.create_member(
            actor=world.secretary,
            organization=world.branch_a1,
            name="乙",
            category=MemberCategory.FULL,
            id_number=VALID_ID.lower(),
        )


def test_secretary_cannot_add_members_to_a_sibling_branch(world):
    with pytest.raises(PermissionDenied):
        services.create_member(
            actor=world.secretary, organization=world.branch_a2, name="乙", category=MemberCategory.FULL
        )


def test_unmasking_is_audited_and_needs_permission(world):
    m = services.create_member(
        actor=world.secretary,
        organization=world.branch_a1,
        name="张三",
        category=MemberCategory.FULL,
        id_number=VALID_ID,
    )
    assert services.unmask_member(actor=world.secretary, member=m) == VALID_ID
    assert AuditEntry.objects.filter(
        action="member.unmask.id_number", object_id=str(m.pk), actor=world.secretary
    ).exists()
    with pytest.raises(PermissionDenied):
        services.unmask_member(actor=world.member, member=m)


def test_audit_never_holds_a_plain_id_number(world):
    services.create_member(
        actor=world.secretary,
        organization=world.branch_a1,
        name="张三",
        category=MemberCategory.FULL,
        id_number=VALID_ID,
    )
    assert not any(VALID_ID in str(e.after) for e in AuditEntry.objects.all())


def test_members_see_only_themselves(world):
    visible = set(Member.objects.visible_to(world.member).values_list("name", flat=True))
    assert visible == {"member-党员"}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_category_and_status_labels_are_djangos(language):
    """The register's lists call these per row; they answer what Django's generated methods answer."""
    from django.db.models import Model
    from django.utils import translation

    from branches.models import MemberStatus

    category, status = Member._meta.get_field("category"), Member._meta.get_field("status")
    people = [
        Member(category=c, status=s) for c in [*MemberCategory.values, "bogus"] for s in [*MemberStatus.values, ""]
    ]
    with translation.override(language):
        for m in people:
            assert m.get_category_display() == Model._get_FIELD_display(m, category)
            assert m.get_status_display() == Model._get_FIELD_display(m, status)
        assert Member(category="full").get_category_display() == str(MemberCategory.FULL.label)
