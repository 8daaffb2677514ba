"""Photos on research topics and files on first secretaries' quarterly reports, through branches/uploads (issue 19)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from branches.models import AuditEntry
from practice.research import services as research
from practice.research.models import ResearchPhoto
from practice.village import services as village
from practice.village.models import VillageReport, VillageReportFile
from tests.samples.practice import _docx, png

from .test_research_village import DAY, posting, topic

pytestmark = pytest.mark.django_db


def html(name="x.png"):
    return SimpleUploadedFile(name, b"<html><script>alert(1)</script></html>", content_type="image/png")


def test_photos_are_added_checked_and_audited(world):
    t = topic(world)
    saved = research.add_photos(actor=world.secretary, topic=t, photos=[png("走访.png"), png("座谈.png")])
    assert [p.original_name for p in saved] == ["走访.png", "座谈.png"] and saved[0].thumbnail
    assert AuditEntry.objects.filter(action="research.photos", object_id=str(t.pk)).exists()
    with pytest.raises(ValidationError):
        research.add_photos(actor=world.secretary, topic=t, photos=[_docx("报告.docx")])
    with pytest.raises(ValidationError):
        research.add_photos(actor=world.secretary, topic=t, photos=[html()])
    with pytest.raises(ValidationError):
        research.add_photos(actor=world.secretary, topic=t, photos=[png() for _ in range(8)])
    assert t.photos.count() == 2


def test_a_topic_is_registered_with_photos_on_the_page(world, client_for):
    c = client_for(world.secretary)
    r = c.post(
        reverse("practice:research_create"),
        {
            "organization": world.branch_a1.pk,
            "year": 2026,
            "title": "青年干部成长调研",
            "photos": [png(), png("b.png")],
        },
    )
    assert r.status_code == 302
    photos = ResearchPhoto.objects.filter(topic__title="青年干部成长调研")
    assert photos.count() == 2


def test_the_detail_page_adds_photos_and_says_what_is_wrong(world, client_for):
    t = topic(world)
    c = client_for(world.secretary)
    url = reverse("practice:research_photo_add", args=[t.pk])
    ok = c.post(url, {"photos": [png()]}, follow=True)
    assert t.photos.count() == 1
    body = ok.content.decode()
    assert reverse("practice:research_photo_thumb", args=[t.photos.get().pk]) in body
    bad = c.post(url, {"photos": [html("假图片.png")]}, follow=True)
    assert t.photos.count() == 1
    assert any("假图片.png" in str(m) for m in bad.context["messages"])
    assert client_for(world.outsider).post(url, {"photos": [png()]}).status_code == 404


def test_photos_are_served_inside_and_404_beside(world, client_for):
    t = topic(world)
    (photo,) = research.add_photos(actor=world.secretary, topic=t, photos=[png()])
    for name in ("practice:research_photo", "practice:research_photo_thumb"):
        url = reverse(name, args=[photo.pk])
        for persona in ("committee", "unit_admin", "secretary"):
            assert client_for(world.users[persona]).get(url).status_code == 200, persona
        for persona in ("outsider", "other_admin", "nobody"):
            assert client_for(world.users[persona]).get(url).status_code == 404, persona


def test_the_topic_page_keeps_its_query_count_with_photos(world, client_for, django_assert_max_num_queries):
    from tests.notices.helpers import count_queries

    t = topic(world)
    c = client_for(world.secretary)
    url = reverse("practice:research_detail", args=[t.pk])
    research.add_photos(actor=world.secretary, topic=t, photos=[png()])
    c.get(url)
    with count_queries() as few:
        c.get(url)
    research.add_photos(actor=world.secretary, topic=t, photos=[png() for _ in range(4)])
    with django_assert_max_num_queries(few.n):
        c.get(url)


def test_the_api_adds_photos(world, api_for):
    t = topic(world)
    r = api_for(world.secretary).post(
        f"/api/v1/research-topics/{t.pk}/photos/", {"photos": [png(), png("b.png")]}, format="multipart"
    )
    assert r.status_code == 201 and len(r.json()["photos"]) == 2
    bad = api_for(world.secretary).post(
        f"/api/v1/research-topics/{t.pk}/photos/", {"photos": [html()]}, format="multipart"
    )
    assert bad.status_code == 400
    assert (
        api_for(world.outsider)
        .post(f"/api/v1/research-topics/{t.pk}/photos/", {"photos": [png()]}, format="multipart")
        .status_code
        == 404
    )


def test_a_quarterly_report_carries_checked_files(world):
    p = posting(world)
    report = village.file_report(
        actor=world.member, posting=p, quarter="2026-Q1", content="走访农户50户", files=[_docx(), png()], today=DAY
    )
    assert sorted(report.files.values_list("original_name", flat=True)) == ["photo.png", "报告.docx"]
    entry = AuditEntry.objects.get(action="village.report", object_id=str(report.pk))
    assert entry.after["files"] == ["报告.docx", "photo.png"]
    with pytest.raises(ValidationError):  # a web page disguised as a picture: nothing is filed
        village.file_report(
            actor=world.member,
            posting=p,
            quarter="2026-Q2",
            content="x",
            files=[html()],
            today=datetime.date(2026, 7, 1),
        )
    assert not VillageReport.objects.filter(quarter="2026-Q2").exists()


def test_the_first_secretary_files_with_files_on_the_page_and_only_scope_downloads(world, client_for):
    p = posting(world)
    c = client_for(world.member)  # the first secretary
    r = c.post(
        reverse("practice:village_report_add", args=[p.pk]),
        {"quarter": "2026-Q1", "content": "走访农户", "files": [_docx()]},
    )
    assert r.status_code == 302
    f = VillageReportFile.objects.get()
    body = client_for(world.committee).get(reverse("practice:village_detail", args=[p.pk])).content.decode()
    assert reverse("practice:village_report_file", args=[f.pk]) in body
    url = reverse("practice:village_report_file", args=[f.pk])
    for persona in ("committee", "unit_admin", "member"):
        assert client_for(world.users[persona]).get(url).status_code == 200, persona
    for persona in ("outsider", "other_admin", "secretary", "nobody"):
        assert client_for(world.users[persona]).get(url).status_code == 404, persona


def test_the_api_files_a_report_with_files(world, api_for):
    p = posting(world)
    r = api_for(world.member).post(
        f"/api/v1/first-secretaries/{p.pk}/reports/",
        {"quarter": "2026-Q1", "content": "走访", "files": [_docx()]},
        format="multipart",
    )
    assert r.status_code == 201, r.content
    assert r.json()["files"] == ["报告.docx"]
