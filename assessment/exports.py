"""Excel exports of score cards and cycle results (through the document layer)."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from branches.documents import xlsx

from .selectors import effective_score


def scorecard_xlsx(assessment, results, dims, total) -> bytes:
    book = xlsx.Book()
    header = [_("Dimension"), _("Code"), _("Indicator"), _("Max score"), _("Self-score"), _("Review score"), _("Score")]
    ws = book.sheet(
        _("Score card"),
        header,
        title=f"{assessment.organization} {assessment.cycle.name}",
        organization=str(assessment.organization),
        widths=[None, None, 40],
        preamble=[
            [str(assessment.organization), assessment.cycle.name],
            [pgettext("assessment", "Total"), float(total or 0), _("Grade"), str(assessment.grade or "—")],
            [],
        ],
    )
    for d in dims:
        for r in d["results"]:
            ws.append(
                [
                    d["dimension"].name,
                    r.indicator.code,
                    r.indicator.name,
                    float(r.indicator.max_score),
                    _num(r.self_score),
                    _num(r.review_score),
                    _num(effective_score(r)),
                ]
            )
    return book.bytes()


def cycle_xlsx(cycle, rows) -> bytes:
    book = xlsx.Book()
    ws = book.sheet(
        _("Results"),
        [
            _("Parent organisation"),
            _("Branch"),
            _("Status"),
            _("Self-score"),
            _("Review score"),
            _("Final score"),
            _("Grade"),
        ],
        title=cycle.name,
        title_row=True,
        widths=[30, 30],
    )
    for a in rows:
        ws.append(
            [
                a.organization.parent.name if a.organization.parent else "",
                a.organization.name,
                a.get_status_display(),
                _num(a.self_total),
                _num(a.review_total),
                _num(a.final_total),
                str(a.grade) if a.grade else "",
            ]
        )
    return book.bytes()


def _num(value):
    return float(value) if value is not None else None
