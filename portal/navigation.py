"""The side navigation: each app lists its entries in ``<app>/nav.py`` as ``NAV_ITEMS``.

An entry is a dict: ``label`` (lazy translation), ``url`` (URL name), ``icon``
(bootstrap-icons name), ``section`` (a key of ``SECTIONS``), ``permission`` (a code
from ``branches.roles``; the entry shows only to users holding it somewhere), or
``django_perm`` (a Django permission such as ``portal.view_audit_log``), or ``always``
for every signed-in user, and ``order`` (within its section). An optional ``check``
(``callable(user) -> bool``) is asked after the permission, for entries that depend on rule data.

The menu shows the sections in ``SECTIONS`` order, each with a heading and only the
entries the user may open; a section with none is left out. On a phone each section
folds; the one holding the current page starts open (``sections_for``).
"""

from importlib import import_module

from django.apps import apps
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.translation import pgettext_lazy

from branches.access import has_permission

# (key, heading): the menu's sections, in the order shown.
SECTIONS = [
    ("workbench", pgettext_lazy("nav section", "Workbench")),
    ("organisation", pgettext_lazy("nav section", "Organisation")),
    ("meetings", pgettext_lazy("nav section", "Organisational life")),
    ("study", pgettext_lazy("nav section", "Study")),
    ("supervision", pgettext_lazy("nav section", "Assessment and supervision")),
    ("notices", pgettext_lazy("nav section", "Notices and reporting")),
    ("practice", pgettext_lazy("nav section", "Practice")),
    ("dues", pgettext_lazy("nav section", "Party dues")),
    ("admin", pgettext_lazy("nav section", "Administration")),
]
SECTION_KEYS = [key for key, _label in SECTIONS]
# With this few entries a person's whole menu stays open on a phone: folding would only add taps.
FOLD_FROM = 14

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
        unknown = [str(i["label"]) for i in items if i.get("section") not in SECTION_KEYS]
        if unknown:
            raise ValueError(f"nav entries without a known section: {unknown}")
        _ITEMS = sorted(items, key=lambda i: (SECTION_KEYS.index(i["section"]), i.get("order", 100)))
    return _ITEMS


_HREFS: dict[tuple[str, str], str | None] = {}


def _href(name: str) -> str | None:
    """The entry's URL: the URLconf does not change while the process runs, so each name is reversed once
    per script prefix (the menu has up to 50 entries on every page)."""
    key = (get_script_prefix(), name)
    if key not in _HREFS:
        try:
            _HREFS[key] = reverse(name)
        except NoReverseMatch:
            _HREFS[key] = None
    return _HREFS[key]


def _allowed(user, item) -> bool:
    if item.get("always"):
        return True
    if "django_perm" in item:
        return user.has_perm(item["django_perm"])
    if not has_permission(user, item["permission"]):
        return False
    check = item.get("check")
    return check is None or bool(check(user))


def items_for(user, path: str) -> list[dict]:
    visible = []
    for item in all_items():
        if not _allowed(user, item):
            continue
        url = _href(item["url"])
        if url is None:
            continue
        active = path == url if url == "/" else path.startswith(url)
        visible.append({**item, "href": url, "active": active})
    # Nested URLs (/orgs/ and /orgs/members/): only the most specific match is active.
    longest = max((len(i["href"]) for i in visible if i["active"]), default=0)
    for i in visible:
        i["active"] = i["active"] and len(i["href"]) == longest
        # aria-current: "page" on the page itself, "true" on the entry whose sub-page this is.
        i["current"] = ("page" if path == i["href"] else "true") if i["active"] else ""
    return visible


def sections_for(user, path: str) -> list[dict]:
    """The user's menu: ``[{"key", "label", "items", "active", "open"}]``, empty sections left out."""
    items = items_for(user, path)
    fold = len(items) >= FOLD_FROM
    sections = []
    for key, label in SECTIONS:
        entries = [i for i in items if i["section"] == key]
        if not entries:
            continue
        active = any(i["active"] for i in entries)
        sections.append({"key": key, "label": label, "items": entries, "active": active, "open": active})
    if sections and (not fold or not any(s["active"] for s in sections)):
        sections[0]["open"] = True
    for s in sections:
        s["open"] = s["open"] or not fold
    return sections
