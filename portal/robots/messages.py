"""Messages for 企业微信 / 钉钉 group robots: size limits, 钉钉 加签, payloads, posting.

Both platforms answer HTTP 200 with ``{"errcode": 0}`` on success. 企业微信's text message is at
most 2,048 bytes (UTF-8); 钉钉 refuses long messages too, so one limit applies to both
(``ROBOT_TEXT_LIMIT_BYTES``). A longer text is split at line boundaries into numbered parts,
each under the limit, each carrying the 钉钉 keyword when one is set.

钉钉 加签: ``sign = urlencode(base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}")))``,
``timestamp`` in milliseconds, both added to the webhook URL's query.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable
from urllib.parse import quote_plus

from django.conf import settings

from .. import outbound

# Known robot error codes, in words (the answer's own text is never stored).
ROBOT_ERRORS = {
    310000: "DingTalk: keyword, signature or IP check failed",
    130101: "DingTalk: too many messages (20 per minute)",
    300001: "DingTalk: token invalid",
    93000: "WeCom: invalid webhook key",
    45009: "WeCom: too many messages (20 per minute)",
    40058: "WeCom: message too long",
}


class RobotError(Exception):
    def __init__(self, message: str, *, permanent: bool = False, sent: int = 0):
        super().__init__(message)
        self.permanent = permanent
        self.sent = sent  # parts that arrived before the failure


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def _cut(line: str, budget: int) -> list[str]:
    """A line longer than the budget, cut at character boundaries."""
    pieces, current = [], ""
    for ch in line:
        if utf8_len(current + ch) > budget:
            pieces.append(current)
            current = ""
        current += ch
    if current:
        pieces.append(current)
    return pieces


def split_text(text: str, *, limit: int | None = None, keyword: str = "") -> list[str]:
    """Parts of ``text`` under ``limit`` bytes, split at line boundaries, numbered when several."""
    limit = limit or settings.ROBOT_TEXT_LIMIT_BYTES
    head = f"【{keyword}】" if keyword else ""
    marker_room = utf8_len(" (99/99)")
    budget = limit - utf8_len(head) - marker_room - 1
    if utf8_len(head + text) <= limit:
        return [text if keyword in text else head + text]
    lines: list[str] = []
    for line in text.split("\n"):
        lines += _cut(line, budget) if utf8_len(line) > budget else [line]
    chunks, current = [], []
    for line in lines:
        candidate = "\n".join([*current, line])
        if current and utf8_len(candidate) > budget:
            chunks.append("\n".join(current))
            current = [line]
        else:
            current.append(line)
    if current:
        chunks.append("\n".join(current))
    total = len(chunks)
    parts = []
    for index, chunk in enumerate(chunks, 1):
        first, _sep, rest = chunk.partition("\n")
        numbered = f"{first} ({index}/{total})" + (f"\n{rest}" if rest else "")
        parts.append(numbered if keyword in numbered else head + numbered)
    return parts


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def signed_url(url: str, secret: str, *, now_ms: int | None = None) -> str:
    if not secret:
        return url
    timestamp = now_ms if now_ms is not None else int(time.time() * 1000)
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={timestamp}&sign={dingtalk_sign(secret, timestamp)}"


def payload(content: str) -> dict:
    # The text payload is the same on both platforms.
    return {"msgtype": "text", "text": {"content": content}}


def post_parts(
    *,
    url: str,
    parts: list[str],
    secret: str = "",
    start: int = 0,
    extra: dict | None = None,
    send: Callable | None = None,
) -> int:
    """Send ``parts[start:]`` in order; returns how many parts have arrived in all.

    Raises ``RobotError`` (with ``sent``) at the first failure, so a retry resumes there.
    """
    sent = start
    send = send or outbound.send
    for content in parts[start:]:
        try:
            reply = send("POST", signed_url(url, secret), json={**payload(content), **(extra or {})})
        except outbound.UnsafeURL as exc:
            raise RobotError("; ".join(exc.messages)[:500], permanent=True, sent=sent) from exc
        except outbound.SendError as exc:
            raise RobotError(str(exc)[:500], sent=sent) from exc
        if reply.status >= 300:
            raise RobotError(f"HTTP {reply.status}", sent=sent)
        code = reply.data.get("errcode") if isinstance(reply.data, dict) else None
        if code not in (None, 0):
            words = ROBOT_ERRORS.get(code, "robot refused the message")
            raise RobotError(f"errcode {code}: {words}", sent=sent)
        sent += 1
    return sent
