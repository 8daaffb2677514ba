"""Walk every scoped page and API endpoint with personas inside, beside and above."""

import json
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.scoping import MARK, SAMPLES

OUTSIDERS = ("outsider", "other_admin", "nobody")


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def _view_class(pattern):
    cb = pattern.callback
    return getattr(cb, "view_class", None) or getattr(cb, "cls", None)


def _model_of(cls):
    model = getattr(cls, "model", None)
    if model is None and getattr(cls, "queryset", None) is not None:
        model = cls.queryset.model
    if model is None and getattr(cls, "serializer_class", None) is not None:
        model = getattr(getattr(cls.serializer_class, "Meta", None), "model", None)
    return getattr(cls, "scope_model", None) or model


def scoped_routes():
    routes = []
    for route, pattern in _walk(get_resolver().url_patterns):
        cls = _view_class(pattern)
        if cls is None or not getattr(cls, "scoped", False):
            continue
        actions = getattr(pattern.callback, "actions", None)
        if actions is not None and "get" not in actions:
            continue
        if "(?P<format>" in route or "\\.(?P<format>" in route or route.endswith("$") and "format" in route:
            continue
        routes.append((route, pattern, cls))
    return routes


def _reverse(pattern, route, obj, sample):
    kwargs = {}
    names = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
    names = [a or b for a, b in names]
    extra = sample.url_kwargs(obj) if sample.url_kwargs else {}
    for name in names:
        if name in extra:
            kwargs[name] = extra[name]
        elif name == "pk":
            kwargs[name] = obj.pk
        else:
            kwargs[name] = getattr(obj, name)
    from django.urls import reverse

    name = pattern.name
    ns_route = _namespaced_name(pattern)
    return reverse(ns_route or name, kwargs=kwargs)


def _namespaced_name(target):
    def search(patterns, namespaces):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = namespaces + ([p.namespace] if p.namespace else [])
                found = search(p.url_patterns, ns)
                if found:
                    return found
            elif p is target:
                return ":".join(namespaces + [p.name]) if p.name else None
        return None

    return search(get_resolver().url_patterns, [])


def test_every_scoped_route_has_a_sample():
    missing = sorted(
        {
            f"{cls.__module__}.{cls.__name__} -> {_model_of(cls)}"
            for _r, _p, cls in scoped_routes()
            if _model_of(cls) not in SAMPLES
        }
    )
    assert not missing, f"Register a sample in tests/samples/ for: {missing}"


def test_the_walk_covers_pages_and_api():
    routes = scoped_routes()
    assert any(r.startswith("api/") for r, _p, _c in routes)
    assert any(not r.startswith("api/") for r, _p, _c in routes)


@pytest.mark.django_db
def test_outsiders_see_nothing_and_insiders_see_their_records(world, client_for):
    checked = 0
    for route, pattern, cls in scoped_routes():
        model = _model_of(cls)
        sample = SAMPLES[model]
        obj = sample.builder(world)
        assert MARK in str(obj), f"{model.__name__} sample must carry the mark"
        url = _reverse(pattern, route, obj, sample)
        is_detail = bool(re.search(r"<|\(\?P<", route))
        for persona in OUTSIDERS:
            response = client_for(world.users[persona]).get(url, HTTP_ACCEPT="application/json")
            if is_detail:
                assert response.status_code == 404, f"{persona} got {response.status_code} on {url}"
            else:
                assert response.status_code in (200, 403, 404), f"{persona} got {response.status_code} on {url}"
                body = response.content.decode()
                if response.status_code == 200:
                    assert MARK not in body, f"{persona} sees the {model.__name__} in {url}"
                    if "json" in response.get("Content-Type", ""):
                        data = json.loads(body)
                        ids = [r.get("id") for r in data.get("results", [])] if isinstance(data, dict) else []
                        assert obj.pk not in ids, f"{persona} lists {model.__name__} {obj.pk} at {url}"
        if is_detail:
            for persona in sample.insiders:
                response = client_for(world.users[persona]).get(url)
                assert response.status_code == 200, f"{persona} (inside/above) got {response.status_code} on {url}"
        checked += 1
    assert checked >= 4


def _build_more(sample, world, n):
    """Build the sample ``n`` more times; how many could be built (some records are one per branch)."""
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    built = 0
    for _ in range(n):
        try:
            with transaction.atomic():
                sample.builder(world)
            built += 1
        except (IntegrityError, ValidationError):
            break
    return built


