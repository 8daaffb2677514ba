"""The one document layer every app calls (ground floor).

- ``xlsx``: Excel exports: formula neutralisation, local (Asia/Shanghai) dates and times,
  print setup (A4, landscape where wide, fit to width, repeated header, frozen panes, page numbers),
  column widths that fit Chinese text, streamed (write-only) workbooks.
- ``official``: GB/T 9704-2012 official documents as .docx and PDF from one source.
- ``upload_types``: what an uploaded file really is (by content), per-field allowlists.
"""
