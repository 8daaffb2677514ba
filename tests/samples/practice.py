"""Scope-walk samples for the practice app: every object sits in world.branch_a1."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from branches import audit
from practice.pairing import services as pairing
from practice.pairing.models import ActivityPhoto, JointActivity, Pairing
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
