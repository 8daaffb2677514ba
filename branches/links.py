"""Links to list pages, reversed once per process.

A dashboard page builds hundreds of drill-down links (every figure of every sub-organisation),
each ``<list page>?org=…&period=…``. Reversing the same URL name each time cost a third of the
page's Python time; the name's path only changes with the script prefix, which is part of the key.
"""

from functools import lru_cache

from django.urls import get_script_prefix, reverse


@lru_cache(maxsize=256)
def _reverse(viewname: str, prefix: str) -> str:
    return reverse(viewname)


def list_url(viewname: str) -> str:
    """``reverse(viewname)`` for a URL without arguments, cached per script prefix."""
    return _reverse(viewname, get_script_prefix())


def link_kind(link: str) -> str | None:
    """``"internal"`` for a page of the portal (``/path``), ``"external"`` for http(s) with a host, else None.

    ``//host`` and ``/\\host`` are protocol-relative (another site), never internal (security review F13).
    """
    from urllib.parse import urlsplit

    link = (link or "").strip()
    if not link or any(ord(ch) < 33 for ch in link):
        return None
    if link.startswith("/"):
        return None if link.startswith(("//", "/\\")) else "internal"
    try:
        parts = urlsplit(link)
    except ValueError:
        return None
    if parts.scheme in ("http", "https") and parts.hostname:
        return "external"
    return None
