"""Dashboards: pre-computed figures per organisation and period, read by the pages and charts.

- ``models``: ``MetricSnapshot`` (app label ``portal``);
- ``snapshots``: the write side (``refresh_summaries``: every registered metric for every
  organisation, stored as snapshots; the page-cache generation);
- ``figures``: the read side (``dashboard_for``, ``chart_payload``) and the to-do list;
- ``views``, ``urls``: the pages, the chart data, the Excel export and the annual summary.

``from portal import dashboards; dashboards.refresh_summaries(...)`` keeps working: names not
found here are read from the modules above when first asked for.
"""

from importlib import import_module

SUBMODULES = ("snapshots", "figures")


def __getattr__(name: str):
    if name.startswith("_") or name in {"models", "views", "urls", *SUBMODULES}:
        raise AttributeError(f"module 'portal.dashboards' has no attribute {name!r}")
    for module in SUBMODULES:
        found = getattr(import_module(f"portal.dashboards.{module}"), name, None)
        if found is not None:
            return found
    raise AttributeError(f"module 'portal.dashboards' has no attribute {name!r}")
