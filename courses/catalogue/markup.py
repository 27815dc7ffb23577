"""Render lesson Markdown safely: CommonMark without raw HTML, then an allowlist sanitiser.

Two layers: markdown-it-py escapes any HTML typed into the lesson and refuses `javascript:`-style
links; nh3 (the Ammonia sanitiser) then keeps only the tags and attributes below, so no script, event
handler, style attribute or unsafe URL scheme reaches the page whatever the parser lets through.
"""

import re
from urllib.parse import parse_qs, urlsplit

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


def render_lesson(body: str | None, top_level: int = 2) -> Markup:
    """Turn a Markdown lesson body into safe HTML; `#` becomes <h{top_level}>."""
    if not body or not body.strip():
        return Markup("")
    tokens = _parser.parse(body.replace("\x00", ""))
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1:]) + top_level - 1)}"
    html = _parser.renderer.render(tokens, _parser.options, {})
    return Markup(sanitise(html).strip())  # noqa: S704 (sanitised by nh3 just above)  # nosec B704


YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtube-nocookie.com", "www.youtube-nocookie.com"}
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^[0-9]{1,12}$")


def normalise_video_url(url: str) -> str | None:
    """Return the canonical https link of a YouTube or Vimeo video, or None if `url` is not one."""
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        return None
    if parts.scheme != "https" or parts.username or parts.password or port:
        return None
    host = (parts.hostname or "").lower()
    segments = [s for s in parts.path.split("/") if s]
    if host in YOUTUBE_HOSTS or host == "youtu.be":
        query = parse_qs(parts.query)
        if host == "youtu.be":
            video = segments[0] if len(segments) == 1 else ""
        elif segments == ["watch"]:
            video = (query.get("v") or [""])[0]
        elif len(segments) == 2 and segments[0] in ("embed", "shorts", "live", "v"):
            video = segments[1]
        else:
            video = ""
        if not _YOUTUBE_ID.match(video):
            return None
        start = (query.get("t") or [""])[0].rstrip("s")
        return f"https://www.youtube.com/watch?v={video}" + (f"&t={start}" if start.isdigit() else "")
    if host in VIMEO_HOSTS:
        video = segments[-1] if segments and (len(segments) == 1 or segments[0] == "video") else ""
        return f"https://vimeo.com/{video}" if _VIMEO_ID.match(video) and len(segments) <= 2 else None
    return None


def video_site(url: str | None) -> str:
    """Return the name of the site a video link points to (YouTube or Vimeo)."""
    host = (urlsplit(url or "").hostname or "").lower()
    return "Vimeo" if host in VIMEO_HOSTS else "YouTube"
