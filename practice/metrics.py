"""Every practice figure, registered by its sub-package (read by name through ``branches.metric_registry``)."""

from .pairing import metrics as _pairing  # noqa: F401
