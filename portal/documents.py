"""The annual summary (年度党建工作情况) as a document: every figure and every column of the ranking."""

from __future__ import annotations

from django.utils import timezone

from branches.documents import official as o

RANKING_COLUMNS_PER_TABLE = 5  # a portrait A4 text block holds the name and five figures legibly
NUMERALS = "一二三四五六七八九十"


def _v(value, digits=1) -> str:
    if value is None:
        return "—"
    return f"{value:.{digits}f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def annual_summary_document(org, board, today=None) -> o.OfficialDocument:
    year = board.period.start.year
    sections = []
    if board.headline:
        sections.append(
            (
                "主要指标",
                [
                    o.Table(
                        ["指标", f"{year}年", "上年同期"],
                        [
                            [
                                f.label,
                                f"{f.display} {f.unit}".strip(),
                                f"{_v(f.last_year)} {f.unit}".strip() if f.last_year is not None else "—",
                            ]
                            for f in board.headline
                        ],
                        widths=[5, 2.5, 2.5],
                    )
                ],
            )
        )
    if board.ranking:
        tables = []
        cols = list(board.ranking_columns)
        for start in range(0, len(cols), RANKING_COLUMNS_PER_TABLE):
            chunk = range(start, min(start + RANKING_COLUMNS_PER_TABLE, len(cols)))
            tables.append(
                o.Table(
                    ["党组织"] + [f"{cols[i].label}" + (f"（{cols[i].unit}）" if cols[i].unit else "") for i in chunk],
                    [[row["org"].label] + [row["figures"][i].display for i in chunk] for row in board.ranking],
                    widths=[3] + [1.6] * len(chunk),
                )
            )
        sections.append(("下级党组织情况", tables))
    if board.grades and board.grades.get("items"):
        sections.append(
            (
                f"{board.grades['year']}年度考评等次分布",
                [
                    o.Table(
                        ["等次", "党支部数"],
                        [[g["label"], _v(g["value"], 0)] for g in board.grades["items"]],
                        widths=[3, 2],
                    )
                ],
            )
        )
    if board.burndown and board.burndown.get("rows"):
        sections.append(
            (
                "整改情况（按月）",
                [
                    o.Table(
                        ["月份", "月末未完成", "当月完成", "按期完成率（%）"],
                        [
                            [r["period"].label, _v(r["open"], 0), _v(r["closed"], 0), _v(r["on_time"])]
                            for r in board.burndown["rows"]
                        ],
                    )
                ],
            )
        )
    if board.structure:
        rows = [[dim["title"], b["label"], _v(b["value"], 0)] for dim in board.structure for b in dim["buckets"]]
        sections.append(("党员队伍结构", [o.Table(["维度", "分组", "人数"], rows, widths=[2, 3, 1.5])]))
    blocks = [o.P(f"现将{org.name}{year}年度党建工作主要情况汇总如下。")]
    for i, (heading, content) in enumerate(sections):
        blocks.append(o.H1(f"{NUMERALS[i]}、{heading}"))
        blocks.extend(content)
    if not sections:
        blocks.append(o.P("本年度暂无统计数据。"))
    return o.OfficialDocument(
        kind="annual_summary",
        title=f"{org.name}{year}年度党建工作情况",
        blocks=blocks,
        signature=org.name,
        date=today or timezone.localdate(),
    )
