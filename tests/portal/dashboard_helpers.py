"""Helpers for the dashboard tests: a temporary metric with known values per organisation."""

import contextlib

from branches import metric_registry
from branches.metric_registry import Metric


@contextlib.contextmanager
def temporary_metric(name, values, *, unit="%", higher_is_better=True, drill=None):
    """Register ``name`` whose value for an org is ``values[(org.pk, period.key)]`` or ``values[org.pk]``."""
    metric_registry.load_all()
    previous = metric_registry._REGISTRY.get(name)

    def many(orgs, period):
        out = {}
        for org in orgs:
            if (org.pk, period.key) in values:
                out[org.pk] = values[(org.pk, period.key)]
            elif org.pk in values:
                out[org.pk] = values[org.pk]
        return out

    metric = Metric(
        name,
        name,
        unit,
        many=many,
        drill_url=drill or (lambda org, period: f"/drill/{name}/{org.pk}/{period.key}/"),
        higher_is_better=higher_is_better,
    )
    metric_registry.register(metric)
    try:
        yield metric
    finally:
        if previous is None:
            metric_registry._REGISTRY.pop(name, None)
        else:
            metric_registry._REGISTRY[name] = previous
