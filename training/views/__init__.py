"""Training pages."""

from .study import *  # noqa: F403
from .study import _done_count, _items_count, _ModuleChildForm  # noqa: F401
