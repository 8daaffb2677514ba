import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from supervision.campaigns import brands, services
from supervision.campaigns.models import BrandTheme, CampaignEntry

pytestmark = pytest.mark.django_db


def _campaign(world):
    return services.create_campaign(
        actor=world.committee,
        title="模范机关创建",
        year=timezone.localdate().year,
        apply_deadline=timezone.localdate() + datetime.timedelta(days=10),
        organization=world.root,
    )


def test_api_campaign_from_application_to_naming(world, api_for):
    c = _campaign(world)
    unit = api_for(world.unit_admin)
    r = unit.post(f"/api/v1/campaigns/{c.pk}/apply/", {"organization": world.unit_a.pk, "plan": "方案"}, format="json")
    assert r.status_code == 201, r.content
    entry = r.json()["id"]
    committee = api_for(world.committee)
    assert (
        committee.post(f"/api/v1/campaign-entries/{entry}/decide/", {"accept": True}, format="json").status_code == 200
    )
    assert (
        unit.post(f"/api/v1/campaign-entries/{entry}/progress/", {"content": "进展"}, format="json").status_code == 201
    )
    scores = {s.pk: str(s.max_score) for s in c.standards.all()}
    assert (
        committee.post(f"/api/v1/campaign-entries/{entry}/evaluate/", {"scores": scores}, format="json").json()[
            "status"
        ]
        == "evaluated"
    )
    assert committee.post(f"/api/v1/campaign-entries/{entry}/name/").json()["title"] == "exemplary"
    # Beside and outside: 404.
    assert api_for(world.other_admin).get(f"/api/v1/campaign-entries/{entry}/").status_code == 404
    assert (
        api_for(world.other_admin)
        .post(f"/api/v1/campaign-entries/{entry}/progress/", {"content": "x"}, format="json")
        .status_code
        == 404
    )
    bad = committee.post(f"/api/v1/campaign-entries/{entry}/recheck/", {"passed": False}, format="json")
    assert bad.status_code == 400 and bad.json()["detail"]


def test_pages_apply_accept_and_outsider_404(world, client_for):
    c = _campaign(world)
    client = client_for(world.unit_admin)
    assert 'data-testid="apply-form"' in client.get(reverse("campaigns:campaign_detail", args=[c.pk])).content.decode()
    client.post(reverse("campaigns:campaign_apply", args=[c.pk]), {"organization": world.unit_a.pk, "plan": "方案"})
    entry = CampaignEntry.objects.get()
    assert client_for(world.outsider).get(reverse("campaigns:entry_detail", args=[entry.pk])).status_code == 404
    client_for(world.committee).post(reverse("campaigns:entry_action", args=[entry.pk, "accept"]))
    entry.refresh_from_db()
    assert entry.status == "accepted"


def test_showcase_shows_named_brands_to_every_member_filtered_by_theme(world, client_for, api_for):
    theme = BrandTheme.objects.get_or_create(name="为民服务")[0]
    other = BrandTheme.objects.get_or_create(name="廉洁文化")[0]
    r = api_for(world.secretary).post(
        "/api/v1/brand-projects/",
        {
            "organization": world.branch_a1.pk,
            "year": 2026,
            "theme": theme.pk,
            "name": "红心服务站",
            "idea": "理念",
            "measures": "举措",
            "expected_results": "成效",
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    b = r.json()["id"]
    assert (
        api_for(world.secretary)
        .post(f"/api/v1/brand-projects/{b}/results/", {"results": "成效显著"}, format="json")
        .status_code
        == 200
    )
    assert (
        api_for(world.unit_admin)
        .post(f"/api/v1/brand-projects/{b}/review/", {"score": "95", "opinion": "推荐"}, format="json")
        .status_code
        == 200
    )
    assert (
        api_for(world.committee)
        .post(f"/api/v1/brand-projects/{b}/decide/", {"named": True}, format="json")
        .json()["status"]
        == "named"
    )
    member = client_for(world.member)
    assert "红心服务站" in member.get(reverse("campaigns:showcase")).content.decode()
    assert "红心服务站" not in member.get(reverse("campaigns:showcase") + f"?theme={other.pk}").content.decode()
    assert api_for(world.outsider).get(f"/api/v1/brand-projects/{b}/").status_code == 404
    assert brands.BrandProject.objects.get(pk=b).status == "named"


def test_exports_are_workbooks_of_what_the_user_may_see(world, client_for):
    c = _campaign(world)
    services.apply(actor=world.unit_admin, campaign=c, organization=world.unit_a, plan="方案")
    r = client_for(world.committee).get(reverse("campaigns:campaign_export", args=[c.pk]))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    r = client_for(world.secretary).get(reverse("campaigns:brand_export"))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
