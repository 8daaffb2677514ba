import datetime

from django.utils import timezone

from supervision.campaigns import brands, services
from supervision.campaigns.models import BrandProject, BrandTheme, Campaign, CampaignEntry
from tests.scoping import MARK, sample


def _campaign(world, entry_org):
    """A campaign organised by unit_a's committee scope (no longer accepting applications: open calls are
    listed to every unit by design), with one entry."""
    today = timezone.localdate()
    c = services.create_campaign(
        actor=world.committee,
        title=f"{MARK}模范机关创建",
        year=today.year,
        apply_deadline=today + datetime.timedelta(days=30),
        organization=world.unit_a,
    )
    entry = services.apply(actor=world.unit_admin, campaign=c, organization=entry_org, plan=f"{MARK}方案")
    Campaign.objects.filter(pk=c.pk).update(status=Campaign.Status.RUNNING)
    return entry


@sample(Campaign, insiders=("committee", "unit_admin"))
def campaign(world):
    return _campaign(world, world.branch_a1).campaign


@sample(CampaignEntry, insiders=("committee", "unit_admin"))
def campaign_entry(world):
    return _campaign(world, world.branch_a1)


_years = iter(range(2000, 2100))


@sample(BrandProject, insiders=("committee", "unit_admin", "secretary"))
def brand_project(world):
    theme = BrandTheme.objects.get_or_create(name="为民服务")[0]
    return brands.register(
        actor=world.secretary,
        organization=world.branch_a1,
        year=next(_years),
        theme=theme,
        name=f"{MARK}品牌",
        idea="理念",
        measures="举措",
        expected_results="成效",
    )
