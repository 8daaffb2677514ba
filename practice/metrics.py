"""Every practice figure, registered by its sub-package (read by name through ``branches.metric_registry``)."""

from .deeds import metrics as _deeds  # noqa: F401
from .pairing import metrics as _pairing  # noqa: F401
from .research import metrics as _research  # noqa: F401
from .service import metrics as _service  # noqa: F401
from .village import metrics as _village  # noqa: F401
