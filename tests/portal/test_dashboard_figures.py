"""Every figure on a dashboard equals the list it links to.

On the ``small`` demo (seed_demo, PostgreSQL in the test database), after the summaries are refreshed:
the committee's and a unit admin's dashboards are rendered, and every linked figure (headline, ranking
cells, heatmap cells, burndown table) is followed with the same user. The list behind a count shows its
total (``data-total``); the page behind a rate shows the numerator and denominator it is computed from
(``data-numerator`` / ``data-denominator``); the study overview shows the hours per member (``data-hours``).
"""

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from branches.models import Organization
from portal import dashboards

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs" / "dashboards.md"
# Headline figures without a list behind them, each explained in docs/dashboards.md.
WITHOUT_LIST = {"assessment.progress"}
# Figures that are neither a count nor a percentage: compared with the value the linked page shows.
VALUE_ATTRIBUTES = {
    "study.hours_per_capita": "data-hours",
    "practice.volunteer_hours_per_member": "data-per-member",
}


class Tags(HTMLParser):
    """Every start tag with its attributes (enough to read data- attributes and links)."""

    def __init__(self, html):
        super().__init__()
        self.tags = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def with_attr(self, name):
        return [attrs for _tag, attrs in self.tags if name in attrs]


def _number(text):
    return None if text in (None, "", "None") else float(text)


def _expected(name, unit, client, url):
    """What the page behind ``url`` says the figure should be."""
    response = client.get(url)
    assert response.status_code == 200, f"{name}: {url} answered {response.status_code}"
    tags = Tags(response.content.decode())
    if name in VALUE_ATTRIBUTES:
        found = tags.with_attr(VALUE_ATTRIBUTES[name])
        assert found, f"{name}: {url} shows no {VALUE_ATTRIBUTES[name]}"
        return _number(found[0][VALUE_ATTRIBUTES[name]])
    if unit == "%":
        found = tags.with_attr("data-denominator")
        assert found, f"{name}: {url} shows no numerator and denominator"
        numerator, denominator = int(found[0]["data-numerator"]), int(found[0]["data-denominator"])
        return round(100 * numerator / denominator, 1) if denominator else None
    totals = tags.with_attr("data-total")
    if totals:
        return float(totals[0]["data-total"])
    assert any(a.get("data-testid") == "empty-state" for a in tags.with_attr("data-testid")), (
        f"{name}: {url} shows neither a total nor the empty state"
    )
    return 0.0


def _linked_figures(html, registry):
    """(where, metric name, shown value, url) for every figure on the page that links to a list."""
    out = []
    for attrs in Tags(html).with_attr("data-value"):
        url = attrs.get("href")
        if not url or url == "#":
            continue
        testid = attrs.get("data-testid", "")
        if testid.startswith("figure-"):
            name, where = testid.removeprefix("figure-"), "headline"
        elif "data-figure" in attrs:
            name, where = attrs["data-figure"], "table"
        else:
            name, where = "meetings.compliance_rate", "heatmap"
        assert name in registry, f"unknown figure {name} at {url}"
        out.append((where, name, _number(attrs["data-value"]), url))
    return out


def _check(client, dashboard_url, *, heat_red_required=False):
    registry = dashboards.metric_registry.available()
    response = client.get(dashboard_url)
    assert response.status_code == 200
    html = response.content.decode()
    board = response.context["board"]
    figures = _linked_figures(html, registry)
    linked_headline = {name for where, name, _v, _u in figures if where == "headline"}
    # Every headline figure links to its list, or is one the docs explain.
    unlinked = {f.name for f in board.headline} - linked_headline - WITHOUT_LIST
    mismatches = [f"headline figures without a list: {sorted(unlinked)}"] if unlinked else []
    assert {"members.count", "meetings.missing_count", "supervision.open_rectifications"} <= linked_headline
    for where, name, value, url in figures:
        try:
            expected = _expected(name, registry[name].unit, client, url)
        except AssertionError as exc:
            mismatches.append(f"{where} {exc}")
            continue
        if value != expected:
            mismatches.append(f"{where} {name}: dashboard {value}, list {expected} ({url})")
    assert not mismatches, "\n".join(mismatches)
    heat = [f for f in figures if f[0] == "heatmap"]
    red = [f for f in heat if f[2] is not None and f[2] < 60]
    for _where, _name, _value, url in red:
        # A red cell opens that organisation's missing meetings of the month: some are listed.
        page = client.get(url).content.decode()
        assert 'data-testid="missing-list"' in page, url
    if heat_red_required:
        assert red, "the demo has a month below 60 % in this subtree"
    return figures


@pytest.fixture
def demo():
    call_command("seed_demo", "--scale", "small", "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _client(client_for, username):
    return client_for(get_user_model().objects.get(username=username))


def test_committee_dashboard_figures_equal_their_lists(demo, client_for):
    client = _client(client_for, "committee")
    root = Organization.objects.get(parent__isnull=True)
    figures = _check(client, f"/dashboard/org/{root.pk}/")
    assert {w for w, *_ in figures} == {"headline", "table", "heatmap"}
    # A past period: the lists show the state at the period's end.
    last_year = _check(client, f"/dashboard/org/{root.pk}/?period={timezone.localdate().year - 1}")
    assert any("&on=" in url for *_x, url in last_year)


def test_unit_dashboard_figures_equal_the_unit_admins_lists(demo, client_for):
    client = _client(client_for, "unitadmin")
    home = client.get("/dashboard/")
    assert home.status_code == 302
    unit_url = home["Location"]
    unit = Organization.objects.get(pk=int(urlsplit(unit_url).path.rstrip("/").split("/")[-1]))
    assert unit.depth == 1
    figures = _check(client, unit_url)
    # The unit admin's figures link to lists of their unit's subtree only.
    linked = {int(parse_qs(urlsplit(url).query)["org"][0]) for *_x, url in figures}
    assert linked and all(o.path.startswith(unit.path) for o in Organization.objects.filter(pk__in=linked))
    outside = Organization.objects.filter(depth=1).exclude(pk=unit.pk).first()
    assert client.get(f"/dashboard/org/{outside.pk}/").status_code == 404
    assert client.get(f"/dashboard/org/{outside.pk}/charts.json").status_code == 404


def test_figures_without_a_list_are_explained_in_the_docs():
    text = DOCS.read_text(encoding="utf-8")
    for name in WITHOUT_LIST:
        assert f"`{name}`" in text and "no list" in text


def test_every_metric_over_a_few_organisations_agrees_with_the_whole_tree(demo):
    """Metrics read only the subtrees they are asked for (issue 22): the figures must not change with that."""
    from branches import metric_registry, periods
    from branches.models import Organization

    every = list(Organization.objects.order_by("path"))
    branches = [o for o in every if o.kind == "branch"]
    units = [o for o in every if o.depth == 1]
    few = [branches[0], branches[-1], units[-1]]
    for period in (
        periods.period_containing("year", periods.today()),
        periods.period_containing("month", periods.today()),
    ):
        for name, metric in sorted(metric_registry.available().items()):
            whole = metric.values(every, period)
            part = metric.values(few, period)
            assert {o.pk: part.get(o.pk) for o in few} == {o.pk: whole.get(o.pk) for o in few}, (name, period.key)
