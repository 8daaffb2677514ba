"""Training services."""

from .modules import *  # noqa: F403
from .modules import _require  # noqa: F401
