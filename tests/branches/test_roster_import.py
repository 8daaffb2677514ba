"""Messy rosters, built here, imported as they are: what is right is stored, what is certain is
normalised, the rest is refused with the exact message. Every case reads back the stored rows."""

import datetime

import pytest

from branches import audit, services
from branches.crypto import blind_index
from branches.models import AuditEntry, Member, MemberEvent
from branches.register import excel
from branches.roster import values
from tests.branches.roster_files import NATIONAL, make_id, person, xls, xlsx

pytestmark = pytest.mark.django_db
D = datetime.date
ROUNDED = "Excel 已将身份证号按数字存储并丢失末位，请将该列设为文本后重新填写"


def _run(world, content, mode="create"):
    return excel.dry_run(world.unit_admin, content, mode=mode)


def _reasons(result):
    return {p.row: "；".join(p.reasons) for p in result.problems}


def _import(world, content, **kw):
    return excel.import_members(actor=world.unit_admin, content=content, **kw)


def _stored(name):
    return Member.objects.select_related("organization", "party_group").get(name=name)


@pytest.mark.parametrize("build", [xlsx, xls], ids=["xlsx", "xls"])
def test_a_national_export_with_title_and_footer_imports_and_reads_back(world, build):
    content = build([person(1), person(2, 民族="回族", 学历="大专")])
    result = _run(world, content)
    assert result.ok, _reasons(result)
    assert result.header_row == 3
    assert set(result.ignored) == {"序号", "备注"}
    assert ("所在党支部", "organization") in result.mapping and ("入党时间", "join_date") in result.mapping
    _import(world, content)
    one, two = _stored("党员001"), _stored("党员002")
    assert one.organization == world.branch_a1 and one.gender == "male" and two.gender == "female"
    assert one.join_date == D(2010, 7, 1) and one.full_date == D(2011, 7, 1)
    assert one.id_number == person(1)["公民身份证号码"] and one.phone == "13900000001"
    assert one.job_title == "甲局办公室科员" and one.category == "full"
    assert two.ethnicity == "回族" and two.education == "大学专科"
    assert Member.objects.filter(name__startswith="党员").count() == 2  # footer and 填报 rows are not people


@pytest.mark.parametrize(
    "typed",
    [
        lambda i: i.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")),  # full-width
        lambda i: i.lower(),
        lambda i: f" {i[:6]}\u3000{i[6:14]} {i[14:]} ",  # ideographic and stray spaces
    ],
    ids=["full-width", "lower-x", "spaces"],
)
def test_id_numbers_are_normalised_before_they_are_hashed(world, typed):
    real = make_id(D(1990, 3, 7), 5)  # ends in X
    assert real.endswith("X")
    content = xlsx([person(7, 公民身份证号码=typed(real), 出生日期="1990-03-07", 性别="男")])
    assert _run(world, content).ok
    _import(world, content)
    stored = _stored("党员007")
    assert stored.id_number == real and stored.id_number_hash == blind_index(real)


def test_the_same_person_typed_two_ways_is_one_person(world):
    real = make_id(D(1990, 3, 7), 5)
    other = real.lower()
    content = xlsx(
        [person(7, 公民身份证号码=real, 出生日期="1990-03-07"), person(9, 公民身份证号码=other, 出生日期="1990-03-07")]
    )
    reasons = _reasons(_run(world, content))
    assert list(reasons) == [5] and "4" in reasons[5]


def test_someone_already_registered_typed_full_width_is_not_registered_twice(world):
    real = make_id(D(1990, 3, 7), 5)
    services.create_member(
        actor=audit.SYSTEM, organization=world.branch_a1, name="已在册", category="full", id_number=real
    )
    wide = real.translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))
    result = _run(world, xlsx([person(7, 公民身份证号码=wide, 出生日期="1990-03-07")]))
    assert list(_reasons(result)) == [4]
    assert Member.objects.filter(id_number_hash=blind_index(real)).count() == 1


