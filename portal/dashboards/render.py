"""The dashboard's two large tables, rendered in Python.

The committee's page holds a heatmap (every unit × twelve months) and a ranking (every unit × every
column): about 850 linked figures at ``city``. Through the template engine each cell cost a dozen
variable lookups and filters, two thirds of the page's time when its figures are not cached; here each
row is a few f-strings. The markup is the one the template had (``tests/portal/test_dashboard_render.py``
compares them). Every value is escaped (``_e``).
"""

from __future__ import annotations

from html import escape as _escape

from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .figures import STAND_IN_PK, per_org


def _org_url(period_key: str):
    """``org -> its dashboard in the period``, the URL reversed once for the table."""
    return per_org(f"{reverse('dashboards:org', args=[STAND_IN_PK])}?period={period_key}")


def _e(value) -> str:
    """HTML-escape as Django's ``escape`` does (it is ``html.escape(str(value))``), without its lazy wrapper:
    a page escapes some 5,000 values here."""
    return _escape(str(value))


def _memo(format_):
    """``format_`` with each distinct value done once: a table repeats its labels, units and many figures."""
    seen: dict = {}

    def once(value) -> str:
        # 1 and 1.0 are equal keys but localize differently; so are 0.0 and -0.0 (repr tells them apart)
        key = (type(value), value, repr(value) if value == 0 else None)
        try:
            return seen[key]
        except KeyError:
            text = seen[key] = format_(value)
            return text

    return once


def _formatters():
    """A table's two escapers, each value done once: text as it is, and numbers localised."""
    return _memo(_e), _memo(lambda value: _e(localize(value)))


def _heat_cell(org_name: str, cell, no_data: str, esc, number) -> str:
    if cell.value is None:
        return f'<td class="heat heat-none" title="{esc(cell.label)}: {no_data}">—</td>'
    testid = ' data-testid="heat-cell-low"' if cell.heat == "low" else ""
    display = esc(cell.display)
    return (
        f'<td class="heat heat-{esc(cell.heat)}"><a href="{_e(cell.url or "#")}"{testid} '
        f'title="{org_name} {esc(cell.label)}: {display}{esc(cell.unit)}" data-value="{number(cell.value)}">'
        f"{display}</a></td>"
    )


def heatmap_rows(board) -> SafeString:
    org_url = _org_url(board.period.key)
    no_data = _e(_("no data"))
    esc, number = _formatters()
    rows = []
    for row in board.heatmap:
        org = row["org"]
        name = _e(org.label)
        cells = "".join(_heat_cell(name, cell, no_data, esc, number) for cell in row["cells"])
        rows.append(f'<tr><th scope="row"><a href="{_e(org_url(org))}">{name}</a></th>\n{cells}</tr>')
    return mark_safe("\n".join(rows))  # noqa: S308  # nosec B308 B703 (every value above goes through _e)


def _rank_cell(f, esc, number) -> str:
    display = esc(f.display)
    if f.url and f.value is not None:
        display = f'<a href="{_e(f.url)}" data-figure="{esc(f.name)}" data-value="{number(f.value)}">{display}</a>'
    return f'<td class="text-end">{display}</td>'


def ranking_rows(board) -> SafeString:
    org_url = _org_url(board.period.key)
    esc, number = _formatters()
    rows = []
    for position, row in enumerate(board.ranking, start=1):
        org = row["org"]
        cells = "".join(_rank_cell(f, esc, number) for f in row["figures"])
        rows.append(
            f'<tr><td>{position}</td>\n<th scope="row"><a href="{_e(org_url(org))}" data-testid="drill-org">'
            f"{_e(org.label)}</a></th>\n{cells}\n</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308  # nosec B308 B703 (every value above goes through _e)
