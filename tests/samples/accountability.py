import datetime

from django.utils import timezone

from supervision.accountability import services
from supervision.accountability.models import Reporter, ReviewRound
from tests.scoping import MARK, sample


def _round(world):
    """A round organised by the committee for unit_a's branches, with only branch_a1 reporting."""
    today = timezone.localdate()
    rnd = services.open_round(
        actor=world.committee,
        title=f"{MARK}述职评议",
        year=today.year,
        organization=world.unit_a,
        report_deadline=today + datetime.timedelta(days=10),
        rating_starts=today,
        rating_ends=today + datetime.timedelta(days=10),
    )
    rnd.reporters.exclude(organization=world.branch_a1).delete()
    return rnd


@sample(ReviewRound, insiders=("committee",))
def review_round(world):
    return _round(world)


@sample(Reporter, insiders=("committee", "unit_admin", "secretary"))
def reporter(world):
    return _round(world).reporters.get()