def test_stray_and_ideographic_spaces_in_names_are_removed(world):
    content = xlsx([person(1, 姓名="张\u3000三"), person(3, 姓名=" 李 四 ")])
    _import(world, content)
    assert Member.objects.filter(name__in=["张三", "李四"]).count() == 2


@pytest.mark.parametrize(
    "written, stored",
    [
        (D(2010, 7, 1), D(2010, 7, 1)),  # a real Excel date
        (40360, D(2010, 7, 1)),  # an Excel serial number
        ("40360", D(2010, 7, 1)),
        ("2010.07.01", D(2010, 7, 1)),
        ("2010/7/1", D(2010, 7, 1)),
        ("2010年7月1日", D(2010, 7, 1)),
        ("２０１０－０７－０１", D(2010, 7, 1)),
        ("20100701", D(2010, 7, 1)),
    ],
)
def test_dates_as_people_type_them(world, written, stored):
    _import(world, xlsx([person(1, 入党时间=written)]))
    assert _stored("党员001").join_date == stored


@pytest.mark.parametrize("written", ["2010.07", "2010年7月"])
def test_month_precision_is_the_first_of_the_month_with_a_note(world, written):
    content = xlsx([person(1, 入党时间=written, 转正时间="2011.07")])
    result = _run(world, content)
    assert result.ok and result.notes and "2010-07-01" in result.notes[0].notes[0]
    _import(world, content)
    assert _stored("党员001").join_date == D(2010, 7, 1)


def test_dates_in_xls_cells_are_read_as_dates(world):
    _import(world, xls([person(1, 入党时间=D(2010, 7, 1), 转正时间=D(2011, 7, 1))]))
    assert _stored("党员001").full_date == D(2011, 7, 1)


def test_a_date_that_is_not_one_is_refused_with_the_forms_it_accepts(world):
    reasons = _reasons(_run(world, xlsx([person(1, 入党时间="七月一日")])))
    assert "入党日期" in reasons[4] and "2019.07.01" in reasons[4]


@pytest.mark.parametrize("build", [xlsx, xls], ids=["xlsx", "xls"])
def test_an_id_number_rounded_by_excel_says_so_exactly(world, build):
    rounded = float(int(person(1)["公民身份证号码"][:15]) * 1000)
    reasons = _reasons(_run(world, build([person(1, 公民身份证号码=rounded)])))
    assert ROUNDED in reasons[4] and "校验" not in reasons[4]


def test_an_id_number_in_scientific_notation_says_so_exactly(world):
    assert ROUNDED in _reasons(_run(world, xlsx([person(1, 公民身份证号码="1.10105E+17")])))[4]


def test_a_wrong_check_digit_is_refused(world):
    good = person(1)["公民身份证号码"]
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert "校验" in _reasons(_run(world, xlsx([person(1, 公民身份证号码=bad)])))[4]


def test_gender_and_birth_date_must_agree_with_the_id_number(world):
    reasons = _reasons(_run(world, xlsx([person(1, 性别="女"), person(3, 出生日期="1970-01-01")])))
    assert "性别" in reasons[4] and "男" in reasons[4]
    assert "出生日期" in reasons[5] or "1970-01-01" in reasons[5]


def test_gender_and_birth_date_are_taken_from_the_id_number_when_empty(world):
    _import(world, xlsx([person(1, 性别="", 出生日期="")]))
    stored = _stored("党员001")
    assert stored.gender == "male" and stored.birth_date == D(1985, 2, 2)


def test_joining_before_eighteen_is_refused(world):
    assert "18" in _reasons(_run(world, xlsx([person(1, 入党时间="2001-07-01", 转正时间="2002-07-01")])))[4]


def test_a_date_in_the_future_is_refused(world):
    assert "2099" in _reasons(_run(world, xlsx([person(1, 转正时间="2099-07-01")])))[4]


