import pytest
from rest_framework.test import APIClient

from tests.world import PASSWORD

pytestmark = pytest.mark.django_db


def test_token_endpoint_gives_a_token(world):
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": "secretary", "password": PASSWORD}, format="json")
    assert response.status_code == 200 and response.json()["token"]


def test_token_endpoint_says_what_is_wrong(world):
    response = APIClient().post("/api/v1/auth/token/", {"username": "secretary", "password": "x"}, format="json")
    assert response.status_code == 400 and "detail" in response.json()


def test_secretary_token_lists_only_their_branch_and_groups(world):
    client = APIClient()
    token = client.post("/api/v1/auth/token/", {"username": "secretary", "password": PASSWORD}).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    data = client.get("/api/v1/organizations/").json()
    assert {r["name"] for r in data["results"]} == {"甲局第一党支部", "第一党小组"}
    assert set(data) >= {"count", "next", "previous", "results"}
    assert set(data["results"][0]) >= {"id", "name", "kind", "parent", "unit", "term_start", "term_end"}
    assert client.get(f"/api/v1/organizations/{world.branch_a2.pk}/").status_code == 404


def test_api_list_query_count_is_fixed(world, api_for, django_assert_max_num_queries):
    client = api_for(world.committee)
    with django_assert_max_num_queries(8):
        client.get("/api/v1/organizations/")


def test_schema_and_docs_are_served_offline(client_for, world):
    client = client_for(world.secretary)  # signed-in callers only (security review F13)
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/").content.decode()
    assert "http://" not in docs.replace("http://testserver", "") and "https://" not in docs


def test_unauthenticated_api_is_refused_with_json(client, db):
    response = client.get("/api/v1/organizations/")
    assert response.status_code in (401, 403) and "detail" in response.json()


def test_a_refusal_has_its_shape(world, api_for):
    outside = api_for(world.outsider).get(f"/api/v1/organizations/{world.branch_a1.pk}/")
    assert outside.status_code == 404 and isinstance(outside.json()["detail"], str)
    bad = api_for(world.committee).get("/api/v1/members/", {"org": "x"})
    assert bad.status_code == 400 and all(isinstance(v, (list, str)) for v in bad.json().values())


def _operations(schema):
    methods = {"get", "post", "put", "patch", "delete"}
    return {(m, p): op for p, ops in schema["paths"].items() for m, op in ops.items() if m in methods}


def test_each_operation_documents_the_refusals_it_can_give(client_for, world):
    """Issue 26: 400 only where a body or a query can be refused, 401/403 where a caller must sign in, 404
    where the path names an object or a list pages, 429 where throttled; Error and ValidationError shapes."""
    schema = client_for(world.committee).get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    assert components["Error"]["required"] == ["detail"]
    assert components["ValidationError"]["properties"]["non_field_errors"]["items"] == {"type": "string"}
    operations = _operations(schema)
    assert len(operations) > 150

    def codes(method, path):
        return {c for c in operations[(method, path)]["responses"] if c >= "4"}

    assert codes("post", "/api/v1/auth/token/") == {"400", "429"}  # anyone may ask for a token
    assert codes("get", "/api/v1/organizations/") == {"400", "401", "403", "404", "429"}  # filters, pages
    assert codes("get", "/api/v1/organizations/{id}/") == {"401", "403", "404", "429"}  # nothing to refuse as input
    assert codes("get", "/api/v1/document-kinds/") == {"401", "403", "429"}
    assert codes("post", "/api/v1/meetings/") == {"400", "401", "403", "429"}
    for (method, path), operation in operations.items():
        responses = operation["responses"]
        for code in {"401", "403", "404", "429"} & set(responses):
            assert responses[code]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
        if method != "get":
            assert responses["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/ValidationError")
        if "{" in path:
            assert "404" in responses, (method, path)


def test_an_api_url_that_matches_no_view_is_refused_in_json(client_for, world):
    client = client_for(world.committee)
    response = client.get("/api/v1/meetings/-1/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json()["detail"] == "未找到，或不在您的权限范围内。"
    assert client.get("/api/v1/no-such-thing/").json()["detail"]
    page = client.get("/meetings/no-such-thing/")  # pages keep their HTML page
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_a_download_refusal_is_json_even_when_the_client_asks_for_the_file(world, api_for):
    client = api_for(world.outsider)
    url = "/api/v1/documents/rectification/0/pdf/"
    for accept in ("application/pdf", "text/html", "*/*"):
        response = client.get(url, HTTP_ACCEPT=accept)
        assert response.status_code == 404 and response["Content-Type"] == "application/json", accept
        assert isinstance(response.json()["detail"], str)
    assert client.get("/api/v1/documents/rectification/0/xls/").json()["detail"]  # no such format: JSON too
