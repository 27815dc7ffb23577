"""Render lesson Markdown safely: CommonMark without raw HTML, then an allowlist sanitiser.

Two layers: markdown-it-py escapes any HTML typed into the lesson and refuses `javascript:`-style
links; nh3 (the Ammonia sanitiser) then keeps only the tags and attributes below, so no script, event
handler, style attribute or unsafe URL scheme reaches the page whatever the parser lets through.
"""

import re
from urllib.parse import parse_qs, urlsplit

from lms.markup import ATTRIBUTES, TAGS, URL_SCHEMES, sanitise  # noqa: F401  (one sanitiser for every text)
from lms.markup import render_markdown as render_lesson  # noqa: F401

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
