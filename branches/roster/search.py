"""The member search without personal data in URLs (security review F10): an ID number typed into
the search is replaced by its keyed hash before the browser is redirected to the list."""

from django.http import QueryDict

from ..crypto import blind_index, mask
from . import values as roster_values


def looks_like_id_number(text: str) -> bool:
    normalised = roster_values.compact(text).upper()
    return len(normalised) >= 15 and normalised[:15].isdigit()


def search_query(data) -> str:
    """The list's query string from posted filters, an ID number replaced by its keyed hash."""
    params = QueryDict(mutable=True)
    for key in ("q", "org", "category", "status", "stage", "sort"):
        value = (data.get(key) or "").strip()
        if value:
            params[key] = value
    q = params.get("q", "")
    if q and looks_like_id_number(q):
        del params["q"]
        params["idh"] = blind_index(roster_values.compact(q).upper())
    return params.urlencode()


def masked_filters(params) -> dict:
    """Filters for an audit row: an ID number in them is masked (F10)."""
    out = {}
    for key, value in params.items():
        if key == "q" and looks_like_id_number(value):
            value = mask(roster_values.compact(value), 3, 4)
        out[key] = value
    return out
