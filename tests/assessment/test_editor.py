"""The indicator editor (a form per scoring method, no raw JSON) and the grades / dimensions / quota editor."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assessment import scoring, services
from assessment.models import GradeThreshold, Indicator, IndicatorSystem, Method, SystemStatus
from branches.models import AuditEntry
from tests.assessment.factories import TEST_METRIC, make_system, registered_metric

pytestmark = pytest.mark.django_db

ROW_FIELDS = {"levels": ("name", "points"), "items": ("text",), "table": ("low", "high", "points")}


@pytest.fixture
def draft(world):
    with registered_metric(TEST_METRIC, {}):
        yield make_system(publish=False)


def _post(system, *, method="scale", levels=(), items=(), table=(), initial=None, **over):
    """What the editor page posts: the indicator, every method's fields, three formsets with blank rows."""
    data = {
        "dimension": system.dimensions.first().pk,
        "code": "P9",
        "name": "新增指标",
        "max_score": "6",
        "method": method,
        "guidance": "",
        "required_evidence": "",
        "order": "9",
        "points_per_item": "",
        "per_occurrence": "",
        "per_item": "",
        "condition": "",
        "metric": "",
    }
    for prefix, rows in (("levels", levels), ("items", items), ("table", table)):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows) + 2)  # the page's blank rows come along empty
        data[f"{prefix}-INITIAL_FORMS"] = str((initial or {}).get(prefix, 0))
        for i, row in enumerate(rows):
            for field, value in zip(ROW_FIELDS[prefix], row, strict=False):
                data[f"{prefix}-{i}-{field}"] = value
    data.update(over)
    return data


def _add(client, system, **kw):
    return client.post(f"/assessment/systems/{system.pk}/indicators/new/", _post(system, **kw))


def _new(system):
    return Indicator.objects.filter(dimension__system=system, code="P9").first()


# ---------------------------------------------------------------- every method through the form


def test_committee_adds_a_scale_from_rows_and_scoring_reads_the_same_structure(world, draft, client_for):
    response = _add(client_for(world.committee), draft, levels=[("好", "6"), ("一般", "3.5"), ("差", "0")])
    assert response.status_code == 302
    indicator = _new(draft)
    assert indicator.config == {
        "levels": [{"name": "好", "points": 6}, {"name": "一般", "points": 3.5}, {"name": "差", "points": 0}]
    }
    assert scoring.score(indicator, {"level": "一般"}) == Decimal("3.5")
    entry = AuditEntry.objects.get(action="assessment.indicator_added", object_id=str(indicator.pk))
    assert entry.actor == world.committee and entry.after["config"] == indicator.config


@pytest.mark.parametrize(
    ("levels", "says"),
    [
        ([("好", "8"), ("差", "0")], "超过了满分"),
        ([("好", "6"), ("", "3")], "每个档次都需要名称"),
        ([("好", "6"), ("好", "3")], "档次名称不能重复"),
        ([("好", "5"), ("差", "0")], "没有任何档次能得满分"),
        ([("好", "6")], "量表至少需要两个档次"),
        ([("好", "6"), ("差", "-1")], "分值不能为负数"),
    ],
)
def test_bad_scale_levels_are_refused_in_chinese_and_nothing_is_saved(world, draft, client_for, levels, says):
    response = _add(client_for(world.committee), draft, levels=levels)
    assert response.status_code == 400
    assert says in response.content.decode()
    assert _new(draft) is None


def test_a_checklist_stores_items_and_points_and_is_capped_at_the_max(world, draft, client_for):
    items = [("按期换届",), ("分工明确",), ("述职评议",), ("谈心谈话",)]
    response = _add(client_for(world.committee), draft, method="checklist", items=items, points_per_item="2")
    assert response.status_code == 302
    indicator = _new(draft)
    assert indicator.config == {"items": ["按期换届", "分工明确", "述职评议", "谈心谈话"], "points_per_item": 2}
    assert scoring.score(indicator, {"checked": [0, 1, 2, 3]}) == Decimal("6")  # 8 capped at the max 6


