import pytest
from django.core.management import call_command

from supervision.accountability.models import Rating, ReviewProblem, ReviewRound
from supervision.campaigns.models import BrandProject, CampaignEntry


@pytest.mark.django_db
def test_small_demo_has_rounds_campaign_stages_and_named_brands():
    call_command("seed_demo", "--scale", "small", "--force")
    closed = ReviewRound.objects.get(status="published")
    assert closed.reporters.filter(grade__isnull=False).count() == closed.reporters.count()
    assert ReviewProblem.objects.filter(reporter__round=closed, finding__rectifications__isnull=False).count() == 2
    current = ReviewRound.objects.get(status="open")
    rated = Rating.objects.filter(reporter__round=current).count()
    assert 0 < rated < current.raters.count() * current.reporters.count()
    stages = set(CampaignEntry.objects.values_list("status", flat=True))
    assert {"applied", "accepted", "evaluated", "named", "revoked"} <= stages
    assert BrandProject.objects.filter(status="named").count() >= 3
