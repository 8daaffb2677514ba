import datetime

import pytest

from branches import metric_registry, stats
from branches.models import Member, MemberCategory, MemberStatus
from branches.periods import period_containing

pytestmark = pytest.mark.django_db

ON = datetime.date(2026, 6, 30)


def _member(org, **kw):
    kw.setdefault("category", MemberCategory.FULL)
    return Member.objects.create(organization=org, name=kw.pop("name", "党员"), **kw)


def test_structure_counts_the_whole_subtree_by_age_band(world):
    _member(world.branch_a1, birth_date=datetime.date(1995, 1, 1))  # 31
    _member(world.branch_a2, birth_date=datetime.date(1970, 1, 1))  # 56
    _member(world.branch_b1, birth_date=datetime.date(1995, 1, 1))
    data = stats.structure_many([world.unit_a, world.root], ON)
    assert data[world.unit_a.pk]["age"] == {"under_35": 1, "56_plus": 1}
    assert data[world.root.pk]["age"] == {"under_35": 2, "56_plus": 1}


def test_age_band_boundary_is_the_birthday(world):
    _member(world.branch_a1, birth_date=datetime.date(1991, 6, 30))  # turns 35 on ON
    _member(world.branch_a1, birth_date=datetime.date(1991, 7, 1))  # still 34
    data = stats.structure_many([world.branch_a1], ON)
    assert data[world.branch_a1.pk]["age"] == {"35_45": 1, "under_35": 1}


def test_structure_counts_gender_education_ethnicity_and_years_of_membership(world):
    _member(
        world.branch_a1, gender="female", education="大学本科", ethnicity="回族", join_date=datetime.date(2023, 1, 1)
    )
    _member(world.branch_a1, gender="male", education="硕士研究生", join_date=datetime.date(2000, 1, 1))
    data = stats.structure_many([world.branch_a1], ON)[world.branch_a1.pk]
    assert data["gender"] == {"female": 1, "male": 1}
    # the two persona members of the branch have no education recorded: "other"
    assert data["education"] == {"bachelor": 1, "postgraduate": 1, "other": 2}
    assert data["ethnicity"] == {"minority": 1, "han": 3}
    assert data["years"] == {"under_5": 1, "21_plus": 1}


def test_the_pipeline_counts_every_stage_but_other_dimensions_only_party_members(world):
    _member(world.branch_a1, category=MemberCategory.APPLICANT, gender="female")
    _member(world.branch_a1, category=MemberCategory.ACTIVIST, gender="female")
    _member(world.branch_a1, category=MemberCategory.PROBATIONARY, gender="female")
    data = stats.structure_many([world.branch_a1], ON)[world.branch_a1.pk]
    assert data["stage"] == {"applicant": 1, "activist": 1, "probationary": 1, "full": 2}
    assert data["gender"] == {"female": 1}


def test_members_who_left_are_not_counted(world):
    _member(world.branch_a1, gender="female", status=MemberStatus.LEFT)
    data = stats.structure_many([world.branch_a1], ON)[world.branch_a1.pk]
    assert data["gender"] == {}
    assert data["stage"] == {"full": 2}


def test_structure_takes_a_fixed_number_of_queries(world, django_assert_num_queries):
    orgs = [world.root, world.unit_a, world.branch_a1, world.unit_b]
    with django_assert_num_queries(3):  # members, the 流动/出国境/失联 records, organisation paths
        stats.structure_many(orgs, ON)
    for i in range(20):
        _member(world.branch_b1, gender="male", birth_date=datetime.date(1980 + i % 10, 1, 1))
    with django_assert_num_queries(3):  # members, the 流动/出国境/失联 records, organisation paths
        stats.structure_many(orgs, ON)


def test_structure_metrics_are_registered_and_agree_with_stats(world):
    _member(world.branch_a1, gender="female")
    metric = metric_registry.get("structure.gender.female")
    period = period_containing("month", ON)
    assert metric.values([world.root, world.unit_b], period) == {world.root.pk: 1, world.unit_b.pk: 0}


def test_member_and_organisation_counts_are_registered(world):
    period = period_containing("month", ON)
    assert metric_registry.get("members.count").value(world.unit_a, period) == 3
    assert metric_registry.get("org.branches").value(world.root, period) == 3


def test_mobile_abroad_and_lost_contact_members_are_in_the_structure(world, django_assert_num_queries):
    from branches.memberfile.models import AbroadRecord, LostContactRecord, MobileRecord

    a, b, c, back = (_member(world.branch_a1, gender="male") for _ in range(4))
    MobileRecord.objects.create(member=a, place="深圳", since=ON - datetime.timedelta(days=40))
    AbroadRecord.objects.create(member=b, destination="德国", departed_on=ON - datetime.timedelta(days=10))
    LostContactRecord.objects.create(member=c, last_contact_on=ON - datetime.timedelta(days=200), search_steps="走访")
    MobileRecord.objects.create(  # came back before the day: not counted
        member=back, place="广州", since=ON - datetime.timedelta(days=90), until=ON - datetime.timedelta(days=1)
    )
    with django_assert_num_queries(3):
        data = stats.structure_many([world.root, world.unit_a, world.branch_a1, world.unit_b], ON)
    assert data[world.branch_a1.pk]["situation"] == {"mobile": 1, "abroad": 1, "lost_contact": 1}
    assert data[world.root.pk]["situation"] == {"mobile": 1, "abroad": 1, "lost_contact": 1}
    assert data[world.unit_b.pk]["situation"] == {}
    metric = metric_registry.get("structure.situation.lost_contact")
    assert metric.values([world.root, world.unit_b], period_containing("month", ON)) == {
        world.root.pk: 1,
        world.unit_b.pk: 0,
    }
