import pytest
from django.core.management import CommandError, call_command

from branches.models import Member, Organization, RoleGrant, Unit

pytestmark = pytest.mark.django_db


def _snapshot():
    orgs = sorted(Organization.objects.values_list("name", "kind", "depth", "parent__name", "unit__name"), key=str)
    members = sorted(Member.objects.values_list("name", "category", "organization__name", "birth_date"), key=str)
    return orgs, members


def test_small_demo_builds_the_tree_and_accounts():
    call_command("seed_demo", "--scale", "small", "--force")
    assert Organization.objects.filter(kind="committee", name="市直机关工委").exists()
    assert Organization.objects.filter(name="市财政局机关党委").exists()
    assert 18 <= Organization.objects.filter(kind="branch").count() <= 25
    assert 250 <= Member.objects.count() <= 350
    for username in ("committee", "inspector", "unitadmin", "secretary", "member"):
        assert RoleGrant.objects.filter(user__username=username).exists()


def test_demo_is_deterministic_for_a_seed(django_db_blocker):
    call_command("seed_demo", "--force", "--seed", "7")
    first = _snapshot()
    from django.db import connection

    # Wipe and seed again with the same seed.
    from branches.models import AuditEntry

    AuditEntry.objects.all().delete()
    from branches.models import Meeting

    Meeting.objects.all().delete()  # meetings protect their organisation
    RoleGrant.objects.all().delete()
    Member.objects.all().delete()
    from django.contrib.auth import get_user_model

    get_user_model().objects.all().delete()
    for depth in range(5, -1, -1):
        Organization.objects.filter(depth=depth).delete()
    Unit.objects.all().delete()
    assert connection.vendor in {"sqlite", "postgresql"}
    call_command("seed_demo", "--force", "--seed", "7")
    assert _snapshot() == first


def test_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    settings.SEED_DEMO_ALLOWED = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
