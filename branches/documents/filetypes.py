"""What an uploaded file really is, from its content (never from its name alone).

``detect(file, name)`` opens the container: OLE2 compound files (.doc/.xls/.ppt and WPS's
.wps/.et/.dps) by their streams, zip containers by their members (OOXML .docx/.xlsx/.pptx, WPS's
zip-based formats, OFD by its root ``OFD.xml`` per GB/T 33190-2016, else a plain .zip), everything
else by its magic bytes (PDF, JPEG, PNG, GIF, WebP, MP4, WebM). Within a family the name picks the
member: a Word-type OLE file named ``.wps`` is a WPS document, named anything else a ``.doc``.
A program or a web page is recognised as such, to be refused with its own message.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

import filetype

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# Refused outright, with a message saying why: programs, scripts and web pages.
DANGEROUS_MAGIC = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa")
DANGEROUS_TEXT = (b"<!doctype html", b"<html", b"<script", b"<svg", b"<?xml", b"<head", b"<body", b"<iframe")
# A zip whose members unpack to more than this is refused (a "zip bomb").
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024


@dataclass(frozen=True)
class FileType:
    ext: str
    mime: str
    kind: str  # "image", "document", "video"
    label: str  # what the user calls it


TYPES = {
    t.ext: t
    for t in [
        FileType("jpg", "image/jpeg", "image", "JPG"),
        FileType("png", "image/png", "image", "PNG"),
        FileType("gif", "image/gif", "image", "GIF"),
        FileType("webp", "image/webp", "image", "WebP"),
        FileType("pdf", "application/pdf", "document", "PDF"),
        FileType("ofd", "application/ofd", "document", "OFD"),
        FileType("doc", "application/msword", "document", "DOC"),
        FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "document", "DOCX"),
        FileType("wps", "application/wps-office.wps", "document", "WPS"),
        FileType("xls", "application/vnd.ms-excel", "document", "XLS"),
        FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "document", "XLSX"),
        FileType("et", "application/wps-office.et", "document", "ET"),
        FileType("ppt", "application/vnd.ms-powerpoint", "document", "PPT"),
        FileType(
            "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "document", "PPTX"
        ),
        FileType("dps", "application/wps-office.dps", "document", "DPS"),
        FileType("zip", "application/zip", "archive", "ZIP"),
        FileType("mp4", "video/mp4", "video", "MP4"),
        FileType("webm", "video/webm", "video", "WebM"),
    ]
}
BY_MIME = {t.mime: t for t in TYPES.values()}
# Allowlists by field kind (``store_upload(kinds=...)``). "document" keeps .zip for the fields that
# always took it; a field that wants no archives passes ("image", "office").
KINDS = {
    "image": {"jpg", "png", "gif", "webp"},
    "office": {"pdf", "ofd", "doc", "docx", "wps", "xls", "xlsx", "et", "ppt", "pptx", "dps"},
    "document": {"pdf", "ofd", "doc", "docx", "wps", "xls", "xlsx", "et", "ppt", "pptx", "dps", "zip"},
    "archive": {"zip"},
    "pdf": {"pdf"},
    "video": {"mp4", "webm"},
}
# Families: one container, several names.
OLE_FAMILIES = {"WordDocument": ("doc", "wps"), "Workbook": ("xls", "et"), "Book": ("xls", "et")}
OLE_FAMILIES["PowerPoint Document"] = ("ppt", "dps")
OOXML_FAMILIES = {
    "word/document.xml": ("docx", "wps"),
    "xl/workbook.xml": ("xlsx", "et"),
    "ppt/presentation.xml": ("pptx", "dps"),
}


class Dangerous(Exception):
    """The file is a program or a web page."""


class Damaged(Exception):
    """The container is broken (a zip or OLE file that does not open)."""


def claimed_ext(name: str | None) -> str:
    name = (name or "").lower()
    return name.rsplit(".", 1)[-1] if "." in name else ""


def _pick(family: tuple[str, ...], name: str | None) -> FileType:
    ext = claimed_ext(name)
    return TYPES[ext if ext in family else family[0]]


def _ole(file, name) -> FileType | None:
    import olefile

    try:
        with olefile.OleFileIO(file) as ole:
            streams = {"/".join(parts) for parts in ole.listdir()}
    except OSError as exc:
        raise Damaged from exc
    for stream, family in OLE_FAMILIES.items():
        if stream in streams:
            return _pick(family, name)
    return None


def _zip(file, name) -> FileType:
    try:
        with zipfile.ZipFile(file) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Damaged from exc
    names = {i.filename for i in infos}
    if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
        raise Dangerous
    if "OFD.xml" in names:
        return TYPES["ofd"]
    for member, family in OOXML_FAMILIES.items():
        if member in names:
            return _pick(family, name)
    return TYPES["zip"]


def detect(file, name: str | None = None) -> FileType | None:
    """The type of ``file`` (a seekable binary file) by content; None when not a known type.

    Raises ``Dangerous`` for programs and web pages, ``Damaged`` for broken containers.
    The file is left at position 0.
    """
    file.seek(0)
    head = file.read(8192)
    file.seek(0)
    try:
        if head.startswith(OLE_MAGIC):
            return _ole(file, name)
        if head.startswith(ZIP_MAGIC):
            return _zip(file, name)
        if head.startswith(DANGEROUS_MAGIC) or head.lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith(DANGEROUS_TEXT):
            raise Dangerous
        guess = filetype.guess(head)
        found = BY_MIME.get(guess.mime) if guess else None
        if found is None and b"<script" in head.lower():
            raise Dangerous
        return found
    finally:
        file.seek(0)


def allowed(kinds) -> set[str]:
    return set().union(*(KINDS[k] for k in kinds))


def download_name(original: str, ftype: FileType) -> str:
    """The original name, with the extension the content really has."""
    stem, _dot, ext = (original or "file").rpartition(".")
    if not _dot:
        stem, ext = original or "file", ""
    if ext.lower() == ftype.ext or (ftype.ext == "jpg" and ext.lower() == "jpeg"):
        return original
    return f"{stem}.{ftype.ext}"
