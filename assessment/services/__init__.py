"""The assessment's services (every state change)."""

from .cycles import *  # noqa: F403
from .cycles import DATE_FIELDS, _grade_assessment, _require  # noqa: F401
