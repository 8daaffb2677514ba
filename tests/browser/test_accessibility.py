"""Accessibility (GB/T 37668-2019, WCAG 2.1 AA): axe-core over every page each persona's navigation reaches.

axe-core is the npm package (``node_modules/axe-core``), evaluated in the page by Playwright: nothing comes from
a network. One browser and one signed-in context per persona and width; every page from the side menu and the
user menu is checked at desktop width (1366) and on a phone (390×844), each URL once per width, and one detail
page per URL pattern linked from those pages (details, forms, filtered lists). Any serious or critical violation
fails the test, and so does a same-origin request answering 4xx/5xx (a missing favicon) or an error in the console.
"""

import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import log_in
from tests.scoping import SAMPLES

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PERSONAS = ("committee", "unit_admin", "secretary", "inspector", "member")
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
BLOCKING = ("serious", "critical")
# Links the crawl must not follow: they change state, download a file or leave the session.
SKIP = re.compile(r"logout|export|download|/file|\.xlsx|\.docx|\.pdf|print|/qr|attachment|/admin/|/api/|\?format=")
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => ["serious", "critical"].includes(v.impact)).map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + (n.failureSummary || "").split("\\n")[1]),
    count: v.nodes.length,
  }));
}"""


def _build_samples(world):
    """One record of every scoped kind inside the secretary's branch, so lists and details show rows."""
    for s in SAMPLES.values():
        s.builder(world)


class Crawl:
    def __init__(self, live_server, axe_source):
        self.base = live_server.url
        self.axe = axe_source
        self.problems: list[str] = []
        self.checked: list[str] = []
        self.timings: list[tuple[float, str]] = []

    def watch(self, page, label):
        def on_response(response):
            if response.url.startswith(self.base) and response.status >= 400:
                self.problems.append(f"{label}: {response.status} for {response.url[len(self.base) :]}")

        def on_console(message):
            if message.type == "error":
                self.problems.append(f"{label}: console error on {page.url[len(self.base) :]}: {message.text}")

        page.on("response", on_response)
        page.on("console", on_console)

    def check(self, page, path, label):
        started = time.monotonic()
        response = page.goto(self.base + path)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            return False
        for v in page.evaluate(AXE_RUN):
            nodes = "; ".join(v["nodes"])
            self.problems.append(f"{label} {path}: {v['impact']} {v['id']} ({v['help']}) ×{v['count']}: {nodes}")
        self.checked.append(f"{label} {path}")
        self.timings.append((time.monotonic() - started, f"{label} {path}"))
        return True


def _nav_paths(page):
    hrefs = page.eval_on_selector_all(
        "[data-testid=sidenav] a[href], [data-testid=user-menu-items] a[href]",
        "els => els.map(e => e.getAttribute('href'))",
    )
    return list(dict.fromkeys(h for h in hrefs if h.startswith("/") and not SKIP.search(h)))


def _detail_links(page):
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
    return [h for h in hrefs if h.startswith("/") and not SKIP.search(h)]


def _pattern(path):
    from django.urls import Resolver404, resolve

    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (npm ci)")
