"""Render Markdown written by staff (lessons, announcements) safely: CommonMark without raw HTML, then
an allowlist sanitiser.

Two layers: markdown-it-py escapes any HTML typed into the text and refuses `javascript:`-style
links; nh3 (the Ammonia sanitiser) then keeps only the tags and attributes below, so no script, event
handler, style attribute or unsafe URL scheme reaches the page whatever the parser lets through.
"""

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

TAGS = {
    "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "strong", "em", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

_parser = (
    MarkdownIt("commonmark", {"html": False, "breaks": False, "xhtmlOut": False, "linkify": False})
    .enable(["table", "strikethrough"])
    .disable("image")  # pictures come from the platform (CSP img-src 'self'), not from lesson text
)


def sanitise(html: str) -> str:
    """Keep only the allowed tags, attributes and URL schemes; links get rel=noopener."""
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(body: str | None, top_level: int = 2) -> Markup:
    """Turn a Markdown text into safe HTML; `#` becomes <h{top_level}>."""
    if not body or not body.strip():
        return Markup("")
    tokens = _parser.parse(body.replace("\x00", ""))
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1:]) + top_level - 1)}"
    html = _parser.renderer.render(tokens, _parser.options, {})
    return Markup(sanitise(html).strip())  # noqa: S704 (sanitised by nh3 just above)  # nosec B704
