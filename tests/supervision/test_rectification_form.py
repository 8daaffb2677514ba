import datetime

import pytest
from django.utils import timezone

from supervision.models import Rectification

from .helpers import finding_for, issued_task

pytestmark = pytest.mark.django_db


def _finding(world):
    today = timezone.localdate()
    task = issued_task(world, deadline=today + datetime.timedelta(days=20), now=timezone.now())
    return finding_for(world, task, deadline=today + datetime.timedelta(days=5), now=timezone.now())


def test_an_inspector_adds_a_rectification_with_a_responsible_person(
    world, client_for, django_capture_on_commit_callbacks
):
    finding = _finding(world)
    deadline = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(world.inspector).post(
            f"/supervision/findings/{finding.pk}/rectifications/new/",
            {
                "owner_org": world.branch_a1.pk,
                "owner_person": world.member.pk,
                "measures": "补开支委会",
                "deadline": deadline,
            },
        )
    assert response.status_code == 302
    rect = Rectification.objects.get(finding=finding, measures="补开支委会")
    assert rect.owner_person == world.member and rect.owner_org == world.branch_a1
    assert callbacks, "the owner and the secretary are notified after commit"


def test_the_finding_page_offers_the_action_only_to_inspectors(world, client_for):
    finding = _finding(world)
    assert (
        'data-testid="add-rectification"'
        in client_for(world.inspector).get(f"/supervision/findings/{finding.pk}/").content.decode()
    )
    assert (
        'data-testid="add-rectification"'
        not in client_for(world.secretary).get(f"/supervision/findings/{finding.pk}/").content.decode()
    )


def test_a_person_from_another_branch_is_refused_and_nothing_is_saved(world, client_for):
    finding = _finding(world)
    before = Rectification.objects.count()
    response = client_for(world.inspector).post(
        f"/supervision/findings/{finding.pk}/rectifications/new/",
        {
            "owner_org": world.branch_a1.pk,
            "owner_person": world.outsider.pk,
            "measures": "x",
            "deadline": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode() or "invalid-feedback" in response.content.decode()
    assert Rectification.objects.count() == before


def test_a_secretary_cannot_assign_rectifications(world, client_for):
    finding = _finding(world)
    response = client_for(world.secretary).post(
        f"/supervision/findings/{finding.pk}/rectifications/new/",
        {"owner_org": world.branch_a1.pk, "measures": "x", "deadline": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200
    assert not Rectification.objects.filter(measures="x").exists()


def test_an_organisation_with_supervision_history_cannot_be_deleted(world):
    from django.db.models import ProtectedError

    _finding(world)
    with pytest.raises(ProtectedError):
        world.branch_a1.delete()
