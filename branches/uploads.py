"""Uploaded files: checked by content, size-limited, images re-encoded, served only in scope.

Apps define concrete attachment models on ``AttachmentBase`` (adding the FK to
their parent record), accept files through ``store_upload`` in their services,
and serve them with ``serve`` from a view that first fetches the parent through
``visible_to`` (so an out-of-scope file is a 404).
"""

from __future__ import annotations

import hashlib
import io
import logging
import threading
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.signals import request_finished
from django.db import models, transaction
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .documents import filetypes

# Kept for callers that read them: the MIME types of each kind (the allowlists live in documents.filetypes).
IMAGE_TYPES = {t.mime: t.ext for t in filetypes.TYPES.values() if t.ext in filetypes.KINDS["image"]}
DOCUMENT_TYPES = {t.mime: t.ext for t in filetypes.TYPES.values() if t.ext in filetypes.KINDS["document"]}
VIDEO_TYPES = {t.mime: t.ext for t in filetypes.TYPES.values() if t.ext in filetypes.KINDS["video"]}
ALLOWED = {"image": IMAGE_TYPES, "document": DOCUMENT_TYPES, "video": VIDEO_TYPES}
INLINE_TYPES = set(IMAGE_TYPES) | set(VIDEO_TYPES) | {"application/pdf"}
THUMBNAIL_SIZE = (320, 320)
logger = logging.getLogger(__name__)


def _upload_to(instance, filename):
    return f"{instance._meta.app_label}/{instance._meta.model_name}/{uuid.uuid4().hex}/{filename}"


