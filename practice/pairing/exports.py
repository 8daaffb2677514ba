"""联学联建 activities as Excel (outside participants as a count only)."""

from ..exports import workbook

HEAD = [
    "序号",
    "我方党组织",
    "结对单位",
    "结对单位类型",
    "活动类型",
    "活动名称",
    "日期",
    "地点",
    "我方人数",
    "对方人数",
    "成效",
]


def activities_xlsx(queryset, period) -> bytes:
    rows = (
        (
            a.pairing.organization.name,
            a.pairing.partner_name,
            a.pairing.get_partner_kind_display(),
            a.get_kind_display(),
            a.title,
            a.date,
            a.place,
            a.people,
            a.outside_count,
            a.results,
        )
        for a in queryset.iterator(chunk_size=2000)
    )
    return workbook(f"联学联建{period.key}", HEAD, rows)
