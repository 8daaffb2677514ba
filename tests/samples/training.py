import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from branches import audit
from tests.scoping import MARK, sample
from training import services
from training.models import (
    Assignment,
    ClaimEvidence,
    HoursClaim,
    ItemKind,
    Lecture,
    StudyItemFile,
    StudyModule,
    TrainingClass,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _module(world):
    module = services.create_module(actor=audit.SYSTEM, organization=world.branch_a1, title=f"{MARK}学习", year=2026)
    reading = services.add_item(
        actor=audit.SYSTEM, module=module, kind=ItemKind.READING, title="原文", body="<p>正文</p>", min_minutes=1
    )
    quiz = services.add_item(actor=audit.SYSTEM, module=module, kind=ItemKind.QUIZ, title="测验")
    f = StudyItemFile(item=reading, original_name="原文.pdf", content_type="application/pdf", size=len(PDF), sha256="x")
    f.file.save("sample.pdf", ContentFile(PDF), save=False)
    f.save()
    module._reading, module._quiz, module._file = reading, quiz, f
    return module


@sample(StudyModule, insiders=("committee", "unit_admin"), url_kwargs=lambda m: {"pk": m.pk, "item": m._quiz.pk})
def study_module(world):
    return _module(world)


@sample(
    Assignment,
    insiders=("committee", "unit_admin", "secretary"),
    url_kwargs=lambda a: {"pk": a.pk, "item": a._module._reading.pk, "file": a._module._file.pk},
)
def assignment(world):
    module = _module(world)
    a = Assignment.objects.create(
        module=module, member=world.members["member"], assigned_at=timezone.now(), due_date=datetime.date(2026, 12, 1)
    )
    a._module = module
    return a


@sample(HoursClaim, insiders=("committee", "unit_admin", "secretary"))
def hours_claim(world):
    claim = HoursClaim.objects.create(member=world.members["member"], title=f"{MARK}证书", hours=2, year=2026)
    ev = ClaimEvidence(claim=claim, original_name="c.pdf", content_type="application/pdf", size=len(PDF), sha256="x")
    ev.file.save("c.pdf", ContentFile(PDF), save=False)
    ev.save()
    return claim


@sample(TrainingClass, insiders=("committee", "unit_admin", "secretary"))
def training_class(world):
    return services.create_class(
        actor=audit.SYSTEM, organization=world.branch_a1, title=f"{MARK}培训班", roster=[world.members["member"]]
    )


@sample(Lecture, insiders=("committee",))
def lecture(world):
    return services.record_lecture(
        actor=audit.SYSTEM,
        organization=world.branch_a1,
        title=f"{MARK}宣讲",
        speaker="宣讲团",
        held_on=timezone.localdate(),
        audience_count=40,
    )
