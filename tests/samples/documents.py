from branches import audit
from branches.documents import numbering
from branches.models import IssuedNumber
from tests.scoping import MARK, sample


@sample(
    IssuedNumber,
    insiders=("committee", "unit_admin", "secretary"),
    url_kwargs=lambda n: {"kind": "rectification", "ref": n.object_id, "fmt": "pdf"},
)
def issued_number(world):
    """A rectification notice to branch A1, numbered (in the branch's own sequence, so it is scoped there)."""
    from tests.samples.supervision import rectification

    rect = rectification(world)
    return numbering.issue(
        actor=audit.SYSTEM, organization=world.branch_a1, kind="rectification", obj=rect, title=f"{MARK}整改通知书"
    )
