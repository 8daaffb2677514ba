"""The task form's target picker opens the tree level by level (issue 22: 1.2 MB of checkboxes at province)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches import audit, picker
from branches import services as branch_services
from branches.models import OrganizationKind
from branches.roles import Role
from supervision.forms import TaskForm
from supervision.models import SupervisionSettings
from tests.world import make_user

pytestmark = pytest.mark.django_db
FORM = "/supervision/tasks/new/"


def _boxes(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'name="targets" value="(\d+)"', html)}


def _checked(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'name="targets" value="(\d+)" id="target-\d+" checked', html)}


def _children(client, parent):
    return client.get(reverse("supervision:task_target_children"), {"parent": parent})


def test_the_form_lists_the_root_and_units_and_each_unit_opens_on_demand(world, client_for):
    client = client_for(world.committee)
    form = client.get(FORM).content.decode()
    assert _boxes(form) == {world.root.pk, world.unit_a.pk, world.unit_b.pk}
    assert f'data-testid="target-sub-{world.unit_a.pk}"' in form  # closed, fetched when opened
    opened = _children(client, world.unit_a.pk)
    assert opened.status_code == 200
    assert _boxes(opened.content.decode()) == {world.branch_a1.pk, world.branch_a2.pk}  # no party group
    assert _boxes(_children(client, world.branch_a1.pk).content.decode()) == set()


def test_a_form_shown_again_opens_the_way_to_every_ticked_box(world, client_for):
    make = branch_services.create_organization
    general = make(actor=audit.SYSTEM, name="机关党总支", kind=OrganizationKind.GENERAL_BRANCH, parent=world.unit_a)
    deep = make(actor=audit.SYSTEM, name="机关第一党支部", kind=OrganizationKind.BRANCH, parent=general)
    page = client_for(world.committee).post(FORM, {"title": "", "targets": [deep.pk, world.branch_b1.pk]})
    assert page.status_code == 200  # the title is missing
    html = page.content.decode()
    assert _checked(html) == {deep.pk, world.branch_b1.pk}
    for targets in (["9" * 30, "abc"], ["9" * 30], ["²"]):  # refused with the form's message, on every database
        wrong = client_for(world.committee).post(FORM, {"title": "督查", "targets": targets})
        assert wrong.status_code == 200 and "不是一个有效的值" in wrong.content.decode()
    assert {world.branch_a1.pk, world.branch_a2.pk, general.pk, world.branch_b1.pk} <= _boxes(html)
    assert f'data-testid="target-sub-{general.pk}" open' in html


def test_the_picker_keeps_to_the_creators_scope(world, client_for):
    inspector = make_user("picker_inspector")
    branch_services.grant_role(
        actor=audit.SYSTEM, user=inspector, organization=world.unit_a, role=Role.INSPECTOR, include_subtree=True
    )
    settings = SupervisionSettings.current()
    settings.inspectors_create_tasks = True
    settings.save()
    client = client_for(inspector)
    assert _boxes(client.get(FORM).content.decode()) == {world.unit_a.pk, world.branch_a1.pk, world.branch_a2.pk}
    assert _children(client, world.unit_b.pk).status_code == 404  # beside: out of scope
    assert _children(client, world.root.pk).status_code == 404  # above
    assert _children(client, world.unit_a.pk).status_code == 200
    for bad in ("", "abc", "-1", "0", "²", "99999999", "9" * 30):
        assert _children(client, bad).status_code == 404
    assert _children(client_for(world.secretary), world.branch_a1.pk).status_code == 404  # may not create tasks


def test_the_picker_reads_a_fixed_number_of_queries_whatever_the_tree(world, client_for):
    scope = TaskForm(user=world.committee).fields["targets"].queryset
    client = client_for(world.committee)
    client.get(FORM)

    def count(build):
        with CaptureQueriesContext(connection) as ctx:
            build()
        return len(ctx.captured_queries)

    def pages():  # the form, shown again with a ticked box, and one level: rendered, not only read
        client.post(FORM, {"title": "", "targets": [world.branch_a1.pk]})
        _children(client, world.root.pk)

    small = (
        count(lambda: picker.tree(scope, [world.branch_a1.pk])),
        count(lambda: picker.children(scope, world.unit_a)),
        count(pages),
    )
    for i in range(5):
        unit = branch_services.create_organization(
            actor=audit.SYSTEM, name=f"新单位{i}", kind=OrganizationKind.PARTY_COMMITTEE, parent=world.root
        )
        for j in range(3):
            branch_services.create_organization(
                actor=audit.SYSTEM, name=f"支部{i}{j}", kind=OrganizationKind.BRANCH, parent=unit
            )
    large = (
        count(lambda: picker.tree(scope, [world.branch_a1.pk])),
        count(lambda: picker.children(scope, world.unit_a)),
        count(pages),
    )
    assert large == small


def test_a_level_asked_for_after_signing_out_is_refused_not_answered_with_the_login_page(client, world):
    """htmx would swap a followed redirect's login page into the tree; a 401 shows the picker's failure note."""
    url = reverse("supervision:task_target_children")
    assert client.get(url, {"parent": world.unit_a.pk}, HTTP_HX_REQUEST="true").status_code == 401
    assert client.get(url, {"parent": world.unit_a.pk}).status_code == 302  # a plain visit: to the login
