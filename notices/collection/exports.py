"""The accepted files as one zip named by organisation (streamed), the structured answers as Excel."""

from __future__ import annotations

import io
import re
import zipfile

from .models import MaterialRequest, Submission, SubmissionFile, SubmissionStatus

CHUNK = 64 * 1024
UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


class _Pipe(io.RawIOBase):
    """A write-only sink that hands each written piece to the generator reading it."""

    def __init__(self):
        self.parts: list[bytes] = []

    def writable(self):
        return True

    def write(self, b):
        self.parts.append(bytes(b))
        return len(b)

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def accepted_files(request: MaterialRequest):
    return (
        SubmissionFile.objects.filter(submission__request=request, submission__status=SubmissionStatus.ACCEPTED)
        .select_related("submission__organization")
        .order_by("submission__organization__path", "id")
    )


def zip_stream(request: MaterialRequest):
    """Yield the zip piece by piece: ``组织名/原文件名``; nothing is held whole in memory."""
    pipe = _Pipe()
    used: set[str] = set()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for att in accepted_files(request).iterator(chunk_size=200):
            org = UNSAFE.sub("_", att.submission.organization.name)
            name = f"{org}/{UNSAFE.sub('_', att.original_name)}"
            base, n = name, 1
            while name in used:
                n += 1
                name = f"{base.rsplit('.', 1)[0]}({n}).{base.rsplit('.', 1)[-1]}" if "." in base else f"{base}({n})"
            used.add(name)
            with att.file.open("rb") as src, zf.open(name, "w") as dest:
                while chunk := src.read(CHUNK):
                    dest.write(chunk)
                    yield pipe.take()
            yield pipe.take()
    yield pipe.take()


def answers_xlsx(request: MaterialRequest) -> bytes:
    """One row per target organisation, one column per field; openpyxl's write-only mode."""
    from branches.documents import xlsx  # formulas neutralised, local times, print setup (F4)

    book = xlsx.Book()
    fields = [f for f in request.fields if f["type"] != "file"]
    ws = book.sheet(
        "报送汇总", ["组织", "状态", "报送时间", "逾期", *[f["label"] for f in fields], "备注"], title=request.title
    )
    labels = dict(Submission._meta.get_field("status").choices)
    rows = (
        Submission.objects.filter(request=request)
        .select_related("organization")
        .only("status", "answers", "submitted_at", "is_late", "note", "organization__name", "organization__path")
        .order_by("organization__path")
    )
    for s in rows.iterator(chunk_size=500):
        ws.append(
            [
                s.organization.name,
                str(labels[s.status]),
                s.submitted_at,
                "是" if s.is_late else "",
                *[s.answers.get(f["key"], "") for f in fields],
                s.note,
            ]
        )
    return book.bytes()
