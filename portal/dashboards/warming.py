"""The worker renders the default dashboards into the page cache right after each refresh (issue 22).

A dashboard page caches its figures as rendered HTML (``{% cache %}`` in
``portal/dashboard_detail.html``, the fragment ``portal/_dashboard_figures.html``) under the
refresh's generation, so the first committee member to open it after each 15-minute refresh used
to pay for computing it. The worker now renders that fragment itself, for the organisations whose
dashboards people land on (the committee's and the units': depth ≤ ``DASHBOARD_WARM_DEPTH``), in
the default view (this quarter, no ranking, the site's language), under the same cache key the page
computes; the committee's own dashboard (the top of the tree) in every period its page offers as well. Other
periods of the units, rankings and deeper organisations are rendered on first view as before.

Only useful where web and worker share the cache (Redis); with a per-process cache it does nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import InvalidCacheBackendError, caches
from django.core.cache.utils import make_template_fragment_key
from django.template.loader import render_to_string
from django.utils import timezone, translation

from branches.periods import period_containing

from . import figures, snapshots

FRAGMENT = "dashboard"  # the {% cache %} fragment name in portal/dashboard_detail.html
TEMPLATE = "portal/_dashboard_figures.html"


def fragment_cache():
    """The cache ``{% cache %}`` writes to: ``template_fragments`` when configured, else the default."""
    try:
        return caches["template_fragments"]
    except InvalidCacheBackendError:
        return caches["default"]


def shared_cache() -> bool:
    backend = settings.CACHES.get("template_fragments", settings.CACHES["default"])["BACKEND"]
    return not backend.endswith(("LocMemCache", "DummyCache"))


def fragment_key(org_pk: int, period_key: str, rank: str, version: tuple, seconds: int) -> str:
    return make_template_fragment_key(FRAGMENT, [org_pk, period_key, rank, version, seconds])


def warm_pages(*, depth: int | None = None, force: bool = False) -> int:
    """Render the default dashboard of every organisation down to ``depth``, and every period the page offers
    for the top organisations (the committee's); returns how many pages."""
    seconds = snapshots.page_cache_seconds()
    refreshed_at = snapshots.last_refresh()
    if not seconds or refreshed_at is None or not (force or shared_cache()):
        return 0
    depth = settings.DASHBOARD_WARM_DEPTH if depth is None else depth
    today = timezone.localdate()
    default = period_containing(snapshots.DEFAULT_PERIOD_KIND, today)
    every = snapshots.period_choices(today)  # the default among them
    store = fragment_cache()
    warmed = 0
    with translation.override(settings.LANGUAGE_CODE):
        version = snapshots.page_version(refreshed_at, today, False)
        for org in (
            snapshots.dashboard_orgs().filter(depth__lte=depth).only("id", "name", "path", "kind", "parent_id", "depth")
        ):
            for period in every if org.depth == 0 else [default]:
                board = figures.dashboard_for(
                    org, period, today=today, ranking=None, limit=snapshots.RANKING_LIMIT, refreshed_at=refreshed_at
                )
                html = render_to_string(TEMPLATE, {"board": board, "org": org, "period": period, "rank": ""})
                store.set(fragment_key(org.pk, period.key, "", version, seconds), html, seconds)
                warmed += 1
    return warmed
