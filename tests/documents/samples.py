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


def build(name: str) -> bytes:
    ext = name.rsplit(".", 1)[-1]
    return {
        "pdf": lambda: PDF,
        "docx": docx,
        "xlsx": xlsx,
        "zip": zip_archive,
        "png": png,
        "jpg": jpg,
        "ofd": ofd,
        "doc": lambda: ole("WordDocument"),
        "wps": lambda: ole("WordDocument"),
        "et": lambda: ole("Workbook"),
    }[ext]()


def ole(stream: str = "WordDocument", size: int = 4096) -> bytes:
    """A minimal OLE2 compound file with one stream: the container of .doc/.xls/.ppt and WPS's
    .wps/.et/.dps (MS-CFB, version 3, 512-byte sectors; the stream is big enough to skip the mini stream)."""
    import struct

    free, end, fat_sect, nostream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    n = -(-size // 512)
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 0x03, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 0x28, 0, 1, 1, 0, 4096, end, 0, end, 0)
    difat = [0] + [free] * 108
    struct.pack_into("<109I", header, 0x4C, *difat)
    fat = [fat_sect, end] + [3 + i for i in range(n - 1)] + [end]
    fat += [free] * (128 - len(fat))
    fat_sector = struct.pack("<128I", *fat)

    def entry(name, kind, child=nostream, start=end, length=0):
        raw = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        raw[0 : len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 0x40, len(encoded), kind, 1)
        struct.pack_into("<III", raw, 0x44, nostream, nostream, child)
        struct.pack_into("<II", raw, 0x74, start, length)
        return bytes(raw)

    directory = entry("Root Entry", 5, child=1) + entry(stream, 2, start=2, length=size)
    directory += entry("", 0) + entry("", 0)
    data = (b"\x00" * size).ljust(n * 512, b"\x00")
    return bytes(header) + fat_sector + directory + data
