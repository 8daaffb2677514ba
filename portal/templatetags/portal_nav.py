"""``{% side_menu %}``: the side menu's HTML, rendered once per distinct menu and language.

The menu (``nav_sections``, from ``portal.context_processors.navigation``) is the same markup on every page
a person opens, up to which entry is active: rendering its 25-50 entries through the template engine cost
about a third of a simple page (≈ 12 ms). The HTML depends only on the language and, per section, its key,
whether it is open and each entry's URL name (``nav.py``'s ``url``, which fixes its label and icon), link,
active state and ``aria-current`` (section titles follow from the key), so it is kept per process under
exactly that key.
"""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.translation import get_language

register = template.Library()

_RENDERED: dict[tuple, str] = {}
# Distinct menus are few (a role's entries × the active entry); the bound only guards against a leak.
_LIMIT = 4096


def menu_key(sections) -> tuple:
    return (
        get_language(),
        tuple(
            (s["key"], s["open"], tuple((i["url"], i["href"], i["active"], i["current"]) for i in s["items"]))
            for s in sections
        ),
    )


@register.simple_tag(takes_context=True)
def side_menu(context) -> str:
    sections = context.get("nav_sections") or []
    key = menu_key(sections)
    html = _RENDERED.get(key)
    if html is None:
        if len(_RENDERED) >= _LIMIT:
            _RENDERED.clear()
        html = _RENDERED[key] = render_to_string("partials/_side_menu.html", {"nav_sections": sections})
    return html
