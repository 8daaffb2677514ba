import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from branches import audit
from branches.meetings import services
from branches.models import Meeting
from tests.scoping import MARK, sample


def _png():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(buf, format="PNG")
    return buf.getvalue()


def _url_kwargs(meeting):
    att = meeting.attachments.first()
    return {"org": meeting.organization_id, "file_id": att.pk if att else 0}


@sample(Meeting, insiders=("committee", "unit_admin", "secretary"), url_kwargs=_url_kwargs)
def meeting(world):
    start = timezone.now() - datetime.timedelta(minutes=10)
    m = services.plan_meeting(
        actor=audit.SYSTEM,
        organization=world.branch_a1,
        kind="committee",
        title=f"{MARK}支委会",
        start=start,
        end=start + datetime.timedelta(hours=2),
        place="会议室",
        topics=[{"title": f"{MARK}议题", "is_first_topic": True, "material": "讲话"}],
    )
    services.add_attachment(actor=audit.SYSTEM, meeting=m, uploaded=SimpleUploadedFile("photo.png", _png()))
    return m