def test_probationary_and_full_members_have_the_right_dates(world):
    rows = [
        person(1, 人员类别="预备党员"),  # a probationary member has no 转正日期
        person(3, 转正时间=""),  # a full member needs one
    ]
    reasons = _reasons(_run(world, xlsx(rows)))
    assert "转正日期" in reasons[4] and "转正日期" in reasons[5]


def test_the_category_is_inferred_from_the_dates_when_the_column_is_absent(world):
    headers = [h for h in NATIONAL if h != "人员类别"]
    _import(world, xlsx([person(1), person(3, 转正时间="")], headers=headers))
    assert _stored("党员001").category == "full" and _stored("党员003").category == "probationary"


def test_an_odd_probation_is_a_warning_to_confirm_not_a_silent_accept(world):
    content = xlsx([person(1, 转正时间="2011-10-01")])  # 15 months
    result = _run(world, content)
    assert result.ok and [r.row for r in result.warnings] == [4]
    with pytest.raises(Exception):  # noqa: B017 - the ValidationError names the rows to confirm
        _import(world, content)
    assert not Member.objects.filter(name="党员001").exists()
    _import(world, content, confirmed=True)
    assert _stored("党员001").full_date == D(2011, 10, 1)


def test_an_extended_probation_of_18_to_24_months_needs_no_confirmation(world):
    result = _run(world, xlsx([person(1, 转正时间="2012-01-01")]))  # 18 months
    assert result.ok and not result.warnings


@pytest.mark.parametrize(
    "written, stored", [("汉", "汉族"), ("维吾尔", "维吾尔族"), ("蒙古", "蒙古族"), ("外国血统", "外国血统"), ("", "")]
)
def test_ethnicity_short_forms_are_mapped(world, written, stored):
    _import(world, xlsx([person(1, 民族=written)]))
    assert _stored("党员001").ethnicity == stored
    assert not values.is_minority("汉族") and values.is_minority("回族")


def test_an_unknown_ethnicity_is_refused(world):
    assert "火星族" in _reasons(_run(world, xlsx([person(1, 民族="火星族")])))[4]


@pytest.mark.parametrize(
    "written, stored",
    [
        ("大学", "大学本科"),
        ("本科", "大学本科"),
        ("大专", "大学专科"),
        ("研究生", "硕士研究生"),
        ("硕士", "硕士研究生"),
    ],
)
def test_education_words_map_to_the_standard_levels(world, written, stored):
    _import(world, xlsx([person(1, 学历=written)]))
    assert _stored("党员001").education == stored


def test_education_that_cannot_be_mapped_is_listed(world):
    reasons = _reasons(_run(world, xlsx([person(1, 学历="自学成才")])))
    assert "自学成才" in reasons[4] and "大学本科" in reasons[4]


def test_a_party_group_in_the_organisation_column_becomes_the_members_group(world):
    _import(world, xlsx([person(1, 所在党支部="第一党小组")]))
    stored = _stored("党员001")
    assert stored.organization == world.branch_a1 and stored.party_group == world.group_a1


def test_the_organisation_must_be_a_branch(world):
    assert "党支部" in _reasons(_run(world, xlsx([person(1, 所在党支部="甲局机关党委")])))[4]


def test_a_person_registered_in_another_unit_is_refused_without_saying_where(world):
    real = person(1)["公民身份证号码"]
    services.create_member(
        actor=audit.SYSTEM, organization=world.branch_b1, name="他处", category="full", id_number=real
    )
    reason = _reasons(_run(world, xlsx([person(1)])))[4]
    assert "无法在此添加" in reason and "转接" in reason
    assert "乙局" not in reason and "他处" not in reason


