"""Journeys of the register: a secretary adds a member and records the committee; a unit admin imports."""

import pytest

from branches import idnumbers
from branches.models import CommitteeSeat, Member
from tests.branches.register_helpers import good_row, workbook

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = "/tmp/shots-register"


def test_secretary_adds_a_member_and_records_the_committee(world, login, live_server):
    page = login("secretary")
    page.get_by_role("link", name="党员管理").click()
    page.get_by_test_id("member-add").click()
    page.fill("#id_name", "赵新")
    page.fill("#id_id_number", "110105198001011234")  # wrong check digit
    page.select_option("#id_category", "full")
    page.get_by_test_id("member-form").locator("button[type=submit]").click()
    assert "校验码" in page.get_by_test_id("member-form").inner_text()
    page.fill("#id_id_number", idnumbers.make("11010519800101123"))
    page.get_by_test_id("member-form").locator("button[type=submit]").click()
    assert page.get_by_test_id("member-name").inner_text() == "赵新"
    assert "录入名册" in page.get_by_test_id("member-history").inner_text()
    page.goto(f"{live_server.url}/orgs/{world.branch_a1.pk}/terms/")
    page.fill("#id_start", "2025-03-01")
    page.fill("#id_expected_voters", "12")
    page.fill("#id_present_voters", "11")
    page.get_by_test_id("term-form").get_by_role("button").click()
    page.get_by_text("添加委员").click()
    page.get_by_test_id("seat-form").locator("#id_member").select_option(label="赵新")
    page.get_by_test_id("seat-form").locator("#id_position").select_option(label="书记")
    page.get_by_test_id("seat-form").locator("#id_votes").fill("11")
    page.get_by_test_id("seat-form").get_by_role("button").click()
    committee = page.get_by_test_id("committee").inner_text()
    assert "书记" in committee and "赵新" in committee
    assert "2028-03-01" in page.get_by_test_id("current-term").inner_text()
    page.screenshot(path=f"{SHOTS}/terms-desktop.png", full_page=True)
    assert CommitteeSeat.objects.filter(member__name="赵新", position__code="secretary").exists()


def test_unit_admin_imports_a_file_with_two_bad_rows_then_the_fixed_file(world, login, live_server, tmp_path):
    page = login("unit_admin")
    page.goto(f"{live_server.url}/orgs/members/import/")
    rows = [good_row(i) for i in range(6)]
    rows[2]["join_date"] = "2010-02-30"
    rows[4]["organization"] = "丙局党支部"
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook(rows))
    page.set_input_files("#id_file", str(bad))
    page.get_by_test_id("import-form").locator("button[type=submit]").click()
    errors = page.get_by_test_id("import-error-row")
    assert errors.count() == 2
    text = page.get_by_test_id("import-errors").inner_text()
    assert "入党日期" in text and "丙局党支部" in text
    page.screenshot(path=f"{SHOTS}/import-errors-desktop.png", full_page=True)
    rows[2]["join_date"] = "2010-02-28"
    rows[2]["full_date"] = "2011-02-28"  # one year on: no probation warning to confirm
    rows[4]["organization"] = "甲局第二党支部"
    fixed = tmp_path / "fixed.xlsx"
    fixed.write_bytes(workbook(rows))
    page.set_input_files("#id_file", str(fixed))
    page.get_by_test_id("import-form").locator("button[type=submit]").click()
    page.get_by_test_id("import-apply").click()
    page.wait_for_load_state("networkidle")
    assert "已导入 6 人" in page.content()
    assert Member.objects.filter(name__startswith="导入").count() == 6
    page.screenshot(path=f"{SHOTS}/members-desktop.png", full_page=True)