@pytest.mark.parametrize(
    ("items", "per_item", "says"),
    [
        ([("甲",), ("乙",)], "7", "超过了封顶分值"),
        ([("甲",), ("乙",)], "2", "勾选全部 2 项只得 4 分"),
        ([("甲",), ("甲",)], "3", "检查项不能重复"),
        ([], "3", "检查清单至少需要一项"),
        ([("甲",), ("乙",)], "", "请以数字填写分值"),
    ],
)
def test_bad_checklists_are_refused(world, draft, client_for, items, per_item, says):
    response = _add(client_for(world.committee), draft, method="checklist", items=items, points_per_item=per_item)
    assert response.status_code == 400 and says in response.content.decode()
    assert _new(draft) is None


@pytest.mark.parametrize(
    ("method", "field", "value", "status", "config"),
    [
        ("deduction", "per_occurrence", "1.5", 302, {"per_occurrence": 1.5}),
        ("deduction", "per_occurrence", "0", 400, None),
        ("deduction", "per_occurrence", "9", 400, None),
        ("bonus", "per_item", "2", 302, {"per_item": 2}),
        ("bonus", "per_item", "", 400, None),
        ("bonus", "per_item", "6.5", 400, None),
    ],
)
def test_deduction_and_bonus_take_positive_points_within_the_cap(
    world, draft, client_for, method, field, value, status, config
):
    response = _add(client_for(world.committee), draft, method=method, **{field: value})
    assert response.status_code == status
    indicator = _new(draft)
    assert (indicator.config if indicator else None) == config


def test_deduction_floors_at_zero_and_bonus_caps_at_the_max(world, draft, client_for):
    c = client_for(world.committee)
    _add(c, draft, method="deduction", per_occurrence="2")
    deduction = _new(draft)
    assert scoring.score(deduction, {"count": 2}) == Decimal("2")
    assert scoring.score(deduction, {"count": 9}) == Decimal("0")
    _add(c, draft, method="bonus", per_item="4", code="R9")
    bonus = Indicator.objects.get(dimension__system=draft, code="R9")
    assert scoring.score(bonus, {"count": 2}) == Decimal("6")


def test_a_veto_needs_its_condition_and_carries_no_points(world, draft, client_for):
    c = client_for(world.committee)
    response = _add(c, draft, method="veto", max_score="5")
    assert response.status_code == 400 and "请写明触发一票否决的情形" in response.content.decode()
    response = _add(c, draft, method="veto", max_score="5", condition="班子成员严重违纪")
    assert response.status_code == 302
    indicator = _new(draft)
    assert indicator.max_score == 0 and indicator.config == {"condition": "班子成员严重违纪"}


def test_computed_ranges_are_stored_as_the_points_table_scoring_reads(world, draft, client_for):
    with registered_metric(TEST_METRIC, {}):
        response = _add(
            client_for(world.committee),
            draft,
            method="computed",
            metric=TEST_METRIC,
            table=[("95", "100", "6"), ("85", "95", "4"), ("", "85", "1")],
        )
    assert response.status_code == 302
    indicator = _new(draft)
    assert indicator.config == {
        "metric": TEST_METRIC,
        "table": [{"min": 95, "max": 100, "points": 6}, {"min": 85, "max": 95, "points": 4}, {"max": 85, "points": 1}],
    }
    table = indicator.config["table"]
    assert scoring.points_from_table(table, 95.0) == 6  # a shared end counts in the row listed first
    assert scoring.points_from_table(table, 90.0) == 4
    assert scoring.points_from_table(table, 12.0) == 1


