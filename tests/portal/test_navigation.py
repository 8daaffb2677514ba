"""The side menu in sections (portal/navigation.py) and the page shell's accessibility hooks (templates/base.html)."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.contrib.staticfiles import finders
from django.urls import reverse

from portal import navigation
from portal.navigation import FOLD_FROM, SECTION_KEYS, all_items, sections_for

pytestmark = pytest.mark.django_db


def test_every_entry_names_a_section_and_a_section_it_knows():
    items = all_items()
    assert items and all(i["section"] in SECTION_KEYS for i in items)
    assert {i["section"] for i in items} == set(SECTION_KEYS)  # no heading without entries


def test_an_entry_without_a_known_section_is_refused(monkeypatch):
    from importlib import import_module

    real = import_module

    class Bad:
        NAV_ITEMS = [{"label": "x", "url": "home", "icon": "x", "always": True, "section": "nowhere"}]

    monkeypatch.setattr(navigation, "_ITEMS", None)
    monkeypatch.setattr(navigation, "import_module", lambda name: Bad if name == "portal.nav" else real(name))
    with pytest.raises(ValueError, match="section"):
        all_items()


def test_committee_menu_is_sectioned_in_order_and_folds_all_but_the_current_section(world):
    sections = sections_for(world.committee, "/meetings/")
    keys = [s["key"] for s in sections]
    assert keys == [k for k in SECTION_KEYS if k in keys]
    assert {"workbench", "organisation", "meetings", "study", "supervision", "notices"} <= set(keys)
    assert sum(len(s["items"]) for s in sections) >= FOLD_FROM
    meetings = next(s for s in sections if s["key"] == "meetings")
    assert meetings["active"] and meetings["open"]
    assert [i["current"] for i in meetings["items"] if i["active"]] == ["page"]
    assert [s["key"] for s in sections if s["open"]] == ["meetings"]
    # A page under an entry marks the entry as the current location, not as the page itself.
    sub = next(s for s in sections_for(world.committee, "/meetings/compliance/x/") if s["key"] == "meetings")
    assert [(str(i["label"]), i["current"]) for i in sub["items"] if i["active"]] == [("组织生活达标", "true")]
    # Nothing current: the workbench stays open.
    assert [s["key"] for s in sections_for(world.committee, "/elsewhere/") if s["open"]] == ["workbench"]


def test_a_short_menu_stays_open_and_shows_only_the_members_sections(world):
    sections = sections_for(world.member, "/training/my/")
    assert sum(len(s["items"]) for s in sections) < FOLD_FROM
    assert all(s["open"] for s in sections)
    assert "admin" not in [s["key"] for s in sections]
    labels = [str(i["label"]) for s in sections for i in s["items"]]
    assert "我的学习" in labels and "党员管理" not in labels


def test_administration_entries_follow_django_permissions(world):
    user = world.users["nobody"]
    assert "admin" not in [s["key"] for s in sections_for(user, "/")]
    user.user_permissions.add(Permission.objects.get(codename="view_audit_log", content_type__app_label="portal"))
    user = type(user).objects.get(pk=user.pk)  # a fresh permission cache
    admin = next(s for s in sections_for(user, "/") if s["key"] == "admin")
    assert [i["href"] for i in admin["items"]] == [reverse("audit-list")]


def test_the_page_shell_has_a_skip_link_landmarks_headings_and_current_entry(world, client_for):
    html = client_for(world.secretary).get(reverse("meetings:meeting_list")).content.decode()
    assert re.search(r'<a class="visually-hidden-focusable skip-link" href="#main"[^>]*>跳到主要内容</a>', html)
    assert '<main class="col-lg-10 py-3 px-3 px-lg-4" id="main" tabindex="-1">' in html
    assert "<header " in html and 'aria-label="主导航"' in html
    toggle = r'<h2 class="nav-section-heading"[^>]*>\s*<button [^>]*aria-expanded="true"[^>]*>组织生活</button>'
    assert re.search(toggle, html)
    current = re.findall(r'<a class="nav-link active" href="([^"]+)" aria-current="page">', html)
    assert current == [reverse("meetings:meeting_list")]
    assert 'rel="icon"' in html and "portal/favicon.svg" in html


def test_favicon_is_served_locally_even_before_login(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("portal/favicon.svg")
    assert finders.find("portal/favicon.svg")


def test_the_menu_html_is_rendered_once_per_distinct_menu_and_language(world, client_for, monkeypatch):
    """``{% side_menu %}`` keeps each distinct menu's HTML: the same menu again is not rendered again; another
    active entry, another person's entries or another language is, and shows its own state."""
    from django.utils import translation

    from portal.templatetags import portal_nav

    monkeypatch.setattr(portal_nav, "_RENDERED", {})
    rendered = []
    real = portal_nav.render_to_string
    monkeypatch.setattr(portal_nav, "render_to_string", lambda *a, **kw: rendered.append(a) or real(*a, **kw))
    committee = client_for(world.committee)

    def current(page):
        return re.findall(r'href="([^"]+)" aria-current="page"', page.content.decode())

    assert current(committee.get("/meetings/")) == ["/meetings/"]
    assert current(committee.get("/meetings/")) == ["/meetings/"] and len(rendered) == 1
    assert current(committee.get("/orgs/")) == ["/orgs/"] and len(rendered) == 2
    client_for(world.member).get("/notifications/")  # another person's entries: their own menu
    assert len(rendered) == 3
    with translation.override("en"):
        assert len(portal_nav._RENDERED) == 3
        html = portal_nav.side_menu({"nav_sections": sections_for(world.committee, "/orgs/")})
    assert (
        len(rendered) == 4
        and html != portal_nav._RENDERED[portal_nav.menu_key(sections_for(world.committee, "/orgs/"))]
    )


def test_two_entries_on_one_page_are_two_menus(world):
    """The kept menu is keyed on each entry's definition (its URL name), not only its link: were a second
    entry ever to point at the same page with its own label, it would not be served the first one's HTML."""
    from portal.templatetags import portal_nav

    sections = sections_for(world.committee, "/orgs/")
    renamed = [{**s, "items": [{**i, "url": f"{i['url']}-other"} for i in s["items"]]} for s in sections]
    assert portal_nav.menu_key(renamed) != portal_nav.menu_key(sections)
