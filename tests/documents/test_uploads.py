"""Uploads: an allowlist by detected content per field, size limits, random stored names with the
original name kept, previews of PDFs and images with safe headers, programs and web pages refused."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from branches.documents import filetypes
from branches.models import MeetingAttachment
from branches.uploads import detect_upload, serve, store_upload
from tests.documents import samples

OFFICE_TYPES = [
    ("通知.doc", lambda: samples.ole("WordDocument"), "doc", "application/msword"),
    ("通知.docx", samples.docx, "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("通知.wps", lambda: samples.ole("WordDocument"), "wps", "application/wps-office.wps"),
    ("新版通知.wps", samples.docx, "wps", "application/wps-office.wps"),
    ("统计.et", lambda: samples.ole("Workbook"), "et", "application/wps-office.et"),
    ("汇报.dps", lambda: samples.ole("PowerPoint Document"), "dps", "application/wps-office.dps"),
    ("统计.xls", lambda: samples.ole("Workbook"), "xls", "application/vnd.ms-excel"),
    ("统计.xlsx", samples.xlsx, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("公文.pdf", lambda: samples.PDF, "pdf", "application/pdf"),
    ("公文.ofd", samples.ofd, "ofd", "application/ofd"),
    ("照片.jpg", samples.jpg, "jpg", "image/jpeg"),
    ("照片.png", samples.png, "png", "image/png"),
    ("材料.zip", samples.zip_archive, "zip", "application/zip"),
]


@pytest.mark.parametrize(("name", "build", "ext", "mime"), OFFICE_TYPES, ids=[t[0] for t in OFFICE_TYPES])
def test_each_office_type_is_accepted_by_its_content(name, build, ext, mime):
    ftype = detect_upload(samples.upload(name, build()), kinds=("image", "document"))
    assert (ftype.ext, ftype.mime) == (ext, mime)


def test_an_ofd_is_its_zip_container_with_ofd_xml_and_a_plain_zip_is_not_an_ofd():
    assert filetypes.detect(io.BytesIO(samples.ofd()), "x.zip").ext == "ofd"
    assert filetypes.detect(io.BytesIO(samples.zip_archive({"ofd.txt": b"x"})), "x.ofd").ext == "zip"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("会议纪要.docx", samples.EXE),
        ("照片.jpg", samples.EXE),
        ("公文.pdf", samples.HTML),
        ("通知.doc", b"\xef\xbb\xbf  <html><body>hi</body></html>"),
        ("图.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>'),
        ("run.pdf", b"#!/bin/sh\nrm -rf /\n"),
    ],
)
def test_a_renamed_program_or_web_page_is_refused_with_a_clear_chinese_message(name, data):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        detect_upload(samples.upload(name, data), kinds=("image", "document"))
    message = exc.value.messages[0]
    assert name in message and "程序或网页" in message


def test_unknown_and_damaged_files_are_refused_in_chinese():
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as exc:
            detect_upload(samples.upload("说明.txt", "纯文本".encode()), kinds=("document",))
        assert "类型不被接受" in exc.value.messages[0] and "wps" in exc.value.messages[0]
        with pytest.raises(ValidationError) as exc:
            detect_upload(samples.upload("坏.zip", b"PK\x03\x04broken"), kinds=("document",))
        assert "损坏" in exc.value.messages[0]


def test_the_allowlist_is_per_field():
    with pytest.raises(ValidationError):
        detect_upload(samples.upload("公文.pdf", samples.PDF), kinds=("image",))
    with pytest.raises(ValidationError):
        detect_upload(samples.upload("材料.zip", samples.zip_archive()), kinds=("image", "office"))
    with pytest.raises(ValidationError):
        detect_upload(samples.upload("a.docx", samples.docx()), kinds=("pdf",))
    assert detect_upload(samples.upload("a.pdf", samples.PDF), kinds=("pdf",)).ext == "pdf"


def test_size_limits_per_kind(settings):
    settings.UPLOAD_MAX_BYTES_BY_KIND = {"image": 1024}
    big_photo = samples.upload("大.png", samples.png() + b"\x00" * 2048)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        detect_upload(big_photo, kinds=("image",))
    assert "大.png" in exc.value.messages[0] and "过大" in exc.value.messages[0]
    pdf = samples.upload("大.pdf", samples.PDF + b"\x00" * 2048)
    assert detect_upload(pdf, kinds=("document",)).ext == "pdf"  # documents keep the general limit


# A real attachment model, never saved here: a model class defined in a test would join the app
# registry and break deletions elsewhere in the same run (its table does not exist).
_Attachment = MeetingAttachment


@pytest.mark.django_db
def test_stored_under_a_random_name_with_the_original_name_kept(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    att = store_upload(_Attachment(), samples.upload("第一季度 报告.wps", samples.ole()), kinds=("document",))
    stored = Path(att.file.name).name
    assert stored.endswith(".wps") and "报告" not in att.file.name and len(stored) == 32 + 4
    assert att.original_name == "第一季度 报告.wps" and att.content_type == "application/wps-office.wps"
    renamed = store_upload(_Attachment(), samples.upload("纪要.docx", samples.PDF), kinds=("document",))
    assert renamed.content_type == "application/pdf" and renamed.original_name == "纪要.pdf"


def _served(name, data, content_type, inline=True):
    att = _Attachment(original_name=name, content_type=content_type)
    att.file = type("F", (), {"open": lambda self, mode: io.BytesIO(data)})()
    att.thumbnail = None
    return serve(att, inline=inline)


def test_pdf_previews_are_inline_and_sandboxed():
    response = _served("公文.pdf", samples.PDF, "application/pdf")
    assert response["Content-Disposition"].startswith("inline;") and "filename*=utf-8''" in response[
        "Content-Disposition"
    ].lower().replace("UTF-8", "utf-8")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"


def test_image_previews_are_inline_and_nothing_in_them_runs():
    response = _served("照片.png", samples.png(), "image/png")
    assert response["Content-Disposition"].startswith("inline;")
    assert (
        "default-src 'none'" in response["Content-Security-Policy"] and "sandbox" in response["Content-Security-Policy"]
    )


@pytest.mark.parametrize(
    ("name", "mime"),
    [
        ("通知.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("公文.ofd", "application/ofd"),
    ],
)
def test_other_types_are_always_downloads_even_if_a_view_asks_for_inline(name, mime):
    response = _served(name, b"x", mime, inline=True)
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
