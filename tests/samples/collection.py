from branches import audit
from notices.collection import services
from notices.models import MaterialRequest, Submission
from tests.notices.collection_factories import docx, request
from tests.scoping import MARK, sample


@sample(MaterialRequest, insiders=("committee",))
def material_request(world):
    return request(world, title=f"{MARK}材料", targets=[world.branch_a1])


def _kwargs(sub):
    return {"file_id": sub.files.first().pk, "template_id": sub.request.templates.first().pk}


@sample(Submission, insiders=("committee", "unit_admin", "secretary"), url_kwargs=_kwargs)
def submission(world):
    # A unit collecting from its own subtree.
    req = request(world, org=world.unit_a, title=f"{MARK}报送", targets=[world.branch_a1], template=docx("模板.docx"))
    sub = req.submissions.get()
    services.save_answer(actor=audit.SYSTEM, submission=sub, answers={"count": "12"}, files={"": docx()}, submit=True)
    return sub