def test_the_header_aliases_of_hand_made_rosters(world):
    headers = [
        "姓名",
        "身份证号",
        "党组织名称",
        "性别",
        "手机号码",
        "入党日期",
        "转正日期",
        "工作岗位",
        "文化程度",
        "政治面貌",
    ]
    row = person(1)
    data = {
        "身份证号": row["公民身份证号码"],
        "党组织名称": "甲局第一党支部",
        "手机号码": "139 0000 0001",
        "入党日期": "2010-07-01",
        "转正日期": "2011-07-01",
        "工作岗位": "科员",
        "文化程度": "大学",
        "政治面貌": "中共党员",
        "姓名": row["姓名"],
        "性别": "男",
    }
    result = _run(world, xlsx([data], headers=headers, title=False, footer=False))
    assert result.ok and result.header_row == 1 and result.ignored == ["政治面貌"]
    _import(world, xlsx([data], headers=headers, title=False, footer=False))
    stored = _stored("党员001")
    assert stored.phone == "13900000001" and stored.job_title == "科员" and stored.education == "大学本科"


def test_a_file_without_an_id_column_names_the_accepted_headers(world):
    from django.core.exceptions import ValidationError

    headers = [h for h in NATIONAL if h != "公民身份证号码"]
    with pytest.raises(ValidationError) as exc:
        _run(world, xlsx([person(1)], headers=headers))
    assert "公民身份号码" in str(exc.value) and "身份证号" in str(exc.value)


def test_a_csv_is_not_an_excel_file(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        _run(world, "姓名,身份证号\n".encode())
    assert ".xls" in str(exc.value)


def test_one_bad_row_among_good_ones_imports_nothing(world):
    content = xls([person(i) for i in range(1, 21)] + [person(23, 民族="火星族")])
    result = _run(world, content)
    assert [p.row for p in result.problems] == [24]
    with pytest.raises(Exception):  # noqa: B017
        _import(world, content)
    assert not Member.objects.filter(name__startswith="党员").exists()


# --- Update mode --------------------------------------------------------------------------


def test_an_updated_roster_applies_exactly_the_ticked_changes_audited_per_field(world):
    _import(world, xlsx([person(1), person(2), person(3)]))
    updated = [
        person(1, 工作单位及职务="甲局办公室副主任", 联系电话="13911112222"),
        person(2, 民族="回族"),
        person(5),
    ]  # 党员003 is missing from the file
    content = xlsx(updated)
    preview = _run(world, content, mode="update")
    assert preview.ok
    changes = {(c.member_name, c.field): c for c in preview.changes}
    assert set(changes) == {("党员001", "job_title"), ("党员001", "phone"), ("党员002", "ethnicity")}
    job = changes[("党员001", "job_title")]
    assert (job.old, job.new) == ("甲局办公室科员", "甲局办公室副主任")
    assert [r.name for r in preview.added] == ["党员005"]
    missing = [m.name for m in preview.missing]
    assert "党员003" in missing and "党员001" not in missing and "党员005" not in missing
    before = AuditEntry.objects.count()
    result = _import(world, content, mode="update", selected={job.key, f"add:{preview.added[0].row}"})
    assert result["changed"] == 1 and len(result["added"]) == 1
    one = _stored("党员001")
    assert one.job_title == "甲局办公室副主任" and one.phone == "13900000001"  # phone not ticked
    assert _stored("党员002").ethnicity == "汉族"
    assert Member.objects.filter(name="党员003").exists() and Member.objects.filter(name="党员005").exists()
    updates = AuditEntry.objects.filter(action="member.import.update")
    assert updates.count() == 1 and updates.get().before == {"job_title": "甲局办公室科员"}
    assert AuditEntry.objects.count() == before + 2  # one field update, one person added
    event = MemberEvent.objects.get(member=one, kind="imported")
    assert "甲局办公室科员 → 甲局办公室副主任" in event.detail


def test_an_update_that_fails_half_way_changes_nothing(world, monkeypatch):
    _import(world, xlsx([person(1), person(2)]))
    content = xlsx([person(1, 学历="硕士"), person(2, 学历="硕士")])
    keys = {c.key for c in _run(world, content, mode="update").changes}
    calls = {"n": 0}
    original = audit.record

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(audit, "record", failing)
    with pytest.raises(RuntimeError):
        _import(world, content, mode="update", selected=keys)
    assert set(Member.objects.filter(name__in=["党员001", "党员002"]).values_list("education", flat=True)) == {
        "大学本科"
    }


def test_an_empty_cell_never_clears_a_stored_value(world):
    _import(world, xlsx([person(1)]))
    preview = _run(world, xlsx([person(1, 联系电话="", 工作单位及职务="")]), mode="update")
    assert preview.changes == [] and preview.unchanged == 1


def test_export_then_reimport_round_trips(world, client_for):
    from io import BytesIO

    from openpyxl import load_workbook

    _import(world, xlsx([person(1, 所在党支部="第一党小组"), person(2)]))
    people = list(Member.objects.filter(name__startswith="党员").select_related("organization", "party_group", "unit"))
    content = excel.export_workbook(world.unit_admin, people, unmasked_ids={p.pk for p in people})
    headers = [c.value for c in load_workbook(BytesIO(content)).worksheets[0][1]]
    assert {"手机号码", "所在党小组", "职务", "工作单位"} <= set(headers)
    preview = _run(world, content, mode="update")
    assert preview.ok, _reasons(preview)
    assert preview.changes == [] and preview.unchanged == 2 and preview.added == []


def test_the_template_keeps_id_and_phone_as_text_with_drop_downs(world):
    from io import BytesIO

    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(excel.template_workbook(world.unit_admin)))
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    id_col = headers.index("公民身份号码*") + 1
    phone_col = headers.index("手机号码") + 1
    assert ws.cell(row=2, column=id_col).number_format == "@" and ws.cell(row=2, column=phone_col).number_format == "@"
    ranges = " ".join(str(dv.sqref) for dv in ws.data_validations.dataValidation)
    category_letter = ws.cell(row=1, column=headers.index("人员类别*") + 1).column_letter
    assert f"{category_letter}2" in ranges
    assert len(ws.data_validations.dataValidation) >= 5


