import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from supervision.models import Attachment, StageReport

from .helpers import NOW, issued_task

pytestmark = pytest.mark.django_db


def _png():
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="PNG")
    return SimpleUploadedFile("记录.png", out.getvalue(), content_type="image/png")


@pytest.fixture
def target(world):
    from supervision import services

    task = issued_task(world, targets=[world.branch_a1, world.branch_a2])
    return services.acknowledge(actor=world.secretary, target=task.targets.get(organization=world.branch_a1), now=NOW)


def test_evidence_uploaded_with_a_report_is_served_to_the_target_and_404_to_the_sibling(world, client_for, target):
    c = client_for(world.secretary)
    c.post(
        f"/supervision/targets/{target.pk}/report/",
        {"stage": "report", "content": "已完成", "files": [_png()]},
    )
    attachment = Attachment.objects.get()
    assert attachment.stage_report.target == target
    assert c.get(f"/supervision/files/{attachment.pk}/").status_code == 200
    assert client_for(world.outsider).get(f"/supervision/files/{attachment.pk}/").status_code == 404
    assert client_for(world.inspector).get(f"/supervision/files/{attachment.pk}/").status_code == 200


def test_a_file_that_is_not_a_document_is_refused_and_nothing_is_saved(world, client_for, target):
    fake = SimpleUploadedFile("报告.pdf", b"MZ this is not a pdf", content_type="application/pdf")
    response = client_for(world.secretary).post(
        f"/supervision/targets/{target.pk}/report/",
        {"stage": "report", "content": "已完成", "files": [fake]},
        follow=True,
    )
    assert response.status_code == 200
    assert "不被接受" in response.content.decode() or "accepted" in response.content.decode()
    assert not StageReport.objects.exists() and not Attachment.objects.exists()
