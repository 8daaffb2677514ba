"""Metrics the register publishes (see docs/development.md for the agreed names)."""

from . import metrics_structure  # noqa: F401  member structure + fallback counts
