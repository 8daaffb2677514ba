"""Bad input never gives a 500 (security review F6 and F8)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from branches import audit
from branches.meetings import services
from branches.models import Meeting

pytestmark = pytest.mark.django_db


# --- F6: dates have sane bounds -------------------------------------------------------------


def test_a_meeting_in_year_one_is_refused_on_the_page_with_a_message(world, client_for):
    response = client_for(world.secretary).post(
        reverse("meetings:meeting_plan"),
        {
            "organization": world.branch_a1.pk,
            "kind": "committee",
            "title": "远古的会",
            "start": "0001-06-05T09:00",
            "end": "0001-06-05T11:00",
            "place": "会议室",
        },
    )
    assert response.status_code == 200
    assert "1921" in response.content.decode()
    assert not Meeting.objects.filter(title="远古的会").exists()


def test_no_service_stores_a_date_out_of_bounds(world):
    start = datetime.datetime(1, 1, 2, 9, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError):
        services.plan_meeting(
            actor=audit.SYSTEM,
            organization=world.branch_a1,
            kind="committee",
            title="远古的会",
            start=start,
            end=start + datetime.timedelta(hours=2),
            place="会议室",
        )
    assert not Meeting.objects.filter(title="远古的会").exists()


def test_a_birth_date_may_be_older_than_a_meeting_but_not_in_the_future(world):
    from branches.datebounds import RecordDateValidator
    from branches.models import Member

    validator = next(v for v in Member._meta.get_field("birth_date").validators if isinstance(v, RecordDateValidator))
    validator(datetime.date(1935, 5, 1))
    with pytest.raises(ValidationError):
        validator(datetime.date(timezone.localdate().year + 3, 1, 1))


# --- F8: every query parameter parsed by one helper -------------------------------------------

BAD_QUERIES = [
    "org=abc",
    "organization=x1",
    "parent=-5",
    "year=99999999999999999999",
    "period=99999999999999-03",
    "period=2026-Q9",
    "period=abc",
    "page=99999999999999999999",
]


def _simple_routes():
    """Every GET route without path arguments (pages and API)."""

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern).replace("^", "").replace("$", ""))
            elif isinstance(p, URLPattern) and "<" not in str(p.pattern) and "(?P" not in str(p.pattern):
                yield "/" + (prefix + str(p.pattern)).replace("^", "").replace("$", "")

    skip = ("admin/", "accounts/logout", "bench/", "api/docs", "api/schema")
    return sorted({r for r in walk(get_resolver().url_patterns) if not any(s in r for s in skip)})


def test_bad_typed_parameters_never_answer_500_anywhere(world, client_for):
    c = client_for(world.committee)
    failures = []
    for route in _simple_routes():
        for query in BAD_QUERIES:
            status = c.get(f"{route}?{query}").status_code
            if status >= 500:
                failures.append((route, query, status))
    assert failures == []


def test_a_nul_byte_in_a_search_is_a_clear_400(world, client_for):
    response = client_for(world.secretary).get(reverse("branches:organization_list") + "?q=%00abc")
    assert response.status_code == 400
    assert "不允许" in response.content.decode()


def test_the_api_names_the_bad_parameter(world, api_for):
    response = api_for(world.committee).get("/api/v1/compliance/?period=99999999999-01")
    assert response.status_code == 400
    assert "period" in response.json() and response.json()["detail"]
    assert api_for(world.committee).get("/api/v1/members/?organization=abc").status_code == 400


def test_a_page_drops_a_bad_filter_and_shows_the_list(world, client_for):
    response = client_for(world.secretary).get(reverse("branches:organization_list") + "?org=abc")
    assert response.status_code == 200
