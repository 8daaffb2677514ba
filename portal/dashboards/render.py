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

_SENTINEL = 987654321


def _org_url(period_key: str):
    base = reverse("dashboards:org", args=[_SENTINEL])
    return lambda org: f"{base.replace(str(_SENTINEL), str(org.pk))}?period={period_key}"


def _e(value) -> str:
    """HTML-escape as Django's ``escape`` does (it is ``html.escape(str(value))``), without its lazy wrapper:
    a page escapes some 5,000 values here."""
    return _escape(str(value))


def _heat_cell(org_name: str, cell, no_data: str) -> str:
    if cell.value is None:
        return f'<td class="heat heat-none" title="{_e(cell.label)}: {no_data}">—</td>'
    testid = ' data-testid="heat-cell-low"' if cell.heat == "low" else ""
    display = _e(cell.display)
    return (
        f'<td class="heat heat-{_e(cell.heat)}"><a href="{_e(cell.url or "#")}"{testid} '
        f'title="{org_name} {_e(cell.label)}: {display}{_e(cell.unit)}" data-value="{_e(localize(cell.value))}">'
        f"{display}</a></td>"
    )


def heatmap_rows(board) -> SafeString:
    org_url = _org_url(board.period.key)
    no_data = _e(_("no data"))
    rows = []
    for row in board.heatmap:
        org = row["org"]
        name = _e(org.label)
        cells = "".join(_heat_cell(name, cell, no_data) for cell in row["cells"])
        rows.append(f'<tr><th scope="row"><a href="{_e(org_url(org))}">{name}</a></th>\n{cells}</tr>')
    return mark_safe("\n".join(rows))  # noqa: S308  # nosec B308 B703 (every value above goes through _e)


def _rank_cell(f) -> str:
    display = _e(f.display)
    if f.url and f.value is not None:
        display = f'<a href="{_e(f.url)}" data-figure="{_e(f.name)}" data-value="{_e(localize(f.value))}">{display}</a>'
    return f'<td class="text-end">{display}</td>'


def ranking_rows(board) -> SafeString:
    org_url = _org_url(board.period.key)
    rows = []
    for number, row in enumerate(board.ranking, start=1):
        org = row["org"]
        cells = "".join(_rank_cell(f) for f in row["figures"])
        rows.append(
            f'<tr><td>{number}</td>\n<th scope="row"><a href="{_e(org_url(org))}" data-testid="drill-org">'
            f"{_e(org.label)}</a></th>\n{cells}\n</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308  # nosec B308 B703 (every value above goes through _e)
