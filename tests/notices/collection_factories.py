import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from branches import audit
from notices.collection import services

FIELDS = [
    {"key": "count", "label": "党员人数", "type": "number", "required": True},
    {"key": "kind", "label": "类型", "type": "choice", "choices": ["机关", "事业"], "required": False},
]


def docx(name="材料.docx"):
    import docx as python_docx

    buf = io.BytesIO()
    python_docx.Document().save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


def request(
    world, *, org=None, targets=None, title="2026年度党建工作材料", fields=FIELDS, actor=None, deadline=None, **kw
):
    return services.create_request(
        actor=actor or audit.SYSTEM,
        organization=org or world.root,
        title=title,
        instructions="请按模板报送。",
        deadline=deadline or timezone.localdate() + datetime.timedelta(days=10),
        fields=fields,
        targets=targets or [world.branch_a1, world.branch_a2, world.branch_b1],
        **kw,
    )
