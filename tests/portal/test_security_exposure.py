"""Security review F13: reads never change state, the API schema needs a login, no caching of personal pages."""

import pytest
from django.urls import reverse
from knox.models import AuthToken

from branches.links import link_kind

pytestmark = pytest.mark.django_db


def test_the_api_schema_and_docs_need_a_login(client, client_for, world):
    assert client.get("/api/schema/").status_code in (401, 403)
    docs = client.get("/api/docs/")
    assert docs.status_code == 302 and docs["Location"].startswith(reverse("login"))
    assert client_for(world.secretary).get("/api/schema/").status_code == 200
    assert client_for(world.secretary).get("/api/docs/").status_code == 200


def test_signed_in_pages_and_exports_are_never_cached(client_for, world):
    c = client_for(world.secretary)
    for url in (reverse("me"), reverse("branches:member_list"), reverse("branches:member_export")):
        response = c.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_api_answers_with_a_token_are_never_cached(client, world):
    key = AuthToken.objects.create(user=world.secretary)[1]
    response = client.get("/api/v1/members/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("link", "kind"),
    [
        ("/orgs/1/", "internal"),
        ("https://www.gov.cn/zhengce/", "external"),
        ("http://10.1.2.3/report.pdf", "external"),
        ("//evil.example/", None),
        ("/\\evil.example/", None),
        ("javascript:alert(1)", None),
        ("https://", None),
        ("ftp://host/file", None),
        ("https://host/a b", None),
    ],
)
def test_evidence_links_are_a_portal_page_or_http_with_a_host(link, kind):
    assert link_kind(link) == kind
