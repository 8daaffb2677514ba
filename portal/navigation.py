"""The side navigation: each app lists its entries in ``<app>/nav.py`` as ``NAV_ITEMS``.

An entry is a dict: ``label`` (lazy translation), ``url`` (URL name), ``icon``
(bootstrap-icons name), ``permission`` (a code from ``branches.roles``; the entry
shows only to users holding it somewhere) or ``always`` for every signed-in user,
and ``order``.
"""

from importlib import import_module

from django.apps import apps
from django.urls import NoReverseMatch, reverse

from branches.access import has_permission

_ITEMS: list[dict] | None = None


def all_items() -> list[dict]:
    global _ITEMS
    if _ITEMS is None:
        items = []
        for config in apps.get_app_configs():
            try:
                module = import_module(f"{config.name}.nav")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.nav":
                    raise
                continue
            items.extend(getattr(module, "NAV_ITEMS", []))
        _ITEMS = sorted(items, key=lambda i: i.get("order", 100))
    return _ITEMS


def items_for(user, path: str) -> list[dict]:
    visible = []
    for item in all_items():
        if not item.get("always") and not has_permission(user, item["permission"]):
            continue
        try:
            url = reverse(item["url"])
        except NoReverseMatch:
            continue
        active = path == url if url == "/" else path.startswith(url)
        visible.append({**item, "href": url, "active": active})
    # Nested URLs (/orgs/ and /orgs/members/): only the most specific match is active.
    longest = max((len(i["href"]) for i in visible if i["active"]), default=0)
    for i in visible:
        i["active"] = i["active"] and len(i["href"]) == longest
    return visible
