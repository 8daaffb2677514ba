"""Minutes as Word (.docx) through the document layer; the ledger (台账) as Excel."""

from __future__ import annotations

from ..models import AttendanceStatus, MeetingKind, MeetingStatus


def minutes_docx(meeting) -> bytes:
    """The minutes as .docx through the document layer (GB/T 9704 layout); ``documents.minutes_document``."""
    from ..documents import word
    from .documents import minutes_document

    return word.render(minutes_document(meeting))


LEDGER_HEAD = [
    "序号",
    "党组织",
    "会议类型",
    "会议名称",
    "时间",
    "地点",
    "应到",
    "实到",
    "请假",
    "缺席",
    "第一议题",
    "状态",
    "提交时间",
]


LEDGER_FIELDS = ("id", "kind", "title", "start", "place", "status", "submitted_at", "organization__name")


LEDGER_CHUNK = 2000  # meetings read at a time by the Excel ledger


def ledger_queryset(queryset):
    """The ledger's meetings with their attendance counts and topics: a fixed number of queries."""
    from django.db.models import Count, Prefetch, Q

    from ..models import Topic

    # Only the columns the ledger shows: a year of a city is some 18,000 meetings, whose minutes and
    # resolutions it never prints, and of their topics only the first one counts.
    first_topics = Topic.objects.filter(is_first_topic=True).only(
        "id", "meeting_id", "title", "material", "is_first_topic"
    )
    return (
        queryset.select_related("organization")
        .only(*LEDGER_FIELDS)
        .prefetch_related(Prefetch("topics", queryset=first_topics))
        .annotate(
            n_all=Count("attendances", distinct=True),
            n_present=Count("attendances", filter=Q(attendances__status=AttendanceStatus.PRESENT), distinct=True),
            n_leave=Count("attendances", filter=Q(attendances__status=AttendanceStatus.LEAVE), distinct=True),
            n_absent=Count("attendances", filter=Q(attendances__status=AttendanceStatus.ABSENT), distinct=True),
        )
        .order_by("organization__path", "start")
    )


def ledger_row(i, m) -> list:
    """One ledger line, in the order of LEDGER_HEAD (the Excel file and the printable page)."""
    first = next((t for t in m.topics.all() if t.is_first_topic), None)
    return [
        i,
        m.organization.name,
        str(MeetingKind(m.kind).label),
        m.title,
        m.start,
        m.place,
        m.n_all,
        m.n_present,
        m.n_leave,
        m.n_absent,
        (f"{first.title}（{first.material}）" if first else ""),
        str(MeetingStatus(m.status).label),
        m.submitted_at,
    ]


def ledger_xlsx(queryset, period, organization=None) -> bytes:
    from ..documents import xlsx

    qs = ledger_queryset(queryset)
    book = xlsx.Book()
    ws = book.sheet(
        f"台账{period.key}",
        LEDGER_HEAD,
        title=f"组织生活台账（{period.label}）",
        organization=organization.name if organization else "",
        widths=[6, 24, 14, 30, 17, 16, 6, 6, 6, 6, 36, 8, 17],
        landscape=True,
        title_row=True,
    )
    # From a server-side cursor in chunks (each chunk's topics prefetched with it): a province's year is
    # some 100,000 meetings, which held at once took 600 MB.
    for i, m in enumerate(qs.iterator(chunk_size=LEDGER_CHUNK), start=1):
        ws.append(ledger_row(i, m))
    return book.bytes()
