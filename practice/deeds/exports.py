"""The 办实事 list as Excel."""

from ..exports import workbook

HEAD = [
    "序号",
    "单位",
    "实事项目",
    "解决的问题",
    "责任组织",
    "责任人",
    "完成时限",
    "状态",
    "办理结果",
    "满意度（%）",
    "完成日期",
]


def deeds_xlsx(queryset, year: int) -> bytes:
    rows = (
        (
            d.organization.label,
            d.title,
            d.problem,
            d.responsible_organization.name if d.responsible_organization else "",
            d.responsible_person.name if d.responsible_person else "",
            d.deadline,
            d.get_status_display(),
            d.result,
            d.satisfaction,
            d.completed_on,
        )
        for d in queryset.iterator(chunk_size=2000)
    )
    return workbook(f"办实事{year}", HEAD, rows)
