"""A paginator whose count is bounded: a list over a whole province never counts every row it could show.

``BoundedPaginator`` counts at most ``limit + 1`` rows (``API_COUNT_LIMIT``, default 10,000): below the limit the
count is exact, above it ``exact`` is false and page numbers reach the first ``limit`` rows. The API's page-number
mode uses it (``branches.api.pagination``; its cursor mode pages on without a count). The HTML lists keep exact
counts: a dashboard figure links to its list, whose count must equal it (``tests/portal/test_dashboard_figures.py``,
checked by ``make bench`` on the demo data); ``partials/_pagination.html`` says "more than N" for a paginator that
is not exact.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.utils.functional import cached_property

DEFAULT_COUNT_LIMIT = 10_000


def count_limit() -> int:
    return int(getattr(settings, "API_COUNT_LIMIT", DEFAULT_COUNT_LIMIT))


class BoundedPaginator(Paginator):
    """A Django paginator whose count reads at most ``limit + 1`` rows."""

    def __init__(self, *args, limit: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit = count_limit() if limit is None else limit

    @cached_property
    def counted(self) -> int:
        """SELECT COUNT(*) FROM (SELECT ... LIMIT limit+1): bounded whatever the scope's size.

        The count reads the rows unordered: which ``limit + 1`` rows it reads does not change the number,
        and the list's ordering (e.g. members by organisation path) joined and sorted every row of the
        scope first (20,000 members: 23 ms -> 1.6 ms). A DISTINCT list keeps its ordering, which can
        add columns to what is distinct."""
        rows = self.object_list
        if hasattr(rows, "order_by") and not rows.query.distinct:
            rows = rows.order_by()
        return rows[: self.limit + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.limit)

    @property
    def exact(self) -> bool:
        return self.counted <= self.limit