class AttachmentBase(models.Model):
    file = models.FileField(gettext_lazy("file"), upload_to=_upload_to, max_length=255)
    thumbnail = models.FileField(upload_to=_upload_to, max_length=255, blank=True)
    original_name = models.CharField(gettext_lazy("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGE_TYPES


def _reencode_image(data: bytes, mime: str) -> tuple[bytes, bytes]:
    """Re-encode (drops EXIF, including GPS location) and make a thumbnail."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            img = ImageOps.exif_transpose(img)
            fmt = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}[mime]
            if fmt == "JPEG" and img.mode not in ("RGB", "L"):
                img = img.convert("RGB")
            out = io.BytesIO()
            img.save(out, format=fmt)
            thumb = img.copy()
            thumb.thumbnail(THUMBNAIL_SIZE)
            if thumb.mode not in ("RGB", "L"):
                thumb = thumb.convert("RGB")
            tout = io.BytesIO()
            thumb.save(tout, format="JPEG", quality=80)
            return out.getvalue(), tout.getvalue()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ValidationError(_("The image file is damaged or not a real image.")) from exc


def max_bytes(kind: str) -> int:
    """The size limit of a kind of file: ``UPLOAD_MAX_BYTES_BY_KIND`` within ``UPLOAD_MAX_BYTES``."""
    by_kind = getattr(settings, "UPLOAD_MAX_BYTES_BY_KIND", {}) or {}
    return min(settings.UPLOAD_MAX_BYTES, by_kind.get(kind, settings.UPLOAD_MAX_BYTES))


def _too_large(uploaded, limit):
    return ValidationError(
        _("The file %(name)s is too large (at most %(mb)s MB).")
        % {
            "name": uploaded.name,
            "mb": max(1, limit // (1024 * 1024)) if limit >= 1024 * 1024 else "%.2f" % (limit / 1048576),
        }
    )


def detect_upload(uploaded, kinds=("image", "document")) -> filetypes.FileType:
    """The type of an upload by its content, checked against the field's allowlist and size limit."""
    allowed = filetypes.allowed(kinds)
    if uploaded.size > settings.UPLOAD_MAX_BYTES:
        raise _too_large(uploaded, settings.UPLOAD_MAX_BYTES)
    try:
        ftype = filetypes.detect(uploaded, uploaded.name)
    except filetypes.Dangerous:
        raise ValidationError(
            _("The file %(name)s is a program or a web page; such files cannot be uploaded.") % {"name": uploaded.name}
        ) from None
    except filetypes.Damaged:
        raise ValidationError(
            _("The file %(name)s is damaged and cannot be opened.") % {"name": uploaded.name}
        ) from None
    if ftype is None or ftype.ext not in allowed:
        names = ", ".join(sorted(filetypes.TYPES[e].ext for e in allowed))
        raise ValidationError(
            _("The file %(name)s is not an accepted type. Accepted: %(types)s.")
            % {"name": uploaded.name, "types": names}
        )
    limit = max_bytes(ftype.kind)
    if uploaded.size > limit:
        raise _too_large(uploaded, limit)
    return ftype


def validate_upload(uploaded, kinds=("image", "document")) -> str:
    """Return the detected MIME type, or raise ValidationError saying what is wrong."""
    return detect_upload(uploaded, kinds).mime


def store_upload(attachment: AttachmentBase, uploaded, *, kinds=("image", "document"), user=None) -> AttachmentBase:
    """Fill an (unsaved) attachment from an uploaded file; the caller saves it in its transaction."""
    ftype = detect_upload(uploaded, kinds)
    mime, ext = ftype.mime, ftype.ext
    data = uploaded.read()
    thumb = None
    if mime in IMAGE_TYPES:
        data, thumb = _reencode_image(data, mime)
    # Stored under a random name; the original name (with the extension its content has) for download.
    attachment.original_name = filetypes.download_name((uploaded.name or f"file.{ext}")[-200:], ftype)[-200:]
    attachment.content_type = mime
    attachment.size = len(data)
    attachment.sha256 = hashlib.sha256(data).hexdigest()
    attachment.uploaded_by = user if getattr(user, "pk", None) else None
    attachment.file.save(f"{uuid.uuid4().hex}.{ext}", ContentFile(data), save=False)
    if thumb is not None:
        attachment.thumbnail.save(f"{uuid.uuid4().hex}_thumb.jpg", ContentFile(thumb), save=False)
    _keep_only_if_committed(attachment)
    return attachment


# Files written by store_upload inside a transaction that has not committed yet. A file is kept
# when its transaction commits; when the transaction (or the savepoint it was written in) rolls
# back, Django drops the on_commit callback and ``discard_rolled_back_files`` removes the file, so a
# failed upload never leaves a file on disk without its row. Checked when each request finishes.
_pending = threading.local()


def _pending_files() -> list:
    if not hasattr(_pending, "items"):
        _pending.items = []
    return _pending.items


def _keep_only_if_committed(attachment: AttachmentBase) -> None:
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return  # autocommit: the caller saves the row at once
    fields = [f for f in (attachment.file, attachment.thumbnail) if f]
    entry = {"files": [(f.storage, f.name) for f in fields], "committed": False, "alias": connection.alias}

    def committed():
        entry["committed"] = True

    entry["callback"] = committed
    transaction.on_commit(committed)
    _pending_files().append(entry)


def discard_rolled_back_files(**_kwargs) -> int:
    """Delete the files of uploads whose transaction rolled back; returns how many were removed."""
    from django.db import connections

    removed = 0
    items = _pending_files()
    for entry in list(items):
        if not entry["committed"]:
            connection = connections[entry["alias"]]
            waiting = connection.in_atomic_block and any(
                func is entry["callback"] for _sids, func, _robust in connection.run_on_commit
            )
            if waiting:
                continue  # still inside its (test or request) transaction
            for storage, name in entry["files"]:
                try:
                    storage.delete(name)
                    removed += 1
                except OSError:  # pragma: no cover - a disk error must not break the response
                    logger.warning("could not remove the file of a failed upload")
        items.remove(entry)
    return removed


request_finished.connect(discard_rolled_back_files, dispatch_uid="branches.uploads.discard_rolled_back_files")


# Served files never run: nothing in them may load, script or navigate; PDFs in addition get the
# sandbox directive (Chromium strips CSP for its own PDF viewer, so the preview still shows).
FILE_CSP = "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; sandbox"
PDF_CSP = "sandbox"


def serve(attachment: AttachmentBase, *, thumbnail: bool = False, inline: bool = True) -> FileResponse:
    """Stream a file the caller has already checked is in scope.

    Only images, videos and PDFs are ever shown in the browser (the preview); every other type is a
    download whatever the caller asks. Headers: Content-Disposition with the original name,
    ``X-Content-Type-Options: nosniff``, a CSP that lets nothing in the file run.
    """
    field = attachment.thumbnail if thumbnail and attachment.thumbnail else attachment.file
    content_type = "image/jpeg" if field is attachment.thumbnail else attachment.content_type
    inline = inline and content_type in INLINE_TYPES
    response = FileResponse(
        field.open("rb"), content_type=content_type, as_attachment=not inline, filename=attachment.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = PDF_CSP if content_type == "application/pdf" else FILE_CSP
    response["Cache-Control"] = "private, max-age=3600"
    return response