@pytest.mark.parametrize(
    ("table", "says"),
    [
        ([("90", "100", "6"), ("80", "95", "4")], "重叠"),
        ([("95", "100", "6"), ("80", "90", "4")], "90 到 95 之间的数值没有对应的计分区间"),
        ([("95", "120", "6")], "百分比须在 0 到 100 之间"),
        ([("95", "100", "9")], "超过了满分"),
        ([("100", "95", "6")], "区间上限不能小于下限"),
        ([("", "", "6")], "请填写区间的下限、上限或两者"),
        ([("95", "100", "4")], "没有任何区间能得满分"),
        ([], "请至少填写一行计分区间"),
    ],
)
def test_bad_computed_ranges_are_refused_in_chinese(world, draft, client_for, table, says):
    with registered_metric(TEST_METRIC, {}) as metric:
        assert metric.unit == "%"
        response = _add(client_for(world.committee), draft, method="computed", metric=TEST_METRIC, table=table)
    assert response.status_code == 400 and says in response.content.decode()
    assert _new(draft) is None


def test_a_computed_indicator_takes_only_a_metric_of_the_registry(world, draft, client_for):
    c = client_for(world.committee)
    response = _add(c, draft, method="computed", metric="made.up", table=[("95", "100", "6")])
    assert response.status_code == 400 and _new(draft) is None
    response = _add(c, draft, method="computed", metric="", table=[("95", "100", "6")])
    assert response.status_code == 400 and "请选择计分所依据的数据项" in response.content.decode()
    body = c.get(f"/assessment/systems/{draft.pk}/indicators/new/").content.decode()
    assert 'value="meetings.compliance_rate"' in body and 'value="study.completion_rate"' in body


def test_only_the_chosen_methods_section_is_read(world, draft, client_for):
    response = _add(
        client_for(world.committee),
        draft,
        method="deduction",
        per_occurrence="1",
        levels=[("好", "99")],  # a bad scale row in a section that does not apply
        table=[("1", "0", "99")],
    )
    assert response.status_code == 302 and _new(draft).config == {"per_occurrence": 1}


# ---------------------------------------------------------------- editing, removing, frozen systems


def test_editing_shows_the_rows_and_saves_changes_with_before_and_after(world, draft, client_for):
    c = client_for(world.committee)
    p1 = Indicator.objects.get(dimension__system=draft, code="P1")
    body = c.get(f"/assessment/indicators/{p1.pk}/").content.decode()
    assert 'value="较好"' in body and 'name="levels-TOTAL_FORMS" value="5"' in body  # 3 levels + 2 blank rows
    data = _post(
        draft,
        code="P1",
        name=p1.name,
        max_score="20",
        levels=[("好", "20"), ("较好", "15"), ("一般", "8"), ("差", "0")],
        initial={"levels": 3},
        **{"levels-1-DELETE": "on"},  # remove 较好
    )
    response = c.post(f"/assessment/indicators/{p1.pk}/", data)
    assert response.status_code == 302
    p1.refresh_from_db()
    assert [lv["name"] for lv in p1.config["levels"]] == ["好", "一般", "差"]
    entry = AuditEntry.objects.get(action="assessment.indicator_changed", object_id=str(p1.pk))
    assert [lv["name"] for lv in entry.before["config"]["levels"]] == ["好", "较好", "一般"]
    assert entry.after["config"] == p1.config


def test_the_page_has_blank_rows_without_javascript_and_no_inline_script(world, draft, client_for):
    body = client_for(world.committee).get(f"/assessment/systems/{draft.pk}/indicators/new/").content.decode()
    assert 'name="levels-TOTAL_FORMS" value="4"' in body and 'name="levels-3-name"' in body
    assert "data-empty-row" in body and "__prefix__" in body
    assert "assessment/editor" in body and "<script>" not in body


def test_removing_an_indicator_from_a_draft_is_audited(world, draft, client_for):
    p1 = Indicator.objects.get(dimension__system=draft, code="P1")
    response = client_for(world.committee).post(f"/assessment/indicators/{p1.pk}/", {"action": "delete"})
    assert response.status_code == 302 and not Indicator.objects.filter(pk=p1.pk).exists()
    assert AuditEntry.objects.get(action="assessment.indicator_removed").before["code"] == "P1"


