"""The assessment's pages (``assessment/urls.py`` routes to the names below)."""

from .assessments import *  # noqa: F403
from .documents import ResultNoticeView  # noqa: F401