def test_register_pages_fit_a_phone(world, browser, live_server):
    from tests.world import PASSWORD

    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "secretary")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    for name, path in [
        ("members", "/orgs/members/"),
        ("member", f"/orgs/members/{world.members['member'].pk}/"),
        ("transfer-form", f"/orgs/members/{world.members['member'].pk}/transfer/"),
        ("terms", f"/orgs/{world.branch_a1.pk}/terms/"),
        ("development", "/orgs/development/"),
        ("transfers", "/orgs/transfers/?box=all"),
        ("import", "/orgs/members/import/"),
    ]:
        page.goto(f"{live_server.url}{path}")
        page.screenshot(path=f"{SHOTS}/{name}-phone.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 400, name
    context.close()


def test_secretary_shows_a_full_id_number_and_it_is_audited(world, login, live_server):
    from branches import audit, services
    from branches.models import AuditEntry

    number = idnumbers.make("11010519900307123")
    services.update_member(actor=audit.SYSTEM, member=world.members["member"], id_number=number)
    page = login("secretary")
    page.goto(f"{live_server.url}/orgs/members/{world.members['member'].pk}/")
    assert number not in page.get_by_test_id("id-number").inner_text()
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("unmask").click()
    page.get_by_text(number).first.wait_for()  # locator waits: no eval, so CSP stays strict
    assert AuditEntry.objects.filter(action="member.unmask.id_number", actor=world.secretary).exists()


def test_unit_admin_imports_a_national_export_fixes_two_rows_and_updates_it(world, login, live_server, tmp_path):
    from tests.branches.roster_files import person, xls, xlsx

    page = login("unit_admin")
    page.goto(f"{live_server.url}/orgs/members/import/")
    people = [person(i) for i in range(1, 6)]
    good_ids = [p["公民身份证号码"] for p in people]
    people[1]["公民身份证号码"] = float(int(good_ids[1][:15]) * 1000)  # Excel rounded it
    people[3]["性别"] = "女" if people[3]["性别"] == "男" else "男"
    first = tmp_path / "national.xls"
    first.write_bytes(xls(people))
    page.set_input_files("#id_file", str(first))
    page.get_by_test_id("import-check").click()
    mapping = page.get_by_test_id("import-mapping").inner_text()
    assert "第 3 行" in mapping and "所在党支部" in mapping and "入党时间" in mapping
    assert "序号" in page.get_by_test_id("import-ignored").inner_text()
    errors = page.get_by_test_id("import-errors").inner_text()
    assert "Excel 已将身份证号按数字存储并丢失末位" in errors and "性别" in errors
    assert page.get_by_test_id("import-error-row").count() == 2
    page.screenshot(path=f"{SHOTS}/import-national-errors.png", full_page=True)
    people[1]["公民身份证号码"] = good_ids[1]
    people[3]["性别"] = person(4)["性别"]
    fixed = tmp_path / "fixed.xls"
    fixed.write_bytes(xls(people))
    page.set_input_files("#id_file", str(fixed))
    page.get_by_test_id("import-check").click()
    page.get_by_test_id("import-apply").click()
    page.wait_for_load_state("networkidle")
    assert "已导入 5 人" in page.content()
    assert Member.objects.filter(name__startswith="党员").count() == 5

    page.goto(f"{live_server.url}/orgs/members/import/")
    people[0]["工作单位及职务"] = "甲局办公室副主任"
    people[2]["民族"] = "回族"
    updated = tmp_path / "updated.xlsx"
    updated.write_bytes(xlsx(people))
    page.set_input_files("#id_file", str(updated))
    page.get_by_label("更新：新增人员并修改已在册人员").check()
    page.get_by_test_id("import-check").click()
    diff = page.get_by_test_id("import-diff").inner_text()
    assert "甲局办公室科员" in diff and "甲局办公室副主任" in diff and "回族" in diff
    page.get_by_label("应用 党员003 民族").uncheck()
    page.screenshot(path=f"{SHOTS}/import-update-diff.png", full_page=True)
    page.get_by_test_id("import-apply").click()
    page.wait_for_load_state("networkidle")
    assert "应用 1 项修改" in page.content()
    one = Member.objects.get(name="党员001")
    assert one.job_title == "甲局办公室副主任" and Member.objects.get(name="党员003").ethnicity == "汉族"
    page.goto(f"{live_server.url}/orgs/members/{one.pk}/")
    history = page.get_by_test_id("member-history").inner_text()
    assert "名册导入更新" in history and "甲局办公室副主任" in history


def test_secretary_opens_the_transfer_form_from_a_members_page_and_issues_the_letter(world, login, live_server):
    """The form lists the whole tree, so the member's page fetches it when it is opened (htmx)."""
    from branches.models import Transfer

    page = login("secretary")
    page.goto(f"{live_server.url}/orgs/members/{world.members['member'].pk}/")
    assert page.locator("#id_to_org").count() == 0
    page.get_by_test_id("transfer-details").locator("summary").click()
    form = page.get_by_test_id("transfer-form")
    form.locator("#id_to_org").select_option(str(world.branch_b1.pk))
    page.screenshot(path=f"{SHOTS}/transfer-form-desktop.png", full_page=True)
    form.get_by_role("button").click()
    assert "member-党员" in page.get_by_test_id("transfer-title").inner_text()
    assert Transfer.objects.get().to_org == world.branch_b1