def test_a_published_system_is_frozen_in_the_editor(world, client_for):
    with registered_metric(TEST_METRIC, {}):
        system = make_system()
    c = client_for(world.committee)
    p1 = Indicator.objects.get(dimension__system=system, code="P1")
    assert 'data-testid="frozen"' in c.get(f"/assessment/indicators/{p1.pk}/").content.decode()
    data = _post(system, code="P1", max_score="20", levels=[("好", "20"), ("差", "0")])
    assert c.post(f"/assessment/indicators/{p1.pk}/", data).status_code == 400
    assert c.post(f"/assessment/indicators/{p1.pk}/", {"action": "delete"}).status_code == 302
    assert _add(c, system, levels=[("好", "6"), ("差", "0")]).status_code == 400
    p1.refresh_from_db()
    assert len(p1.config["levels"]) == 3 and _new(system) is None


def test_the_services_refuse_crafted_parameters_and_a_taken_code(world, draft):
    p1 = Indicator.objects.get(dimension__system=draft, code="P1")
    overlapping = {"metric": TEST_METRIC, "table": [{"min": 0, "max": 90, "points": 20}, {"min": 80, "points": 5}]}
    with pytest.raises(ValidationError) as exc:
        services.update_indicator(actor=world.committee, indicator=p1, method=Method.COMPUTED, config=overlapping)
    assert any("overlap" in m or "重叠" in m for m in exc.value.messages)
    with pytest.raises(ValidationError):
        services.add_indicator(
            actor=world.committee,
            dimension=p1.dimension,
            code="P1",
            name="重复编号",
            max_score=Decimal("2"),
            method=Method.DEDUCTION,
            config={"per_occurrence": 1},
        )
    p1.refresh_from_db()
    assert p1.method == Method.SCALE


def test_publishing_refuses_parameters_or_grades_that_do_not_fit(world, draft):
    Indicator.objects.filter(dimension__system=draft, code="T1").update(config={"items": ["甲"], "points_per_item": 5})
    with pytest.raises(ValidationError) as exc:
        services.publish_system(actor=world.committee, system=draft)
    assert any(m.startswith("T1 ") for m in exc.value.messages)
    draft.refresh_from_db()
    assert draft.status == SystemStatus.DRAFT


@pytest.mark.parametrize("persona", ["unit_admin", "secretary", "member"])
def test_only_committee_staff_reach_the_editors(world, draft, client_for, persona):
    c = client_for(world.users[persona])
    p1 = Indicator.objects.get(dimension__system=draft, code="P1")
    for url in [
        f"/assessment/systems/{draft.pk}/indicators/new/",
        f"/assessment/indicators/{p1.pk}/",
        f"/assessment/systems/{draft.pk}/settings/",
    ]:
        assert c.get(url).status_code == 404, url
        assert c.post(url, {"action": "delete"}).status_code == 404, url
    assert Indicator.objects.filter(pk=p1.pk).exists()


# ---------------------------------------------------------------- grades, dimensions, quota


def _settings(system, *, grades, dims=None, **over):
    dims = dims if dims is not None else [(d.pk, d.name, d.order) for d in system.dimensions.all()]
    data = {
        "name": system.name,
        "top_quota_percent": "30",
        "review_margin": "2",
        "dims-TOTAL_FORMS": str(len(dims)),
        "dims-INITIAL_FORMS": str(len(dims)),
        "grades-TOTAL_FORMS": str(len(grades) + 1),
        "grades-INITIAL_FORMS": "0",
    }
    for i, (pk, name, order) in enumerate(dims):
        data.update({f"dims-{i}-id": pk or "", f"dims-{i}-name": name, f"dims-{i}-order": order})
    for i, (label, score) in enumerate(grades):
        data.update({f"grades-{i}-label": label, f"grades-{i}-min_score": score})
    data.update(over)
    return data


