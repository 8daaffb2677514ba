"""Metrics of the ground floor, read through branches.metric_registry."""

from .meetings import metrics as _meetings  # noqa: F401
