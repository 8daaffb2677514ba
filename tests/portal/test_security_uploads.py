"""Uploads: content sniffing, size limits, EXIF (GPS) stripped, Content-Disposition set."""

import io
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from branches.uploads import _reencode_image, serve, validate_upload


def _png_with_gps() -> bytes:
    img = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 29.0)}  # GPSInfo
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    img.save(out, format="PNG", exif=exif)
    return out.getvalue()


def test_a_png_with_gps_exif_loses_it_when_stored():
    data = _png_with_gps()
    with Image.open(io.BytesIO(data)) as before:
        assert before.getexif().get_ifd(0x8825)  # the fixture really carries a location
    mime = validate_upload(SimpleUploadedFile("photo.png", data), kinds=("image",))
    cleaned, thumb = _reencode_image(data, mime)
    with Image.open(io.BytesIO(cleaned)) as after:
        assert not after.getexif().get_ifd(0x8825)
        assert 0x010F not in after.getexif()
        assert after.size == (40, 30)
    assert thumb


def test_an_exe_renamed_to_jpg_is_refused_with_a_chinese_message():
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"PE\x00\x00"
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        validate_upload(SimpleUploadedFile("holiday.jpg", exe), kinds=("image", "document"))
    message = exc.value.messages[0]
    assert "holiday.jpg" in message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message)


def test_an_oversize_file_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * 2048)
    with pytest.raises(ValidationError) as exc:
        validate_upload(big, kinds=("image",))
    assert "big.png" in exc.value.messages[0]


def test_served_files_carry_a_content_disposition_and_nosniff():
    fake_file = SimpleNamespace(open=lambda mode: io.BytesIO(b"%PDF-1.4 test"))
    attachment = SimpleNamespace(
        file=fake_file, thumbnail=None, content_type="application/pdf", original_name="报告.pdf"
    )
    response = serve(attachment, inline=False)
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
