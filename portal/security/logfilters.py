"""Keep ID numbers and phone numbers out of logs and error reports."""

import logging
import re

from django.views.debug import SafeExceptionReporterFilter

# 18-character citizen ID numbers (last may be X) and 11-digit mainland mobile numbers.
ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])")
PHONE_PATTERN = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask_text(text: str) -> str:
    text = ID_PATTERN.sub(lambda m: m.group(1)[:3] + "*" * 11 + m.group(2)[-4:], text)
    return PHONE_PATTERN.sub(lambda m: m.group(1) + "****" + m.group(2), text)


class MaskPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave the record as it is
            return True
        masked = mask_text(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_text(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        return True


class MaskingExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error reports (DEBUG pages, admin mails) with personal numbers masked."""

    hidden_settings = re.compile("API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE", flags=re.I)

    def get_post_parameters(self, request):
        params = super().get_post_parameters(request)
        if params:
            params = params.copy()
            for key, values in params.lists():
                params.setlist(key, [mask_text(str(v)) for v in values])
        return params

    def get_traceback_frame_variables(self, request, tb_frame):
        return [
            (name, mask_text(str(value))) for name, value in super().get_traceback_frame_variables(request, tb_frame)
        ]
