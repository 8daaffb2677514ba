"""F7: every allowed attachment type goes through the meeting page end to end; a failed upload
leaves no file behind."""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from branches import audit
from branches.meetings import services
from branches.models import MeetingAttachment
from tests.documents import samples

pytestmark = pytest.mark.django_db

TYPES = {
    "纪要.pdf": "application/pdf",
    "会议记录.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "签到表.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "材料.zip": "application/zip",
    "会场.png": "image/png",
    "会场.jpg": "image/jpeg",
    "通知.doc": "application/msword",
    "通知.wps": "application/wps-office.wps",
    "统计.et": "application/wps-office.et",
    "公文.ofd": "application/ofd",
}


def _planned(world):
    start = timezone.now() - datetime.timedelta(minutes=30)
    return services.plan_meeting(
        actor=audit.SYSTEM,
        organization=world.branch_a1,
        kind="committee",
        title="支委会",
        start=start,
        end=start + datetime.timedelta(hours=2),
        place="会议室",
    )


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.mark.parametrize("name", list(TYPES))
def test_each_allowed_type_is_uploaded_through_the_page_and_served_back(world, client_for, settings, tmp_path, name):
    settings.MEDIA_ROOT = tmp_path
    meeting = _planned(world)
    c = client_for(world.secretary)
    data = samples.build(name)
    response = c.post(reverse("meetings:meeting_upload", args=[meeting.pk]), {"file": samples.upload(name, data)})
    assert response.status_code == 302
    att = MeetingAttachment.objects.get(meeting=meeting)
    assert att.original_name == name and att.content_type == TYPES[name]
    assert Path(att.file.path).exists() and not Path(att.file.name).name.startswith(name.split(".")[0])
    entry = audit.AuditEntry.objects.filter(action="meeting.attach").latest("id")
    assert entry.after["file"] == att.file.name
    served = c.get(reverse("meetings:attachment", args=[meeting.pk, att.pk]))
    assert served.status_code == 200 and served["Content-Type"] == TYPES[name]
    assert served["X-Content-Type-Options"] == "nosniff"
    if not name.endswith((".png", ".jpg")):
        assert b"".join(served.streaming_content) == data


def test_a_failed_upload_leaves_no_file_on_disk(world, client_for, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    meeting = _planned(world)
    real_record = audit.record

    def failing(actor, action, *args, **kwargs):
        if action == "meeting.attach":
            raise RuntimeError("audit store unavailable")
        return real_record(actor, action, *args, **kwargs)

    monkeypatch.setattr(services.audit, "record", failing)
    c = client_for(world.secretary)
    c.raise_request_exception = False
    response = c.post(
        reverse("meetings:meeting_upload", args=[meeting.pk]),
        {"file": samples.upload("纪要.pdf", samples.PDF)},
    )
    assert response.status_code == 500
    assert not MeetingAttachment.objects.filter(meeting=meeting).exists()
    assert _files(tmp_path) == []


def test_a_refused_upload_leaves_no_file_on_disk(world, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = _planned(world)
    response = client_for(world.secretary).post(
        reverse("meetings:meeting_upload", args=[meeting.pk]),
        {"file": samples.upload("纪要.pdf", samples.EXE)},
        follow=True,
    )
    assert "纪要.pdf" in response.content.decode()
    assert _files(tmp_path) == []
