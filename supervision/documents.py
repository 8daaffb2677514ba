"""Supervision documents: the bulletin (督查通报) and the rectification notice (整改通知书).

Red-header documents with a 发文字号 from ``branches.documents.numbering``; laid out by the
document layer (.docx and PDF from one source).
"""

from __future__ import annotations

from django.utils import timezone, translation

from branches.access import primary_grant
from branches.documents import official as o
from branches.models import Organization

NUMERALS = "一二三四五六七八九十"


def issuer_of(user) -> Organization | None:
    """The organisation a user issues documents for: the one of the user's highest grant."""
    grant = primary_grant(user)
    if grant is not None:
        return grant.organization
    return Organization.objects.visible_to(user, "member.view").order_by("depth", "path").first()


def mark(organization: Organization) -> str:
    return f"{organization.name}文件"


def bulletin_title(period) -> str:
    return f"关于{period.label}督查情况的通报"


def bulletin_ref(issuer: Organization, period) -> tuple[str, str]:
    """The bulletin of a period is no row: its number is kept under (type, "issuer:period")."""
    return "supervision.bulletin", f"{issuer.pk}:{period.key}"


def bulletin_document(b, *, issuer: Organization, issued=None) -> o.OfficialDocument:
    """The bulletin with its ``issued`` 发文字号 (``IssuedNumber``); without one it is a draft (no 文号, no date)."""
    title = bulletin_title(b.period)
    with translation.override("zh-hans"):
        active = [c for c in b.cards if not c.revoked_at]
        yellow = sum(1 for c in active if c.colour == "yellow")
        red = len(active) - yellow
        blocks = [
            o.P(f"根据督查工作安排，现将{b.period.label}督查督导发现问题整改及预警情况通报如下。"),
            o.H1("一、预警情况"),
            o.P(f"本期共发出预警{len(active)}张，其中黄牌{yellow}张、红牌{red}张。" if active else "本期未发出预警。"),
        ]
        if active:
            blocks.append(
                o.Table(
                    ["序号", "党组织", "预警", "事由", "发出日期"],
                    [
                        [str(i), c.organization.name, c.get_colour_display(), c.reason, o.cn_date(c.issued_at)]
                        for i, c in enumerate(active, start=1)
                    ],
                    widths=[1, 4, 1.5, 5, 3],
                )
            )
        blocks += [
            o.H1("二、逾期未完成整改情况"),
            o.P(
                f"截至通报日，共有{len(b.overdue)}项整改逾期未完成。"
                if b.overdue
                else "截至通报日，无逾期未完成的整改。"
            ),
        ]
        if b.overdue:
            blocks.append(
                o.Table(
                    ["序号", "党组织", "问题类别", "整改措施", "整改期限", "逾期工作日"],
                    [
                        [
                            str(i),
                            r.owner_org.name,
                            r.finding.category.name,
                            r.measures,
                            o.cn_date(r.effective_deadline),
                            str(r.overdue_days),
                        ]
                        for i, r in enumerate(b.overdue, start=1)
                    ],
                    widths=[1, 3.5, 2.5, 5, 3, 2],
                )
            )
        blocks += [
            o.H1("三、工作要求"),
            o.P(
                "各党组织要对照通报问题举一反三，逐项落实整改措施，按期报送整改情况。被预警的党组织要认真分析原因，限期整改到位。"
            ),
        ]
    return o.OfficialDocument(
        kind="bulletin",
        title=title,
        mark=mark(issuer),
        number=issued.number if issued else "",
        issuer=issuer.name,
        recipients="各党组织",
        blocks=blocks,
        signature=issuer.name,
        date=issued.issued_on if issued else None,
        printed_by=issuer.name,
        printed_on=issued.issued_on if issued else None,
    )


def rectification_notice(rect, *, issued=None) -> o.OfficialDocument:
    """整改通知书 to the organisation that owns the rectification, from the task's issuing organisation;
    with its ``issued`` 发文字号, else a draft."""
    finding = rect.finding
    task = finding.target.task
    issuer = task.organization
    title = "整改通知书"
    with translation.override("zh-hans"):
        severity = finding.get_severity_display()
    blocks = [
        o.P(f"在“{task.title}”督查中，发现你单位存在以下问题，现通知如下："),
        o.H1("一、存在问题"),
        o.P(f"问题类别：{finding.category.name}（{severity}）。"),
        o.P(finding.description),
        o.H1("二、整改要求"),
        *[o.P(line) for line in rect.measures.splitlines() if line.strip()],
        o.H1("三、整改期限"),
        o.P(
            f"请于{o.cn_date(rect.effective_deadline)}前完成整改，并将整改情况及佐证材料通过门户报送{issuer.name}。"
            "逾期未完成的，将按规定予以预警。"
        ),
    ]
    return o.OfficialDocument(
        kind="rectification",
        title=title,
        mark=mark(issuer),
        number=issued.number if issued else "",
        issuer=issuer.name,
        recipients=rect.owner_org.name,
        blocks=blocks,
        signature=issuer.name,
        date=issued.issued_on if issued else None,
    )


def local_today():
    return timezone.localdate()
