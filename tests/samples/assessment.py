"""Scope-walk samples for the assessment app: every object sits in world.branch_a1."""

import datetime

from django.core.files.base import ContentFile

from assessment import services
from assessment.models import AssessmentCycle, BranchAssessment, Evidence, Indicator, IndicatorSystem
from branches import audit
from tests.scoping import MARK, sample


def _cycle(world):
    from tests.assessment.factories import make_system

    existing = AssessmentCycle.objects.filter(name=f"{MARK}考评").first()
    if existing:
        return existing
    system = make_system(name=f"{MARK}指标体系", year=2030)
    d = datetime.date(2030, 12, 1)
    return services.open_cycle(
        actor=audit.SYSTEM,
        system=system,
        root=world.branch_a1,
        name=f"{MARK}考评",
        self_due=d,
        review_due=d,
        cutoff=d,
        calibration_due=d,
        notice_until=d,
        appeal_until=d,
    )


@sample(AssessmentCycle)
def cycle(world):
    return _cycle(world)


def _draft(world):
    """A draft indicator system (the editors' pages): committee staff only, others get a 404."""
    from tests.assessment.factories import make_system

    existing = IndicatorSystem.objects.filter(name=f"{MARK}草稿指标体系").first()
    if existing:
        return existing
    system = make_system(name=f"{MARK}草稿指标体系", year=2031, publish=False)
    Indicator.objects.filter(dimension__system=system, code="P1").update(name=f"{MARK}理论学习")
    return system


@sample(IndicatorSystem)
def indicator_system(world):
    return _draft(world)


@sample(Indicator)
def indicator(world):
    return Indicator.objects.get(dimension__system=_draft(world), code="P1")


@sample(
    BranchAssessment,
    insiders=("committee", "unit_admin", "secretary"),
    url_kwargs=lambda obj: {"result": obj.results.order_by("pk").first().pk},
)
def branch_assessment(world):
    return BranchAssessment.objects.get(cycle=_cycle(world), organization=world.branch_a1)


@sample(Evidence, insiders=("committee", "unit_admin", "secretary"))
def evidence(world):
    a = BranchAssessment.objects.get(cycle=_cycle(world), organization=world.branch_a1)
    result = a.results.first()
    e = Evidence(result=result, title=f"{MARK}证明", original_name=f"{MARK}.pdf", content_type="application/pdf")
    e.file.save("sample.pdf", ContentFile(b"%PDF-1.4\n%%EOF"), save=False)
    e.save()
    return e
