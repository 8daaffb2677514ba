"""schemathesis: every GET operation of the OpenAPI schema, bounded examples, as a committee user.

Runs in-process through the WSGI app (no server), deterministic (derandomized
Hypothesis), 20 examples per operation. Asserts no 5xx, documented content
types, and bodies that match the schema for documented statuses. Unsafe
operations are covered by their apps' tests; the API is mostly read-only.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

MAX_EXAMPLES = 20
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api_schema(world):
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from portal.wsgi import application

    # As Django's test client does: keep the test's database connection open across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        from knox.models import AuthToken

        # The schema is for signed-in callers only (security review F13).
        key = AuthToken.objects.create(user=world.committee)[1]
        yield schemathesis.openapi.from_wsgi("/api/schema/", application, headers={"Authorization": f"Token {key}"})
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _get_operations(schema):
    ops = [result.ok() for result in schema.get_all_operations()]
    return [op for op in ops if op.method.upper() == "GET"]


def test_every_get_operation_survives_bounded_fuzzing_as_a_committee_user(api_schema, world):
    from knox.models import AuthToken

    headers = {"Authorization": f"Token {AuthToken.objects.create(user=world.committee)[1]}"}
    operations = _get_operations(api_schema)
    assert any(op.path == "/api/v1/organizations/" for op in operations), "the schema lists the API's operations"
    for operation in operations:

        @settings(
            max_examples=MAX_EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        run()


def test_the_token_endpoint_survives_bounded_fuzzing(api_schema, world):
    operation = next(
        r.ok()
        for r in api_schema.get_all_operations()
        if r.ok().path == "/api/v1/auth/token/" and r.ok().method == "post"
    )

    @settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None)
    @given(case=operation.as_strategy())
    def run(case):
        case.call_and_validate(checks=CHECKS)

    run()


def test_the_schema_is_served_to_signed_in_callers_only(client, client_for, world):
    assert client.get("/api/schema/").status_code in (401, 403)  # security review F13
    response = client_for(world.member).get("/api/schema/")
    assert response.status_code == 200
    assert b"openapi" in response.content


def _view_model(path: str):
    """The model behind an API path template (``/api/v1/meetings/{id}/``), through the URL resolver."""
    import re

    from django.urls import Resolver404, resolve

    from tests.test_permission_walk import _model_of

    try:
        match = resolve(re.sub(r"\{[^}]+\}", "1", path))
    except Resolver404:
        return None
    cls = getattr(match.func, "view_class", None) or getattr(match.func, "cls", None)
    return _model_of(cls) if cls is not None else None


def _first_line(exc) -> str:
    inner = exc.exceptions[0] if isinstance(exc, BaseExceptionGroup) else exc
    return " ".join(str(inner).split("\n")[:8])


def test_every_get_operation_answers_real_rows_exactly_as_documented(api_schema, world):
    """One row of every scoped model (the permission walk's samples) inside the committee's scope: each list
    and each detail (with that row's id) must match its documented response body, nulls included."""
    from knox.models import AuthToken

    from tests.scoping import SAMPLES

    built = {model: sample.builder(world) for model, sample in SAMPLES.items()}
    headers = {"Authorization": f"Token {AuthToken.objects.create(user=world.committee)[1]}"}
    checked, failures = 0, []
    for operation in _get_operations(api_schema):
        names = [p.name for p in operation.path_parameters]
        path_parameters = {}
        if names:
            obj = built.get(_view_model(operation.path))
            if obj is None or names != ["id"]:
                continue
            path_parameters = {"id": obj.pk}
        case = operation.Case(path_parameters=path_parameters)
        try:
            response = case.call_and_validate(headers=headers, checks=CHECKS)
        except (AssertionError, BaseExceptionGroup) as exc:  # collect every mismatch, not only the first
            failures.append(f"{operation.method.upper()} {operation.path}: {_first_line(exc)}")
            continue
        if names:
            assert response.status_code == 200, f"{operation.path} with the sample's id: {response.status_code}"
        checked += 1
    assert not failures, "\n\n".join(failures)
    assert checked >= 60, checked


def test_every_refusal_answers_exactly_as_documented(api_schema, world):
    """The error answers are part of the document (400 field-keyed, 401/403/404/429 with a detail): every GET
    operation is called signed out (401), with an id that names nothing (404) and with a query parameter that
    cannot be what it says (400), and each answer must match the schema documented for its status."""
    from knox.models import AuthToken

    from branches.params import ID_PARAMS

    headers = {"Authorization": f"Token {AuthToken.objects.create(user=world.committee)[1]}"}
    seen, failures = {}, []
    download = "/api/v1/documents/{kind}/{ref}/{fmt}/"
    for operation in _get_operations(api_schema):
        names = [p.name for p in operation.path_parameters]
        query = [p.name for p in operation.query if p.name in ID_PARAMS or p.name == "year"]
        path = {"kind": "rectification", "ref": "0", "fmt": "pdf"} if operation.path == download else {}
        path = path or dict.fromkeys(names, "1")
        cases = [("signed out", {}, operation.Case(path_parameters=path))]
        if names == ["id"]:
            cases.append(("nothing", headers, operation.Case(path_parameters={"id": 2**31 - 1})))
        if query and not names:
            cases.append(("bad query", headers, operation.Case(query={query[0]: "x"})))
        if operation.path == download:  # a refusal is JSON even to a client that asks for the PDF
            cases.append(("nothing", {**headers, "Accept": "application/pdf"}, operation.Case(path_parameters=path)))
        for label, case_headers, case in cases:
            try:
                response = case.call_and_validate(headers=case_headers, checks=CHECKS)
            except (AssertionError, BaseExceptionGroup) as exc:
                failures.append(f"{label}: GET {operation.path}: {_first_line(exc)}")
                continue
            seen.setdefault(response.status_code, 0)
            seen[response.status_code] += 1
            expected = {"signed out": 401, "nothing": 404, "bad query": 400}[label]
            if response.status_code != expected:
                failures.append(f"{label}: GET {operation.path} answered {response.status_code}, not {expected}")
            elif str(expected) not in operation.definition.raw["responses"]:
                failures.append(f"{label}: GET {operation.path} does not document its {expected}")
    assert not failures, "\n".join(failures)
    assert seen.get(401, 0) > 60 and seen.get(404, 0) > 30 and seen.get(400, 0) > 10, seen


def test_every_write_refuses_an_empty_body_exactly_as_documented(api_schema, world):
    """Each POST/PUT/PATCH with an empty body, as the committee, on a real row where the path names one: the
    answer (a field-keyed 400 from the page's form or the service, a 403/404, or the action done) must match
    the schema documented for its status."""
    from knox.models import AuthToken

    from tests.scoping import SAMPLES

    built = {model: sample.builder(world) for model, sample in SAMPLES.items()}
    headers = {"Authorization": f"Token {AuthToken.objects.create(user=world.committee)[1]}"}
    seen, failures = {}, []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() not in ("POST", "PUT", "PATCH") or operation.path == "/api/v1/auth/token/":
            continue
        names = [p.name for p in operation.path_parameters]
        path_parameters = {}
        if names:
            obj = built.get(_view_model(operation.path))
            if obj is None or names != ["id"]:
                continue
            path_parameters = {"id": obj.pk}
        bodies = operation.definition.raw.get("requestBody", {}).get("content", {})
        media_type = next(iter(bodies), None)
        body = {"body": {}, "media_type": media_type} if media_type else {}
        case = operation.Case(path_parameters=path_parameters, **body)
        try:
            response = case.call_and_validate(headers=headers, checks=CHECKS)
        except (AssertionError, BaseExceptionGroup) as exc:
            failures.append(f"{operation.method.upper()} {operation.path}: {_first_line(exc)}")
            continue
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
    assert not failures, "\n\n".join(failures)
    assert seen.get(400, 0) > 20, seen
