"""The themes of 一支部一品牌: every member browses them; the committee adds, renames and retires them (issue 18)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from branches.models import AuditEntry
from supervision.campaigns import brands, themes
from supervision.campaigns.models import BrandTheme

pytestmark = pytest.mark.django_db


def named_brand(world, theme, org=None, name="红心向党"):
    secretary = world.secretary if org is None else world.outsider  # the outsider is branch_a2's secretary
    b = brands.register(
        actor=secretary,
        organization=org or world.branch_a1,
        year=2026,
        theme=theme,
        name=name,
        idea="理念",
        measures="举措",
        expected_results="成效",
    )
    brands.report_results(actor=secretary, brand=b, results="成效")
    brands.unit_review(actor=world.unit_admin, brand=b, score=90, opinion="推荐")
    return brands.committee_decide(actor=world.committee, brand=b, named=True)


def test_the_committee_adds_renames_and_retires_a_theme_audited(world):
    theme = themes.save_theme(actor=world.committee, name="党建+业务", description="融合发展", order=5)
    theme = themes.save_theme(
        actor=world.committee, theme=theme, name="党建业务双促进", description="融合", order=5, is_active=False
    )
    assert theme.name == "党建业务双促进" and not theme.is_active
    entries = AuditEntry.objects.filter(action="campaigns.theme_save", object_id=str(theme.pk)).order_by("pk")
    assert entries.count() == 2 and entries.last().before["name"] == "党建+业务"


def test_only_committee_staff_change_themes(world):
    for persona in ("unit_admin", "secretary", "member"):
        with pytest.raises(PermissionDenied):
            themes.save_theme(actor=world.users[persona], name="新主题")


def test_a_theme_needs_a_unique_name(world):
    themes.save_theme(actor=world.committee, name="清风廉韵")
    with pytest.raises(ValidationError):
        themes.save_theme(actor=world.committee, name=" 清风廉韵 ")
    with pytest.raises(ValidationError):
        themes.save_theme(actor=world.committee, name="  ")


def test_a_retired_theme_is_not_offered_but_its_brands_keep_it(world, client_for):
    theme = themes.save_theme(actor=world.committee, name="暖心为民")
    b = named_brand(world, theme)
    theme = themes.save_theme(actor=world.committee, theme=theme, name="暖心为民", is_active=False)
    form = client_for(world.secretary).get(reverse("campaigns:brand_create")).context["form"]
    assert theme not in form.fields["theme"].queryset
    with pytest.raises(ValidationError):
        named_brand(world, theme, org=world.branch_a2, name="另一个")
    b.refresh_from_db()
    assert b.theme == theme


def test_every_member_browses_themes_with_counts_in_fixed_queries(world, client_for, django_assert_max_num_queries):
    from tests.notices.helpers import count_queries

    theme = themes.save_theme(actor=world.committee, name="暖心为民", description="服务群众")
    named_brand(world, theme)
    c = client_for(world.member)
    url = reverse("campaigns:theme_list")
    c.get(url)
    with count_queries() as few:
        page = c.get(url)
    body = page.content.decode()
    assert f"?theme={theme.pk}" in body and "服务群众" in body
    assert 'data-testid="new-theme"' not in body
    for i in range(3):
        themes.save_theme(actor=world.committee, name=f"主题{i}")
    with django_assert_max_num_queries(few.n):
        c.get(url)
    shown = {t.pk: t for t in page.context["themes"]}
    assert shown[theme.pk].named_count == 1 and shown[theme.pk].brand_count == 1


def test_the_page_adds_and_edits_for_the_committee_and_refuses_others(world, client_for):
    c = client_for(world.committee)
    assert 'data-testid="new-theme"' in c.get(reverse("campaigns:theme_list")).content.decode()
    r = c.post(reverse("campaigns:theme_create"), {"new-name": "红色教育", "new-order": "3", "new-is_active": "on"})
    assert r.status_code == 302
    theme = BrandTheme.objects.get(name="红色教育")
    assert theme.is_active and theme.order == 3
    dup = c.post(reverse("campaigns:theme_create"), {"new-name": "红色教育", "new-order": "1"}, follow=True)
    assert any("红色教育" in str(m) for m in dup.context["messages"])
    c.post(
        reverse("campaigns:theme_update", args=[theme.pk]),
        {f"t{theme.pk}-name": "红色教育基地", f"t{theme.pk}-order": "3"},
    )
    theme.refresh_from_db()
    assert theme.name == "红色教育基地" and not theme.is_active
    assert client_for(world.unit_admin).post(reverse("campaigns:theme_create"), {"new-name": "x"}).status_code == 403


def test_the_api_lists_for_members_and_writes_for_the_committee(world, api_for):
    assert api_for(world.member).get("/api/v1/brand-themes/").status_code == 200
    r = api_for(world.committee).post("/api/v1/brand-themes/", {"name": "志愿先锋", "order": 2}, format="json")
    assert r.status_code == 201 and r.json()["is_active"] is True
    pk = r.json()["id"]
    bad = api_for(world.committee).post("/api/v1/brand-themes/", {"name": "志愿先锋", "order": 1}, format="json")
    assert bad.status_code == 400
    r = api_for(world.committee).patch(
        f"/api/v1/brand-themes/{pk}/", {"name": "志愿先锋", "order": 2, "is_active": False}, format="json"
    )
    assert r.status_code == 200 and r.json()["is_active"] is False
    refused = api_for(world.unit_admin).post("/api/v1/brand-themes/", {"name": "y", "order": 1}, format="json")
    assert refused.status_code == 403
