"""Lesson bodies: a small, safe subset of Markdown."""

import pytest

from courses.catalogue.markup import render_lesson


@pytest.mark.parametrize(
    "body, expected",
    [
        ("# Tiêu đề", "<h2>Tiêu đề</h2>"),
        ("## Mục", "<h3>Mục</h3>"),
        ("dòng 1\ndòng 2\n\ndòng 3", "<p>dòng 1<br>dòng 2</p>\n<p>dòng 3</p>"),
        ("- một\n- hai", "<ul>\n<li>một</li>\n<li>hai</li>\n</ul>"),
        ("1. một\n2. hai", "<ol>\n<li>một</li>\n<li>hai</li>\n</ol>"),
        ("- **A**: một\n  tiếp", "<ul>\n<li><strong>A</strong>: một tiếp</li>\n</ul>"),
        ("**đậm** và *nghiêng*", "<p><strong>đậm</strong> và <em>nghiêng</em></p>"),
        ("mã `1*2*3`", "<p>mã <code>1*2*3</code></p>"),
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ('<img src=x onerror="alert(1)">', "<p>&lt;img src=x onerror=&#34;alert(1)&#34;&gt;</p>"),
        ("[link](javascript:alert(1))", "<p>[link](javascript:alert(1))</p>"),
        ("", ""),
    ],
)
def test_render_lesson(body, expected):
    assert str(render_lesson(body)) == expected
