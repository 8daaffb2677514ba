from branches import audit
from notices import services
from notices.models import Notice, NoticeFile, NoticeRecipient
from tests.notices.factories import notice, pdf
from tests.scoping import MARK, sample


@sample(Notice, insiders=("committee", "unit_admin", "secretary"))
def notice_sample(world):
    # Sent by the first branch to its own members: the sibling branch's secretary is neither sender nor recipient.
    return notice(world, org=world.branch_a1, title=f"{MARK}通知")


@sample(
    NoticeFile,
    insiders=("committee", "unit_admin", "secretary", "member"),
    url_kwargs=lambda f: {"pk": f.notice_id, "file_id": f.pk},
)
def notice_file(world):
    n = notice(world, org=world.branch_a1, title="附件通知")
    return services.add_file(
        actor=audit.SYSTEM, notice=n, uploaded=pdf(f"{MARK}.pdf"), doc_number="甲直工发〔2026〕1号"
    )


@sample(NoticeRecipient)
def notice_recipient(world):
    n = notice(world, org=world.branch_a1, title=f"{MARK}签收")
    return n.recipients.first()
