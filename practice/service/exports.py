"""Volunteer service records as Excel."""

from ..exports import workbook

HEAD = ["序号", "党员", "所在党组织", "日期", "服务社区", "服务内容", "时长（小时）", "状态", "社区确认人"]


def services_xlsx(queryset, period) -> bytes:
    rows = (
        (
            s.member.name,
            s.member.organization.label,
            s.date,
            s.community,
            s.activity,
            float(s.hours),
            s.get_status_display(),
            s.confirmer,
        )
        for s in queryset.iterator(chunk_size=2000)
    )
    return workbook(f"志愿服务{period.key}", HEAD, rows)
