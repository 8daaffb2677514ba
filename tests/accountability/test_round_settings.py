"""The committee edits a round's rating form, grades and weighting on a page and through the API (issue 18)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from branches.models import AuditEntry
from supervision.accountability import configuration, services
from supervision.accountability.models import RatingGrade

from .helpers import NOW, open_round, taps

pytestmark = pytest.mark.django_db


def data_of(rnd, **changes):
    data = configuration.current(rnd)
    data.update(changes)
    return data


def test_settings_are_saved_kept_in_order_and_audited(world):
    rnd = open_round(world)
    data = data_of(rnd, live_weight=70, record_weight=30)
    data["dimensions"] = data["dimensions"][:2] + [{"name": "联系服务群众", "description": "", "weight": 2}]
    data["grades"][0]["min_score"] = "92"
    configuration.update_settings(actor=world.committee, round=rnd, data=data)
    rnd.refresh_from_db()
    assert (rnd.live_weight, rnd.record_weight) == (70, 30)
    assert [d.name for d in rnd.dimensions.all()] == ["履行第一责任人职责", "抓思想政治建设", "联系服务群众"]
    assert rnd.dimensions.get(name="联系服务群众").weight == 2
    assert str(rnd.grades.get(name="好").min_score) == "92.00"
    entry = AuditEntry.objects.get(action="accountability.round_settings", object_id=str(rnd.pk))
    assert entry.before["live_weight"] == 60 and entry.after["live_weight"] == 70
    assert len(entry.after["dimensions"]) == 3


@pytest.mark.parametrize(
    "change, message",
    [
        ({"live_weight": 70, "record_weight": 40}, "add up to 100"),
        ({"dimensions": []}, "at least one item"),
        ({"grades": [{"name": "好", "points": "100", "min_score": "0"}]}, "at least two grades"),
        (
            {
                "grades": [
                    {"name": "好", "points": "80", "min_score": "90"},
                    {"name": "差", "points": "90", "min_score": "0"},
                ]
            },
            "best to worst",
        ),
        (
            {
                "grades": [
                    {"name": "好", "points": "100", "min_score": "90"},
                    {"name": "差", "points": "50", "min_score": "10"},
                ]
            },
            "start at 0",
        ),
        (
            {"indicators": [{"metric": "meetings.compliance_rate", "label": "", "weight": 90, "method": "rate"}]},
            "(now 90)",
        ),
        ({"indicators": [{"metric": "no.such.metric", "label": "", "weight": 100, "method": "rate"}]}, "computes"),
        (
            {
                "indicators": [
                    {"metric": "supervision.red_cards", "label": "", "weight": 100, "method": "deduct", "deduction": 0}
                ]
            },
            "deduction per count",
        ),
    ],
)
def test_bad_settings_are_refused_with_the_reason(world, change, message):
    from django.utils import translation

    rnd = open_round(world)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        configuration.update_settings(actor=world.committee, round=rnd, data=data_of(rnd, **change))
    assert any(message in m for m in exc.value.messages), exc.value.messages
    rnd.refresh_from_db()
    assert rnd.live_weight == 60 and rnd.dimensions.count() == 5


def test_only_organisers_change_settings_and_only_while_open(world):
    rnd = open_round(world)
    with pytest.raises(PermissionDenied):
        configuration.update_settings(actor=world.unit_admin, round=rnd, data=data_of(rnd))
    services.close_round(actor=world.committee, round=rnd, now=NOW)
    with pytest.raises(ValidationError):
        configuration.update_settings(actor=world.committee, round=rnd, data=data_of(rnd))


def test_after_the_first_rating_the_form_and_points_are_final_but_thresholds_are_not(world):
    rnd = open_round(world)
    rater = rnd.raters.first().user
    services.rate(actor=rater, reporter=rnd.reporters.get(organization=world.unit_a), taps=taps(rnd, "好"), now=NOW)
    data = data_of(rnd)
    data["grades"][1]["points"] = "88"
    with pytest.raises(ValidationError):
        configuration.update_settings(actor=world.committee, round=rnd, data=data)
    data = data_of(rnd)
    data["dimensions"] = data["dimensions"][1:]
    with pytest.raises(ValidationError):
        configuration.update_settings(actor=world.committee, round=rnd, data=data)
    data = data_of(rnd, live_weight=50, record_weight=50)
    data["grades"][0].update(name="优秀", min_score="95")
    configuration.update_settings(actor=world.committee, round=rnd, data=data)
    assert RatingGrade.objects.filter(round=rnd, name="优秀", min_score=95).exists()


def test_two_grades_can_swap_names(world):
    rnd = open_round(world)
    data = data_of(rnd)
    data["grades"][0]["name"], data["grades"][1]["name"] = data["grades"][1]["name"], data["grades"][0]["name"]
    configuration.update_settings(actor=world.committee, round=rnd, data=data)
    assert [g.name for g in rnd.grades.all()][:2] == ["较好", "好"]


def _post_data(rnd, **weights):
    """The page's formsets filled from the round's current settings."""
    cur = configuration.current(rnd)
    post = {
        "w-live_weight": weights.get("live", cur["live_weight"]),
        "w-record_weight": weights.get("record", cur["record_weight"]),
    }
    for prefix, rows in (("dim", cur["dimensions"]), ("grade", cur["grades"]), ("ind", cur["indicators"])):
        post.update({f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": len(rows)})
        for i, row in enumerate(rows):
            post.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return post


def test_the_settings_page_saves_and_says_what_is_wrong(world, client_for):
    rnd = open_round(world)
    c = client_for(world.committee)
    url = reverse("accountability:round_settings", args=[rnd.pk])
    page = c.get(url)
    assert page.status_code == 200 and 'data-testid="grades"' in page.content.decode()
    bad = c.post(url, _post_data(rnd, live=70, record=40))
    assert bad.status_code == 200
    assert "100" in " ".join(str(m) for m in bad.context["messages"])
    post = _post_data(rnd, live=55, record=45)
    post["dim-0-DELETE"] = "on"
    done = c.post(url, post)
    assert done.status_code == 302
    rnd.refresh_from_db()
    assert rnd.live_weight == 55 and rnd.dimensions.count() == 4


def test_the_pages_empty_extra_rows_are_ignored_as_a_browser_sends_them(world, client_for):
    rnd = open_round(world)
    c = client_for(world.committee)
    url = reverse("accountability:round_settings", args=[rnd.pk])
    page = c.get(url)
    post = _post_data(rnd, live=65, record=35)
    for prefix, formset in (("dim", "dimensions"), ("grade", "grades"), ("ind", "indicators")):
        extra = page.context[formset].forms[-1]  # the empty row, with the values its widgets show
        n = int(post[f"{prefix}-TOTAL_FORMS"])
        post[f"{prefix}-TOTAL_FORMS"] = n + 1
        for name, field in extra.fields.items():
            value = extra[name].value()
            if value not in (None, False, ""):
                post[f"{prefix}-{n}-{name}"] = value
    r = c.post(url, post)
    assert r.status_code == 302, [
        (k, r.context[k].errors[-1], r.context[k].non_form_errors()) for k in ("dimensions", "grades", "indicators")
    ] + [str(m) for m in r.context["messages"]]
    rnd.refresh_from_db()
    assert rnd.live_weight == 65 and rnd.dimensions.count() == 5 and rnd.indicators.count() == 6


def test_the_settings_page_is_404_beside_below_and_outside(world, client_for):
    rnd = open_round(world)
    url = reverse("accountability:round_settings", args=[rnd.pk])
    for persona in ("unit_admin", "secretary", "other_admin", "outsider", "nobody"):
        assert client_for(world.users[persona]).get(url).status_code == 404, persona
        assert client_for(world.users[persona]).post(url, _post_data(rnd)).status_code == 404, persona


def test_the_settings_page_runs_fixed_queries(world, client_for, django_assert_max_num_queries):
    from tests.notices.helpers import count_queries

    rnd = open_round(world)
    c = client_for(world.committee)
    url = reverse("accountability:round_settings", args=[rnd.pk])
    c.get(url)
    with count_queries() as few:
        c.get(url)
    data = data_of(rnd)
    data["dimensions"] += [{"name": f"新增{i}", "description": "", "weight": 1} for i in range(4)]
    configuration.update_settings(actor=world.committee, round=rnd, data=data)
    with django_assert_max_num_queries(few.n):
        c.get(url)


def test_the_api_reads_and_replaces_the_settings(world, api_for):
    rnd = open_round(world)
    api = api_for(world.committee)
    url = f"/api/v1/review-rounds/{rnd.pk}/settings/"
    got = api.get(url).json()
    assert got["live_weight"] == 60 and len(got["grades"]) == 4
    got["live_weight"], got["record_weight"] = 80, 30
    bad = api.put(url, got, format="json")
    assert bad.status_code == 400 and "100" in bad.content.decode()
    got["record_weight"] = 20
    ok = api.put(url, got, format="json")
    assert ok.status_code == 200 and ok.json()["live_weight"] == 80
    assert api_for(world.unit_admin).get(url).status_code == 404
    assert api_for(world.other_admin).put(url, got, format="json").status_code == 404
