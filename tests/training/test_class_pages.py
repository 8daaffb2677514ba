import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.roles import Role
from tests.training.factories import module_with_reading
from training.models import Assignment, ClassSession, Enrollment, TrainingClass

pytestmark = pytest.mark.django_db


def test_committee_creates_a_secretaries_class_with_the_roster_from_a_role(world, client_for):
    module, _r = module_with_reading(world, title="补学：党章")
    c = client_for(world.committee)
    r = c.post(
        reverse("training:class_create"),
        {"organization": world.root.pk, "title": "书记培训班", "roster_org": world.root.pk,
         "roster_role": Role.SECRETARY, "makeup_module": module.pk},
    )  # fmt: skip
    tc = TrainingClass.objects.get()
    assert r.status_code == 302
    names = set(Enrollment.objects.filter(training_class=tc).values_list("member__name", flat=True))
    assert names == {"secretary-党员", "outsider-党员"}


def test_unit_admin_cannot_draw_a_roster_from_another_unit(world, client_for):
    r = client_for(world.unit_admin).post(
        reverse("training:class_create"),
        {"organization": world.unit_a.pk, "title": "班", "roster_org": world.unit_b.pk},
    )
    assert r.status_code == 200 and not TrainingClass.objects.exists()


def test_session_with_end_before_start_is_refused_in_the_page_and_nothing_is_saved(world, client_for):
    from branches import audit
    from training import services

    tc = services.create_class(
        actor=audit.SYSTEM, organization=world.root, title="班", roster=[world.members["member"]]
    )
    c = client_for(world.committee)
    url = reverse("training:class_detail", args=[tc.pk])
    data = {"action": "add_session", "title": "第一讲", "starts_at": "2026-03-02T10:00", "ends_at": "2026-03-02T09:00",
            "hours": "2"}  # fmt: skip
    r = c.post(url, data)
    assert r.status_code == 200 and not ClassSession.objects.exists()
    data["ends_at"] = "2026-03-02T12:00"
    assert c.post(url, data).status_code == 302
    session = ClassSession.objects.get()
    assert len(session.sign_in_code) == 6


def test_closing_an_ended_session_from_the_page_assigns_the_makeup(world, client_for):
    from branches import audit
    from training import services

    module, _r = module_with_reading(world, title="补学")
    tc = services.create_class(
        actor=audit.SYSTEM, organization=world.root, title="班", roster=[world.members["member"]], makeup_module=module
    )
    now = timezone.now()
    session = services.add_session(
        actor=audit.SYSTEM, training_class=tc, title="第一讲", starts_at=now - datetime.timedelta(hours=3),
        ends_at=now - datetime.timedelta(hours=1),
    )  # fmt: skip
    r = client_for(world.committee).post(reverse("training:class_detail", args=[tc.pk]), {"session": session.pk})
    assert r.status_code == 302
    assert Assignment.objects.get(module=module, member=world.members["member"]).is_makeup
    assert client_for(world.outsider).post(reverse("training:class_detail", args=[tc.pk]), {}).status_code == 404
