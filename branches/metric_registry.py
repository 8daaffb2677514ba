"""Named numbers that apps publish and other apps read (assessment, dashboards).

A lower app never imports a higher or sibling app's models. Instead each app's
``metrics.py`` registers its metrics here at import time (the module is imported
by ``load_all()``), and readers ask by name::

    from branches import metric_registry
    metric = metric_registry.get("meetings.compliance_rate")
    value = metric.value(org, period)            # one organisation (its subtree)
    values = metric.values(orgs, period)         # {org.pk: value}, fixed query count

Names are ``<area>.<metric>``; see docs/development.md for the agreed list.
Values are ``float | int | None`` (None = not applicable, e.g. no meetings due).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps


@dataclass(frozen=True)
class Metric:
    name: str
    label: str  # lazy translation
    unit: str  # "%", "人", "个", "次", "学时", …
    # many(orgs, period) -> {org.pk: value}, each org aggregated over its whole subtree,
    # in a number of queries that does not grow with the number of orgs or rows.
    many: Callable
    # Optional: drill_url(org, period) -> the URL of the list behind the number for an org and period.
    # It should read only ``org.pk`` (or ``org.id``): a dashboard table makes one link per column with a
    # stand-in organisation and puts each row's pk in its place (portal/dashboards/figures.py, _drill_maker).
    # A link that reads more still works, made once per organisation, at a cost on large tables.
    drill_url: Callable | None = None
    higher_is_better: bool = True

    def values(self, orgs: Iterable, period) -> dict:
        return self.many(list(orgs), period)

    def value(self, org, period):
        return self.many([org], period).get(org.pk)


_REGISTRY: dict[str, Metric] = {}
_loaded = False


def register(metric: Metric) -> Metric:
    _REGISTRY[metric.name] = metric
    return metric


def load_all() -> None:
    global _loaded
    if _loaded:
        return
    for config in apps.get_app_configs():
        try:
            import_module(f"{config.name}.metrics")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.metrics":
                raise
    _loaded = True


def get(name: str) -> Metric:
    load_all()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"No metric named {name!r}; known: {sorted(_REGISTRY)}") from None


def available() -> dict[str, Metric]:
    load_all()
    return dict(_REGISTRY)
