from branches import audit
from notices.models import PlanReport
from notices.plans import services
from tests.notices.collection_factories import docx
from tests.scoping import MARK, sample


@sample(
    PlanReport,
    insiders=("committee", "unit_admin", "secretary"),
    url_kwargs=lambda r: {"file_id": r.files.first().pk, "org": r.organization_id},
)
def plan_report(world):
    year = 2026 + PlanReport.objects.filter(organization=world.branch_a1).count()
    return services.file_report(
        actor=audit.SYSTEM,
        organization=world.branch_a1,
        kind="annual_plan",
        year=year,
        title=f"{MARK}{year}年度工作计划",
        body="全年工作安排",
        file=docx("计划.docx"),
        submit=True,
    )
