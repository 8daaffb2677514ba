"""HTML written in Python where the template engine is too dear (a thousand options, 650 matrix cells)."""

import html

from django.utils.functional import Promise


def escape(value) -> str:
    """``django.utils.html.conditional_escape`` without its lazy-string wrapper: a safe string stays as it is,
    anything else is escaped."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))
