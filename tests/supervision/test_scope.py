import pytest

from supervision import services
from supervision.models import Finding, Rectification, SupervisionTask, TaskTarget

from .helpers import NOW, finding_for, issued_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_targets(world):
    task = issued_task(world, targets=[world.branch_a1, world.branch_a2])
    mine = finding_for(world, task, org=world.branch_a1, description="甲一的问题")
    theirs = finding_for(world, task, org=world.branch_a2, description="甲二的问题")
    return task, mine, theirs


def test_a_target_cannot_open_another_targets_report_finding_or_rectification(world, client_for, two_targets):
    task, mine, theirs = two_targets
    other_target = task.targets.get(organization=world.branch_a2)
    c = client_for(world.secretary)
    assert c.get(f"/supervision/targets/{other_target.pk}/").status_code == 404
    assert c.get(f"/supervision/findings/{theirs.pk}/").status_code == 404
    assert c.get(f"/supervision/rectifications/{theirs.rectifications.get().pk}/").status_code == 404
    assert c.get(f"/supervision/findings/{mine.pk}/").status_code == 200


def test_the_api_answers_404_for_another_targets_records(world, api_for, two_targets):
    task, mine, theirs = two_targets
    api = api_for(world.secretary)
    assert api.get(f"/api/v1/findings/{theirs.pk}/").status_code == 404
    assert api.get(f"/api/v1/rectifications/{theirs.rectifications.get().pk}/").status_code == 404
    ids = [r["id"] for r in api.get("/api/v1/findings/").json()["results"]]
    assert ids == [mine.pk]


def test_the_task_page_lists_only_the_targets_the_user_covers(world, client_for, two_targets):
    task, _mine, _theirs = two_targets
    body = client_for(world.secretary).get(f"/supervision/tasks/{task.pk}/").content.decode()
    assert "甲局第一党支部" in body and "甲局第二党支部" not in body


def test_an_inspector_sees_only_the_tasks_they_are_on(world, api_for, two_targets):
    other = services.create_task(
        actor=world.committee,
        title="别人的任务",
        kind="routine",
        deadline=NOW.date(),
        targets=[world.branch_b1],
        organization=world.root,
    )
    ids = {r["id"] for r in api_for(world.inspector).get("/api/v1/supervision-tasks/").json()["results"]}
    assert two_targets[0].pk in ids and other.pk not in ids
    assert SupervisionTask.objects.visible_to(world.committee).filter(pk=other.pk).exists()


def test_the_committee_sees_everything(world, two_targets):
    assert Finding.objects.visible_to(world.committee).count() == 2
    assert Rectification.objects.visible_to(world.committee).count() == 2
    assert TaskTarget.objects.visible_to(world.committee).count() == 2


def test_the_other_units_admin_sees_nothing(world, two_targets):
    assert not Finding.objects.visible_to(world.other_admin).exists()
    assert not SupervisionTask.objects.visible_to(world.other_admin).exists()


def test_the_target_picker_only_offers_organisations_in_scope(world):
    from supervision.forms import TaskForm

    assert not TaskForm(user=world.secretary).fields["targets"].queryset.exists()
    assert TaskForm(user=world.committee).fields["targets"].queryset.count() == 6