@pytest.mark.django_db
def test_every_scoped_list_keeps_its_query_count_as_rows_grow(world, client_for):
    """Every scoped list page and API list, as the committee: more rows, never more queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.committee)
    grown, fixed = [], []
    for route, pattern, cls in scoped_routes():
        if re.search(r"<|\(\?P<", route):
            continue
        sample = SAMPLES[_model_of(cls)]
        obj = sample.builder(world)
        url = _reverse(pattern, route, obj, sample)
        client.get(url, HTTP_ACCEPT="application/json")  # warm per-process caches
        with CaptureQueriesContext(connection) as few:
            assert client.get(url, HTTP_ACCEPT="application/json").status_code in (200, 403, 404)
        if _build_more(sample, world, 3):
            grown.append(url)
        else:
            fixed.append(url)
        # Warm again, as before the first count: a write moves kept summaries on (the dues page's month
        # figures), and the view that computes them anew is measured by its own page's tests.
        client.get(url, HTTP_ACCEPT="application/json")
        with CaptureQueriesContext(connection) as many:
            client.get(url, HTTP_ACCEPT="application/json")
        assert len(many) <= len(few), f"{url}: {len(few)} queries, then {len(many)} with more rows"
    assert len(grown) >= 30 and not fixed, f"lists measured without more rows (the sample cannot repeat): {fixed}"


WRITE_METHODS = ("post", "put", "patch", "delete")


def scoped_write_routes():
    """Every scoped API route that writes: (route, pattern, view class, methods)."""
    routes = []
    for route, pattern in _walk(get_resolver().url_patterns):
        cls = _view_class(pattern)
        actions = getattr(pattern.callback, "actions", None)
        if cls is None or not getattr(cls, "scoped", False) or actions is None:
            continue
        if "(?P<format>" in route:
            continue
        methods = [m for m in actions if m in WRITE_METHODS]
        if methods:
            routes.append((route, pattern, cls, methods))
    return routes


def _write_url(pattern, route, obj):
    from django.urls import reverse

    names = [a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)]
    # The object is looked up (in the caller's write scope) before any inner id is read.
    kwargs = {name: (obj.pk if name == "pk" else 1) for name in names}
    return reverse(_namespaced_name(pattern), kwargs=kwargs)


def test_the_write_walk_covers_the_api_actions_of_every_area():
    routes = {r for r, _p, _c, _m in scoped_write_routes()}
    for expected in (
        r"meetings/(?P<pk>[^/.]+)/record/$",
        r"members/(?P<pk>[^/.]+)/steps/$",
        r"transfers/(?P<pk>[^/.]+)/accept/$",
        r"terms/(?P<pk>[^/.]+)/seats/$",
        r"study-claims/(?P<pk>[^/.]+)/review/$",
        r"branch-assessments/(?P<pk>[^/.]+)/self-assessment/$",
        r"rectifications/(?P<pk>[^/.]+)/recheck/$",
        r"supervision-targets/(?P<pk>[^/.]+)/acknowledge/$",
        r"organizations/(?P<pk>[^/.]+)/rename/$",
        r"organizations/(?P<pk>[^/.]+)/move/$",
        r"members/(?P<pk>[^/.]+)/unmask/$",
        r"branch-assessments/(?P<pk>[^/.]+)/review/$",
        r"branch-assessments/(?P<pk>[^/.]+)/send-back/$",
        r"branch-assessments/(?P<pk>[^/.]+)/appeals/$",
        r"assessment-cycles/(?P<pk>[^/.]+)/appeals/(?P<appeal_pk>\d+)/decide/$",
        r"training-classes/(?P<pk>[^/.]+)/sessions/$",
        r"training-classes/(?P<pk>[^/.]+)/sessions/(?P<session_pk>\d+)/close/$",
        r"training-classes/(?P<pk>[^/.]+)/sessions/(?P<session_pk>\d+)/leave/$",
        r"training-classes/sign-in/$",
        r"lectures/$",
        r"supervision-tasks/$",  # an inspector's own task (issue 23), as committee staff's
    ):
        assert any(r.endswith(expected) for r in routes), expected


@pytest.mark.django_db
def test_outsiders_write_nothing_through_any_api_action(world, client_for):
    """Every scoped API write, as the sibling branch's secretary, the other unit's admin and a user without a
    role: on an object inside branch_a1 the answer is 404 and nothing is written (no audit entry); on a
    collection (create, sign in, search) it is an answer without the object and, again, no write."""
    from branches.models import AuditEntry

    checked, failures = 0, []
    for route, pattern, cls, methods in scoped_write_routes():
        model = _model_of(cls)
        obj = SAMPLES[model].builder(world)
        url = _write_url(pattern, route, obj)
        is_detail = "(?P<pk>" in route or "<pk>" in route
        for persona in OUTSIDERS:
            client = client_for(world.users[persona])
            for method in methods:
                before = AuditEntry.objects.exclude(action__startswith="login.").count()
                response = getattr(client, method)(url, {}, content_type="application/json")
                where = f"{persona} {method.upper()} {url}: {response.status_code}"
                if is_detail and response.status_code != 404:
                    failures.append(where)
                if not is_detail and (response.status_code >= 500 or MARK in response.content.decode()):
                    failures.append(where)
                if AuditEntry.objects.exclude(action__startswith="login.").count() != before:
                    failures.append(f"{where} wrote an audit entry")
        checked += 1
    assert not failures, "\n".join(failures)
    assert checked >= 40, checked
