import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_secretary_logs_in_and_sees_their_branch_not_a_siblings(world, login, live_server):
    page = login("secretary")
    assert page.url.endswith("/dashboard/todo/")  # secretaries land on 我的待办 with their branch summary (issue 23)
    page.goto(f"{live_server.url}/orgs/{world.branch_a1.pk}/")
    assert page.get_by_test_id("org-name").inner_text() == "甲局第一党支部"
    assert "第一党小组" in page.get_by_test_id("org-children").inner_text()
    response = page.goto(f"{live_server.url}/orgs/{world.branch_a2.pk}/")
    assert response.status == 404
    page.goto(f"{live_server.url}/orgs/")
    tree = page.get_by_test_id("org-tree").inner_text()
    assert "甲局第一党支部" in tree and "甲局第二党支部" not in tree


def test_committee_logs_in_and_browses_the_tree(world, login, live_server):
    page = login("committee")
    page.goto(f"{live_server.url}/orgs/")  # the committee lands on its dashboard; the tree is one click away
    tree = page.get_by_test_id("org-tree")
    assert "乙局机关党委" in tree.inner_text()
    page.get_by_role("link", name="甲局机关党委").click()
    assert page.get_by_test_id("org-name").inner_text() == "甲局机关党委"
    page.get_by_test_id("org-children").get_by_text("甲局第二党支部").click()
    assert page.get_by_test_id("org-name").inner_text() == "甲局第二党支部"
    assert "甲局机关党委" in page.get_by_test_id("breadcrumbs").inner_text()


def test_wrong_password_says_so_in_chinese(world, login):
    page = login("secretary", "wrong-password")
    assert page.get_by_test_id("login-error").is_visible()


def test_pages_fit_a_phone(world, browser, live_server):
    from tests.world import PASSWORD

    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "secretary")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400
    page.get_by_role("button", name="菜单").click()
    assert page.get_by_test_id("sidenav").is_visible()
    context.close()