def test_no_serious_accessibility_violations_on_any_navigable_page(world, browser, live_server):
    _build_samples(world)
    crawl = Crawl(live_server, AXE.read_text(encoding="utf-8"))
    # Each URL once per width (the first persona whose menu reaches it), each persona's landing page at both widths,
    # and one detail page per URL pattern: the same template under another persona adds time, not findings.
    done = {"1366": set(), "390": set()}
    patterns_done: set[str] = set()
    for persona in PERSONAS:
        username = world.users[persona].username
        desktop = browser.new_context(viewport=DESKTOP, locale="zh-CN")
        desktop.add_init_script(crawl.axe)  # evaluated in every page by Playwright, so the CSP does not apply
        page = desktop.new_page()
        page.set_default_timeout(15000)
        log_in(page, live_server, username)
        crawl.watch(page, f"{persona}@1366")
        paths = _nav_paths(page)
        assert len(paths) > 3, f"{persona} has almost no navigation: {paths}"
        patterns_done.update(_pattern(path) for path in paths)
        details = []
        for path in ["/", *paths]:
            if path != "/" and path in done["1366"]:
                continue
            done["1366"].add(path)
            if not crawl.check(page, path, f"{persona}@1366"):
                continue
            for link in _detail_links(page):
                name = _pattern(link)
                if name and name not in patterns_done:
                    patterns_done.add(name)
                    details.append(link)
        for path in details:
            crawl.check(page, path, f"{persona}@1366")
        phone = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN", storage_state=desktop.storage_state()
        )
        desktop.close()
        phone.add_init_script(crawl.axe)
        page = phone.new_page()
        page.set_default_timeout(15000)
        crawl.watch(page, f"{persona}@390")
        for path in ["/", *paths]:
            if path == "/" or path not in done["390"]:
                done["390"].add(path)
                crawl.check(page, path, f"{persona}@390")
        phone.close()
    slowest = sorted(crawl.timings, reverse=True)[:5]
    print(f"axe-core: {len(crawl.checked)} pages in {sum(t for t, _ in crawl.timings):.0f} s; slowest {slowest}")
    assert len(crawl.checked) > 80, crawl.checked
    assert patterns_done, "no detail page was reached from the menus"
    assert not crawl.problems, f"{len(crawl.problems)} problems:\n" + "\n".join(crawl.problems)


def _tab_to(page, selector, limit=60):
    """Press Tab until ``selector`` has the focus (fails after ``limit`` presses): what a keyboard user does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} is not reachable with Tab")


def test_keyboard_alone_reaches_the_content_the_menu_sections_and_the_user_menu(world, browser, live_server):
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    page = phone.new_page()
    page.set_default_timeout(15000)
    log_in(page, live_server, "secretary")
    page.goto(f"{live_server.url}/meetings/")
    # The first Tab lands on the skip link, shown while focused; Enter moves the focus to the main content.
    page.keyboard.press("Tab")
    skip = page.get_by_test_id("skip-link")
    assert page.evaluate("document.activeElement.dataset.testid") == "skip-link"
    assert skip.inner_text() == "跳到主要内容" and skip.bounding_box()["width"] > 20
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The menu button opens the menu; sections fold, the current one is open with its entry marked current.
    page.goto(f"{live_server.url}/meetings/")
    _tab_to(page, "[aria-controls=sidenav]")
    ring = page.evaluate("(s => [s.outlineStyle, s.boxShadow])(getComputedStyle(document.activeElement))")
    assert ring != ["none", "none"], "keyboard focus must be visible"
    page.keyboard.press("Enter")
    nav = page.get_by_test_id("sidenav")
    nav.wait_for(state="visible")
    current = nav.locator("[aria-current=page]")
    assert current.inner_text().strip() == "组织生活" and current.is_visible()
    study = nav.get_by_role("button", name="学习")
    assert study.get_attribute("aria-expanded") == "false"
    assert not nav.get_by_role("link", name="我的学习").is_visible()
    _tab_to(page, "#nav-h-study button")
    page.keyboard.press("Enter")
    nav.get_by_role("link", name="我的学习").wait_for(state="visible")
    assert study.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "我的学习"
    with page.expect_navigation(timeout=60000):
        page.keyboard.press("Enter")
    assert page.url.endswith("/training/my/")
    assert page.get_by_test_id("sidenav").locator("[aria-current=page]").text_content().strip() == "我的学习"
    phone.close()
    # On a desktop every section is open under its heading, and the user menu opens and is walked with the keys.
    desktop = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = desktop.new_page()
    page.set_default_timeout(15000)
    log_in(page, live_server, "secretary")
    page.goto(f"{live_server.url}/meetings/")
    headings = page.locator("[data-testid=sidenav] h2").all_inner_texts()
    assert [h.strip() for h in headings][:3] == ["工作台", "组织", "组织生活"]
    assert page.get_by_test_id("sidenav").get_by_role("link", name="我的学习").is_visible()
    _tab_to(page, "[data-testid=user-menu]")
    page.keyboard.press("Enter")
    page.get_by_test_id("user-menu-items").wait_for(state="visible")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.classList.contains('dropdown-item')")
    page.keyboard.press("Escape")
    assert not page.get_by_test_id("user-menu-items").is_visible()
    desktop.close()
