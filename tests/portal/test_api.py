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
