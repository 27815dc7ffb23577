"""Render a lesson's Markdown safely: HTML escaped, only headings, paragraphs, lists and emphasis."""

import re

from markupsafe import Markup, escape

HEADING = re.compile(r"^(#{1,4})\s+(.*)$")
BULLET = re.compile(r"^[-*+]\s+(.*)$")
NUMBERED = re.compile(r"^\d+[.)]\s+(.*)$")
STRONG = re.compile(r"\*\*(.+?)\*\*")
EMPHASIS = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?!\*)")
CODE = re.compile(r"`([^`]+)`")


def _inline(text: str) -> str:
    """Escape a line, then allow `code`, **bold** and *italic* (on the escaped text: no HTML can get in)."""
    html = str(escape(text))
    parts = CODE.split(html)  # odd indexes are code spans: no emphasis inside them
    for i, part in enumerate(parts):
        if i % 2:
            parts[i] = f"<code>{part}</code>"
        else:
            part = STRONG.sub(r"<strong>\1</strong>", part)
            parts[i] = EMPHASIS.sub(r"<em>\1</em>", part)
    return "".join(parts)


def render_lesson(body: str | None, top_level: int = 2) -> Markup:
    """Turn a Markdown lesson body into safe HTML; `#` becomes <h{top_level}>."""
    out: list[str] = []
    paragraph: list[str] = []
    list_tag: str | None = None

    def close_paragraph() -> None:
        if paragraph:
            out.append("<p>" + "<br>".join(paragraph) + "</p>")
            paragraph.clear()

    def close_list() -> None:
        nonlocal list_tag
        if list_tag:
            out.append(f"</{list_tag}>")
            list_tag = None

    for raw in (body or "").replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            close_paragraph()
            close_list()
            continue
        if heading := HEADING.match(line):
            close_paragraph()
            close_list()
            level = min(6, top_level + len(heading.group(1)) - 1)
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
            continue
        item, tag = None, None
        if bullet := BULLET.match(line):
            item, tag = bullet.group(1), "ul"
        elif numbered := NUMBERED.match(line):
            item, tag = numbered.group(1), "ol"
        if item is not None:
            close_paragraph()
            if list_tag != tag:
                close_list()
                out.append(f"<{tag}>")
                list_tag = tag
            out.append(f"<li>{_inline(item)}</li>")
            continue
        if list_tag and out[-1].endswith("</li>"):
            # a line straight after a list item continues it (Markdown's lazy continuation)
            out[-1] = f"{out[-1][: -len('</li>')]} {_inline(line)}</li>"
            continue
        paragraph.append(_inline(line))
    close_paragraph()
    close_list()
    return Markup("\n".join(out))  # noqa: S704 - every piece of text above went through escape()
