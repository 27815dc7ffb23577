"""Lesson bodies: CommonMark without raw HTML, sanitised; hostile Markdown never yields script."""

import pytest

from courses.catalogue.markup import normalise_video_url, render_lesson, sanitise


@pytest.mark.parametrize(
    "body, expected",
    [
        ("# Tiêu đề", "<h2>Tiêu đề</h2>"),
        ("## Mục", "<h3>Mục</h3>"),
        ("dòng 1\ndòng 2\n\ndòng 3", "<p>dòng 1\ndòng 2</p>\n<p>dòng 3</p>"),  # a soft break: a space
        ("- một\n- hai", "<ul>\n<li>một</li>\n<li>hai</li>\n</ul>"),
        ("1. một\n2. hai", "<ol>\n<li>một</li>\n<li>hai</li>\n</ol>"),
        ("3. ba\n4. bốn", '<ol start="3">\n<li>ba</li>\n<li>bốn</li>\n</ol>'),
        ("**đậm** và *nghiêng*", "<p><strong>đậm</strong> và <em>nghiêng</em></p>"),
        ("mã `1*2*3`", "<p>mã <code>1*2*3</code></p>"),
        (
            "[Cổng DVC](https://dichvucong.gov.vn)",
            '<p><a href="https://dichvucong.gov.vn" rel="nofollow noopener noreferrer">Cổng DVC</a></p>',
        ),
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ('<img src=x onerror="alert(1)">', '<p>&lt;img src=x onerror="alert(1)"&gt;</p>'),
        ("[link](javascript:alert(1))", "<p>[link](javascript:alert(1))</p>"),
        ("", ""),
    ],
)
def test_render_lesson(body, expected):
    assert str(render_lesson(body)) == expected


def test_heading_levels_follow_the_page():
    assert str(render_lesson("# Giới thiệu", top_level=3)) == "<h3>Giới thiệu</h3>"
    assert str(render_lesson("###### sâu", top_level=3)) == "<h6>sâu</h6>"


HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">bấm</a>',
    "[bấm](javascript:alert(1))",
    "[bấm](JaVaScRiPt:alert(1))",
    "[bấm](&#106;avascript:alert(1))",
    "[bấm](java\tscript:alert(1))",
    "[bấm](vbscript:msgbox(1))",
    "[bấm](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![ảnh](javascript:alert(1))",
    '[bấm](https://x.vn "a\\" onmouseover=\\"alert(1)")',
    "<iframe src=https://evil.example></iframe>",
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "```\n</code><script>alert(1)</script>\n```",
    "<details open ontoggle=alert(1)>",
    "<!-- <script>alert(1)</script> -->",
    '<https://x.vn/"onmouseover="alert(1)>',
]


@pytest.mark.parametrize("body", HOSTILE)
def test_hostile_markdown_renders_no_script_handler_or_unsafe_link(body):
    html = str(render_lesson(body))
    for name, attributes in _tags(html):
        assert name in {"p", "br", "a", "pre", "code", "em", "strong"}, html
        assert set(attributes) <= {"href", "title", "rel"}, html
        href = attributes.get("href") or ""
        assert not href or href.startswith(("https://", "http://", "/", "mailto:", "tel:")), html


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """Return the real tags of an HTML fragment with their attributes (as a browser would parse them)."""
    from html.parser import HTMLParser

    found: list[tuple[str, dict[str, str | None]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
            found.append((tag, dict(attrs)))

    Collect().feed(html)
    return found


def test_the_sanitiser_alone_strips_what_a_parser_might_let_through():
    html = sanitise(
        '<p onclick="x()">a</p><script>b()</script><a href="javascript:c()">d</a>'
        '<a href="https://x.vn" onmouseover="e()">f</a><img src=x onerror=g()>'
    )
    assert html == '<p>a</p><a rel="nofollow noopener noreferrer">d</a>' + (
        '<a href="https://x.vn" rel="nofollow noopener noreferrer">f</a>'
    )


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s", "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42"),
        ("https://m.youtube.com/shorts/dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
        ("https://player.vimeo.com/video/76979871", "https://vimeo.com/76979871"),
        ("https://vimeo.com/76979871", "https://vimeo.com/76979871"),
        ("http://youtube.com/watch?v=dQw4w9WgXcQ", None),
        ("https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ", None),
        ("https://user:pw@youtube.com/watch?v=dQw4w9WgXcQ", None),
        ("https://youtube.com:99999/watch?v=dQw4w9WgXcQ", None),
        ("javascript:alert(1)", None),
        ("https://example.vn/video.mp4", None),
    ],
)
def test_video_links_are_youtube_or_vimeo_over_https(url, expected):
    assert normalise_video_url(url) == expected
