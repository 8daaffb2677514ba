"""The simple formatting of notice bodies: a short allowlist of tags, everything else removed (nh3)."""

import nh3
from django.utils.html import escape, linebreaks

TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "h3",
    "h4",
    "blockquote",
    "a",
    "table",
    "tr",
    "td",
    "th",
}
ATTRIBUTES = {"a": {"href", "title"}}


def sanitise(text: str) -> str:
    """Plain text becomes paragraphs; HTML keeps only the allowed tags (no scripts, styles or handlers)."""
    text = (text or "").strip()
    if not text:
        return ""
    if "<" not in text:
        return linebreaks(escape(text))
    return nh3.clean(
        text, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer"
    )
