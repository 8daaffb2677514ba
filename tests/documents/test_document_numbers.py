"""The 发文字号 is issued by an explicit POST (audited, idempotent, by the issuing organisation's staff);
a GET only downloads: a draft without number and date before, the numbered document after."""

import io

import pytest
from django.urls import reverse
from docx import Document

from branches.audit import AuditEntry
from branches.models import IssuedNumber

pytestmark = pytest.mark.django_db


def _docx_text(response) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)


@pytest.fixture
def rect(world):
    from tests.samples.supervision import rectification

    return rectification(world)


def _number_url(kind, ref):
    return reverse("branches:document_number", args=[kind, ref])


def test_the_rectification_notice_is_a_draft_until_numbered_then_keeps_its_number(world, client_for, rect):
    c = client_for(world.committee)
    download = reverse("supervision:rectification_notice", args=[rect.pk])
    draft = _docx_text(c.get(download))
    assert "整改通知书" in draft and "〔" not in draft
    assert not IssuedNumber.objects.exists()
    page = reverse("supervision:rectification_detail", args=[rect.pk])
    assert 'data-testid="document-number-issue"' in c.get(page).content.decode()

    response = c.post(_number_url("rectification", rect.pk), {"next": page})
    assert response.status_code == 302 and response["Location"] == page
    issued = IssuedNumber.objects.get()
    assert issued.kind == "rectification" and issued.organization == world.root and issued.issued_by == world.committee
    assert issued.number.endswith(f"〔{issued.year}〕1号")
    entry = AuditEntry.objects.get(action="document.numbered")
    assert entry.actor_id == world.committee.pk
    assert issued.number in _docx_text(c.get(download))
    assert issued.number in c.get(page).content.decode()

    c.post(_number_url("rectification", rect.pk), {"next": page})  # idempotent: the same number, no new entry
    assert IssuedNumber.objects.count() == 1 and AuditEntry.objects.filter(action="document.numbered").count() == 1


def test_only_the_issuing_organisations_staff_number_and_outsiders_get_404(world, client_for, rect):
    url = _number_url("rectification", rect.pk)
    inside = client_for(world.secretary)  # sees the notice (its branch must rectify) but does not issue it
    assert inside.get(reverse("supervision:rectification_notice", args=[rect.pk])).status_code == 200
    response = inside.post(url, follow=True)
    assert "只有发文机关" in response.content.decode()
    for persona in ("outsider", "other_admin"):
        assert client_for(world.users[persona]).post(url).status_code == 404
    assert client_for(world.secretary).get(url).status_code == 405  # numbering is never a GET
    assert client_for(world.committee).post(_number_url("no-such-kind", rect.pk)).status_code == 404
    assert client_for(world.committee).post(_number_url("minutes", rect.pk)).status_code == 404
    assert not IssuedNumber.objects.exists()


def test_the_bulletin_and_the_result_notice_are_numbered_by_action(world, client_for):
    from tests.assessment.factories import TEST_METRIC, make_system, open_cycle, registered_metric

    with registered_metric(TEST_METRIC, {world.branch_a1.pk: 97.0}):
        cycle = open_cycle(make_system(), world.root)
    c = client_for(world.committee)
    c.get(reverse("assessment:result_notice", args=[cycle.pk]))
    c.get(reverse("supervision:bulletin_docx") + "?period=2026-03")
    assert not IssuedNumber.objects.exists()
    c.post(_number_url("assessment_result", cycle.pk))
    c.post(_number_url("bulletin", "2026-03"))
    numbers = dict(IssuedNumber.objects.values_list("kind", "number"))
    assert set(numbers) == {"assessment_result", "bulletin"}
    assert numbers["assessment_result"] in _docx_text(c.get(reverse("assessment:result_notice", args=[cycle.pk])))
    bulletin = _docx_text(c.get(reverse("supervision:bulletin_docx") + "?period=2026-03"))
    assert numbers["bulletin"] in bulletin
    unit_admin = client_for(world.unit_admin)  # reviews assessments but is not the work committee
    unit_admin.post(_number_url("assessment_result", cycle.pk))
    assert IssuedNumber.objects.count() == 2


def test_the_number_badge_costs_fixed_queries(world, client_for, rect, django_assert_max_num_queries):
    from branches.documents import services

    with django_assert_max_num_queries(4):
        state = services.number_state(world.committee, "rectification", rect.pk)
    assert state["may_number"] and state["issued"] is None


def test_the_documents_api_numbers_lists_and_downloads_in_scope(world, client_for, rect):
    c = client_for(world.committee)
    kinds = {k["name"]: k["numbered"] for k in c.get("/api/v1/document-kinds/").json()}
    assert kinds["rectification"] and kinds["bulletin"] and kinds["assessment_result"] and not kinds["minutes"]

    url = f"/api/v1/documents/rectification/{rect.pk}/number/"
    first = c.post(url)
    assert first.status_code == 201 and "〔" in first.json()["number"]
    again = c.post(url)
    assert again.status_code == 200 and again.json()["number"] == first.json()["number"]
    assert AuditEntry.objects.filter(action="document.numbered").count() == 1

    pdf = c.get(f"/api/v1/documents/rectification/{rect.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    docx = c.get(f"/api/v1/documents/rectification/{rect.pk}/docx/")
    assert first.json()["number"] in _docx_text(docx)

    listed = c.get("/api/v1/documents/?kind=rectification").json()["results"]
    assert [d["number"] for d in listed] == [first.json()["number"]]
    assert client_for(world.outsider).get(f"/api/v1/documents/rectification/{rect.pk}/pdf/").status_code == 404
    assert client_for(world.outsider).post(url).status_code == 404
    assert client_for(world.other_admin).get("/api/v1/documents/").json()["results"] == []
    told = client_for(world.secretary).post(url)
    assert told.status_code == 200 and told.json()["number"] == first.json()["number"]  # told, nothing issued
    assert client_for(world.secretary).get("/api/v1/documents/").json()["results"] == []  # issued by the root


def test_the_api_refuses_numbering_to_whoever_does_not_issue(world, client_for, rect):
    response = client_for(world.secretary).post(f"/api/v1/documents/rectification/{rect.pk}/number/")
    assert response.status_code == 403 and "发文机关" in response.content.decode()
    assert not IssuedNumber.objects.exists()


def test_the_issued_numbers_list_keeps_its_query_count(world, client_for, django_assert_max_num_queries):
    from branches import audit
    from branches.documents import numbering

    c = client_for(world.committee)
    c.get("/api/v1/documents/")
    for i in range(5):
        numbering.issue(actor=audit.SYSTEM, organization=world.root, kind="x", ref=("t", str(i)), title=f"通报{i}")
    with django_assert_max_num_queries(8):
        assert len(c.get("/api/v1/documents/").json()["results"]) == 5
