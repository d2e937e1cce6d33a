"""A caption's simple markup: **strong**, *emphasis*, a blank line between paragraphs, a line break
where the author put one. Everything else is shown as written (math in Unicode: ŷ − y, ∂L/∂z, η,
σ(z)(1 − σ(z))); no HTML of the author's reaches the screen.
"""

from __future__ import annotations

import html
import re

__all__ = ["caption_html"]

_STRONG = re.compile(r"\*\*(.+?)\*\*", re.S)
_EMPHASIS = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", re.S)


def _paragraphs(text: str) -> list[list[str]]:
    """Paragraphs (split at blank lines), each a list of its lines."""
    blocks = re.split(r"\n\s*\n", text.strip())
    return [[line.strip() for line in block.splitlines() if line.strip()] for block in blocks if block.strip()]


def caption_html(text: str) -> str:
    """The caption as rich text for a QLabel or a PDF page."""
    out = []
    for lines in _paragraphs(text):
        body = "<br>".join(html.escape(line, quote=False) for line in lines)
        body = _EMPHASIS.sub(r"<i>\1</i>", _STRONG.sub(r"<b>\1</b>", body))
        out.append(body)
    return (
        "<p style='margin:0'>" + "</p><p style='margin-top:0.4em; margin-bottom:0'>".join(out) + "</p>" if out else ""
    )
