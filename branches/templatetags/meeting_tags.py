"""Template tags of the meeting pages."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from ..html import escape

register = template.Library()

_INNER = {
    "held": '<i class="bi bi-check-circle-fill text-success"></i>',
    "due": '<i class="bi bi-hourglass-split text-warning"></i>',
    "": '<span class="text-muted">·</span>',
}


@register.simple_tag
def compliance_cells(row, missing_url) -> SafeString:
    """One row of the compliance matrix: its month (or quarter) cells, a missing one linked to the list of the
    meetings missing in that period.

    Built here with f-strings, as the dashboard's heatmap is (``portal/dashboards/render.py``): a page holds
    50 rows of 12 cells, and through the template engine (an ``if`` chain, a ``with`` and six lookups a cell)
    they cost more than the rest of the page together. Every value is escaped.
    """
    org_pk = escape(row["org"].pk)
    url = escape(missing_url)
    cells = []
    for cell in row["cells"]:
        status = cell["status"] or ""
        if status == "missing":
            href = f"{url}?org={org_pk}&period={escape(cell['key'])}"
            inner = f'<a class="text-danger text-decoration-none" href="{href}">{escape(cell["missing"])}</a>'
        else:
            inner = _INNER.get(status, _INNER[""])
        cells.append(
            f'<td class="text-center cell-{escape(status or "none")}" title="{escape(cell["label"])}">{inner}</td>'
        )
    return mark_safe("".join(cells))  # noqa: S308  # nosec B308 B703 (every value above is escaped)
