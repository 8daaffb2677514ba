"""API lists: a bounded count in page-number mode and keyset cursors for deep reading (issue 22)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from branches.models import Member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def roster(world):
    """Eleven more members so that pages, limits and cursors have rows to cross."""
    from branches.models import MemberCategory

    for i in range(11):
        Member.objects.create(organization=world.branch_a1, name=f"名册{i:02d}", category=MemberCategory.FULL)


def test_small_scopes_keep_an_exact_count(world, api_for):
    data = api_for(world.committee).get("/api/v1/members/").json()
    assert data["count"] == Member.objects.count()
    assert data["count_exact"] is True


def test_the_count_stops_at_the_limit_and_says_so(world, api_for, settings):
    settings.API_COUNT_LIMIT = 5
    client = api_for(world.committee)
    with CaptureQueriesContext(connection) as queries:
        data = client.get("/api/v1/members/", {"page_size": 2}).json()
    assert Member.objects.count() > 5
    assert data["count"] == 5 and data["count_exact"] is False
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT 6" in sql for sql in counts), counts
    # Page 3 still holds counted rows; page 4 lies past the count and names the way on.
    assert client.get("/api/v1/members/", {"page_size": 2, "page": 3}).status_code == 200
    far = client.get("/api/v1/members/", {"page_size": 2, "page": 4})
    assert far.status_code == 404
    assert "cursor" in far.json()["detail"]


def test_a_cursor_walk_reads_every_row_once_without_counting(world, api_for, django_assert_max_num_queries):
    client = api_for(world.committee)
    url, params, seen = "/api/v1/members/", {"cursor": "", "page_size": 3}, []
    pages = 0
    while url:
        with CaptureQueriesContext(connection) as queries:
            data = client.get(url, params).json()
        assert "count" not in data
        assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
        seen += [row["id"] for row in data["results"]]
        url, params, pages = data["next"], None, pages + 1
        assert pages < 100
    assert sorted(seen) == sorted(Member.objects.values_list("pk", flat=True))
    assert len(seen) == len(set(seen)) and seen == sorted(seen, reverse=True)
    assert pages > 2


def test_cursor_pages_cost_the_same_at_any_depth(world, api_for):
    client = api_for(world.committee)
    first = client.get("/api/v1/members/", {"cursor": "", "page_size": 2})
    with CaptureQueriesContext(connection) as shallow:
        second = client.get(first.json()["next"])
    with CaptureQueriesContext(connection) as deep:
        client.get(second.json()["next"])
    assert len(shallow) == len(deep)


def test_a_forged_cursor_is_a_clear_404(world, api_for):
    response = api_for(world.committee).get("/api/v1/members/", {"cursor": "not-a-cursor"})
    assert response.status_code == 404 and response.json()["detail"]


def test_the_schema_describes_both_modes(client_for, world):
    schema = client_for(world.committee).get("/api/schema/?format=json").json()
    listing = schema["paths"]["/api/v1/members/"]["get"]
    assert "cursor" in {p["name"] for p in listing["parameters"]}
    ref = listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    props = schema["components"]["schemas"][ref]["properties"]
    assert {"count", "count_exact", "next", "previous", "results"} <= set(props)


def test_the_count_reads_the_rows_unordered_and_scoped(world, api_for, settings):
    """Ordering the counted rows joined and sorted the whole scope (issue 22); the number is the same without."""
    settings.API_COUNT_LIMIT = 5
    client = api_for(world.unit_admin)
    with CaptureQueriesContext(connection) as queries:
        data = client.get("/api/v1/members/", {"page_size": 2}).json()
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("ORDER BY" not in sql.upper() for sql in counts), counts
    assert data["count"] == 5 and data["count_exact"] is False
    settings.API_COUNT_LIMIT = 10_000
    data = client.get("/api/v1/members/", {"page_size": 2}).json()
    in_scope = Member.objects.filter(organization__path__startswith=world.unit_a.path).count()
    assert data["count"] == in_scope == 14 and data["count_exact"] is True
    # The page itself is still ordered by organisation, then name.
    names = [r["name"] for r in client.get("/api/v1/members/", {"page_size": 50}).json()["results"]]
    assert names == list(
        Member.objects.filter(organization__path__startswith=world.unit_a.path)
        .order_by("organization__path", "name", "id")
        .values_list("name", flat=True)
    )


def test_member_rows_carry_the_choice_labels(world, api_for):
    from django.utils import translation

    from branches.models import MemberStatus

    Member.objects.filter(name="名册00").update(status=MemberStatus.MOBILE, category="probationary")
    rows = api_for(world.committee).get("/api/v1/members/", {"page_size": 50}).json()["results"]
    members = {m.pk: m for m in Member.objects.all()}
    assert len(rows) == len(members)
    with translation.override("zh-hans"):
        for row in rows:
            m = members[row["id"]]
            assert (row["category_display"], row["status_display"]) == (
                m.get_category_display(),
                m.get_status_display(),
            )
    assert {r["status_display"] for r in rows} == {"正常", "流动"}


def test_html_lists_keep_an_exact_count_above_the_api_limit(world, client_for, settings):
    """A dashboard figure links to its list, whose count must equal it: the register counts exactly whatever
    ``API_COUNT_LIMIT`` is (the bounded count is the API's)."""
    from django.urls import reverse

    settings.API_COUNT_LIMIT = 3
    page = client_for(world.committee).get(reverse("branches:member_list")).content.decode()
    total = Member.objects.visible_to(world.committee, "view").count()
    assert total > 3 and f'data-total="{total}"' in page and 'data-testid="count-bounded"' not in page
