"""Scope-walk samples for the practice app: every object sits in world.branch_a1."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from branches import audit
from practice.deeds import services as deeds
from practice.deeds.models import Deed
from practice.pairing import services as pairing
from practice.pairing.models import ActivityPhoto, JointActivity, Pairing
from practice.research import services as research
from practice.research.models import ResearchPhoto, ResearchReport, ResearchTopic
from practice.service import services as service
from practice.service.models import CommunityReport, ResidenceRegistration, VolunteerService
from practice.village import services as village
from practice.village.models import FirstSecretary, VillageReport, VillageReportFile
from tests.scoping import MARK, sample

DAY = datetime.date(2026, 3, 10)


def png(name="photo.png"):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


@sample(Pairing, insiders=("committee", "unit_admin", "secretary"))
def pairing_sample(world):
    return pairing.create_pairing(
        actor=audit.SYSTEM,
        organization=world.branch_a1,
        partner_name=f"{MARK}社区",
        partner_kind="community",
        start_date=datetime.date(2026, 1, 1),
    )


@sample(JointActivity, insiders=("committee", "unit_admin", "secretary"))
def activity_sample(world):
    return pairing.log_activity(
        actor=audit.SYSTEM,
        pairing=pairing_sample(world),
        kind="joint_study",
        title=f"{MARK}联学",
        date=DAY,
        outside_count=5,
        photos=[png()],
        today=DAY,
    )


@sample(ActivityPhoto, insiders=("committee", "secretary"))
def photo_sample(world):
    photo = activity_sample(world).photos.get()
    photo.original_name = f"{MARK}.png"
    photo.save(update_fields=["original_name"])
    return photo


@sample(CommunityReport, insiders=("committee", "unit_admin", "secretary"))
def community_report_sample(world):
    return service.report_unit(
        actor=audit.SYSTEM, organization=world.branch_a1, community=f"{MARK}社区", reported_on=DAY
    )


@sample(ResidenceRegistration, insiders=("committee", "unit_admin", "secretary", "member"))
def residence_sample(world):
    return service.register_residence(
        actor=audit.SYSTEM, member=world.members["member"], community=f"{MARK}居住社区", registered_on=DAY
    )


@sample(VolunteerService, insiders=("committee", "unit_admin", "secretary", "member"))
def volunteer_sample(world):
    return service.log_service(
        actor=audit.SYSTEM,
        member=world.members["member"],
        date=DAY,
        community="幸福社区",
        activity=f"{MARK}垃圾分类宣传",
        hours=2,
        today=DAY,
    )


@sample(Deed, insiders=("committee", "unit_admin", "secretary"))
def deed_sample(world):
    return deeds.create_deed(
        actor=audit.SYSTEM,
        organization=world.branch_a1,
        title=f"{MARK}修缮小区路灯",
        deadline=datetime.date(2026, 6, 30),
    )


def _docx(name="报告.docx"):
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buf.getvalue())


@sample(ResearchTopic, insiders=("committee", "unit_admin", "secretary"))
def research_sample(world):
    return research.create_topic(
        actor=audit.SYSTEM, organization=world.branch_a1, title=f"{MARK}基层减负调研", year=2026
    )


@sample(ResearchReport, insiders=("committee", "secretary"))
def research_report_sample(world):
    report = research.file_report(actor=audit.SYSTEM, topic=research_sample(world), uploaded=_docx(), today=DAY)
    report.original_name = f"{MARK}.docx"
    report.save(update_fields=["original_name"])
    return report


@sample(ResearchPhoto, insiders=("committee", "unit_admin", "secretary"))
def research_photo_sample(world):
    (photo,) = research.add_photos(actor=audit.SYSTEM, topic=research_sample(world), photos=[png()])
    photo.original_name = f"{MARK}.png"
    photo.save(update_fields=["original_name"])
    return photo


@sample(FirstSecretary, insiders=("committee", "unit_admin"))
def posting_sample(world):
    return village.appoint(
        actor=audit.SYSTEM,
        organization=world.branch_a1,
        member=world.members["member"],
        village=f"{MARK}村",
        term_start=datetime.date(2025, 1, 1),
        term_end=datetime.date(2027, 1, 1),
    )


@sample(VillageReport, insiders=("committee", "unit_admin"))
def village_report_sample(world):
    posting = posting_sample(world)
    return village.file_report(actor=audit.SYSTEM, posting=posting, quarter="2026-Q1", content=f"{MARK}报告", today=DAY)


@sample(VillageReportFile, insiders=("committee", "unit_admin", "member"))  # the member is the first secretary
def village_report_file_sample(world):
    posting = posting_sample(world)
    report = village.file_report(
        actor=audit.SYSTEM, posting=posting, quarter="2026-Q1", content="报告", files=[_docx()], today=DAY
    )
    f = report.files.get()
    f.original_name = f"{MARK}.docx"
    f.save(update_fields=["original_name"])
    return f