def test_committee_edits_dimensions_grades_and_quota_with_audit(world, draft, client_for):
    dims = [(d.pk, d.name, d.order) for d in draft.dimensions.all()]
    dims[0] = (dims[0][0], "政治建设强", 5)
    grades = [("四强", "90"), ("达标", "75"), ("基本达标", "60"), ("不达标", "")]
    response = client_for(world.committee).post(
        f"/assessment/systems/{draft.pk}/settings/", _settings(draft, grades=grades, dims=dims, top_quota_percent="25")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.top_quota_percent == 25
    assert [(g.label, g.min_score) for g in draft.grades.all()] == [
        ("四强", 90),
        ("达标", 75),
        ("基本达标", 60),
        ("不达标", 0),
    ]
    assert [d.name for d in draft.dimensions.all()][-1] == "政治建设强"  # order 5 puts it last
    entry = AuditEntry.objects.get(action="assessment.system_changed", object_id=str(draft.pk))
    assert entry.before["system"]["top_quota_percent"] == 30 and entry.after["system"]["top_quota_percent"] == 25
    assert [g["label"] for g in entry.before["grades"]] == ["四强", "达标", "基本达标", "不达标"]
    assert entry.after["grades"][1] == {"code": "B", "label": "达标", "min_score": "75.0"}


@pytest.mark.parametrize(
    ("grades", "over", "says"),
    [
        ([("四强", "90"), ("达标", "95"), ("不达标", "")], {}, "从高到低"),
        ([("四强", "90"), ("四强", "75"), ("不达标", "")], {}, "等次名称不能重复"),
        ([("四强", "120"), ("不达标", "")], {}, "超过了可能的最高总分 100"),
        ([("四强", "90"), ("不达标", "50")], {}, "最后一个等次涵盖其余所有分数"),
        ([("四强", "90")], {}, "请至少设置两个等次"),
        ([("四强", "90"), ("", "60"), ("不达标", "")], {}, "每个等次都需要名称"),
        ([("四强", "90"), ("不达标", "")], {"top_quota_percent": "150"}, "比例须为 0 到 100 之间的百分数"),
        ([("四强", "90"), ("不达标", "")], {"dims-1-name": "政治功能强"}, "维度名称不能重复"),
    ],
)
def test_bad_grades_dimensions_or_quota_are_refused_and_nothing_changes(world, draft, client_for, grades, over, says):
    before = list(GradeThreshold.objects.filter(system=draft).values_list("label", "min_score"))
    response = client_for(world.committee).post(
        f"/assessment/systems/{draft.pk}/settings/", _settings(draft, grades=grades, **over)
    )
    assert response.status_code == 400 and says in response.content.decode()
    assert list(GradeThreshold.objects.filter(system=draft).values_list("label", "min_score")) == before
    assert IndicatorSystem.objects.get(pk=draft.pk).top_quota_percent == 30


def test_the_settings_of_a_published_system_are_frozen(world, client_for):
    with registered_metric(TEST_METRIC, {}):
        system = make_system()
    c = client_for(world.committee)
    assert 'data-testid="frozen"' in c.get(f"/assessment/systems/{system.pk}/settings/").content.decode()
    response = c.post(
        f"/assessment/systems/{system.pk}/settings/", _settings(system, grades=[("甲", "50"), ("乙", "")])
    )
    assert response.status_code == 400
    assert system.grades.count() == 4
    with pytest.raises(ValidationError):
        services.update_system(
            actor=world.committee,
            system=system,
            name=system.name,
            top_quota_percent=None,
            review_margin=Decimal("2"),
            dimensions=[{"id": d.pk, "name": d.name, "order": d.order} for d in system.dimensions.all()],
            grades=[{"label": "甲", "min_score": Decimal("50")}, {"label": "乙", "min_score": None}],
        )


def test_the_new_quota_and_thresholds_decide_grades_after_publishing(world, draft):
    services.update_system(
        actor=world.committee,
        system=draft,
        name=draft.name,
        top_quota_percent=0,
        review_margin=Decimal("2"),
        dimensions=[{"id": d.pk, "name": d.name, "order": d.order} for d in draft.dimensions.all()],
        grades=[{"label": "四强", "min_score": Decimal("95")}, {"label": "不达标", "min_score": None}],
    )
    grades = list(draft.grades.all())
    assert scoring.grade_for(Decimal("94"), grades, vetoed=False).label == "不达标"
    assert scoring.grade_for(Decimal("95"), grades, vetoed=False).label == "四强"
    services.publish_system(actor=world.committee, system=draft)
