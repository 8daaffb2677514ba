"""The one document layer every app calls (ground floor).

- ``xlsx``: Excel exports: formula neutralisation, local (Asia/Shanghai) dates and times,
  print setup (A4, landscape where wide, fit to width, repeated header, frozen panes, page numbers),
  column widths that fit Chinese text, streamed (write-only) workbooks.
- ``official``: GB/T 9704-2012 official documents as data; ``word.render`` (.docx) and
  ``pdf.render`` (PDF) lay them out from the same blocks; ``numbering.issue`` gives 发文字号.
- ``filetypes``: what an uploaded file really is (by content), per-field allowlists.

``respond(doc, fmt, name)`` answers a download of an official document as .docx or PDF.
"""

from __future__ import annotations

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
FORMATS = {"docx": DOCX, "pdf": PDF}


def render(doc, fmt: str) -> bytes:
    if fmt == "pdf":
        from . import pdf

        return pdf.render(doc)
    from . import word

    return word.render(doc)


def respond(doc, fmt: str, name: str):
    """The download of ``doc`` as ``fmt`` ("docx" or "pdf", anything else is .docx) named ``name``."""
    from .xlsx import response

    fmt = fmt if fmt in FORMATS else "docx"
    return response(render(doc, fmt), f"{name}.{fmt}", FORMATS[fmt])