def test_the_api_checks_and_applies_like_the_page(world, api_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = api_for(world.unit_admin)
    bad = client.post(
        "/api/v1/members/import/check/",
        {"file": SimpleUploadedFile("m.xlsx", xlsx([person(1, 民族="火星族")])), "mode": "create"},
        format="multipart",
    ).json()
    assert bad["upload"] is None and "火星族" in bad["rows"][0]["reasons"][0] and bad["header_row"] == 3
    good = client.post(
        "/api/v1/members/import/check/",
        {"file": SimpleUploadedFile("m.xlsx", xlsx([person(1), person(2)])), "mode": "create"},
        format="multipart",
    ).json()
    assert good["upload"] and good["added"] == [4, 5]
    other = api_for(world.other_admin).post("/api/v1/members/import/apply/", {"upload": good["upload"]}, format="json")
    assert other.status_code == 400 and not Member.objects.filter(name="党员001").exists()
    done = client.post("/api/v1/members/import/apply/", {"upload": good["upload"]}, format="json")
    assert done.json() == {"added": 2, "changed": 0}
    assert api_for(world.member).post("/api/v1/members/import/apply/", {"upload": good["upload"]}).status_code == 403


def test_the_dry_run_costs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    small = xlsx([person(i) for i in range(1, 4)])
    large = xlsx([person(i) for i in range(1, 120)])
    _import(world, xlsx([person(i) for i in range(200, 260)]))
    for content in (small, large):
        with django_assert_max_num_queries(6):
            _run(world, content, mode="update")


def test_a_date_before_the_party_existed_is_refused(world):
    assert "1921" in _reasons(_run(world, xlsx([person(1, 入党时间="1911-07-01", 转正时间="1912-07-01")])))[4]
