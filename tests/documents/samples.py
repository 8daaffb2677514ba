"""Small real files of every type offices upload, built in memory."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"PE\x00\x00"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (60, 40), "green").save(buf, format="PNG")
    return buf.getvalue()


def jpg() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (60, 40), "red").save(buf, format="JPEG")
    return buf.getvalue()


def docx() -> bytes:
    from docx import Document

    doc = Document()
    doc.add_paragraph("会议记录")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "台账"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def zip_archive(files: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in (files or {"材料/说明.txt": "附件".encode()}).items():
            z.writestr(name, data)
    return buf.getvalue()


def ofd() -> bytes:
    """An OFD (GB/T 33190) package: a zip container whose root holds OFD.xml."""
    return zip_archive(
        {
            "OFD.xml": b'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" '
            b'Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>'
            b"</ofd:DocBody></ofd:OFD>",
            "Doc_0/Document.xml": b"<ofd:Document/>",
        }
    )


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


ALLOWED_ON_MEETINGS = {
    "纪要.pdf": (PDF, "application/pdf"),
    "会议记录.docx": (None, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "签到表.xlsx": (None, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "材料.zip": (None, "application/zip"),
    "会场.png": (None, "image/png"),
    "会场.jpg": (None, "image/jpeg"),
}


def build(name: str) -> bytes:
    ext = name.rsplit(".", 1)[-1]
    return {"pdf": lambda: PDF, "docx": docx, "xlsx": xlsx, "zip": zip_archive, "png": png, "jpg": jpg, "ofd": ofd}[
        ext
    ]()
