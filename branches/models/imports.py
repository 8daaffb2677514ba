import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..crypto import EncryptedTextField


class RosterUpload(models.Model):
    """A checked roster file waiting for the admin's confirmation (security review F10).

    Kept on the server, encrypted with the field-encryption key, referenced by a random id and
    only by the user who uploaded it, for a short time (``REGISTER_IMPORT_TTL_MINUTES``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(_("mode"), max_length=10)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content = EncryptedTextField(_("content"))  # base64 of the file, encrypted at rest
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("roster upload")
        verbose_name_plural = _("roster uploads")

    def __str__(self):
        return f"{self.filename} ({self.mode})"
