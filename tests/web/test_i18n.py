"""Vietnamese by default, English complete: every msgid translated, main pages free of Vietnamese in en."""

import html as htmllib
import re
import unicodedata
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from lms.extensions import db
from tests.web.conftest import make_eligible, score, sign_in, submit

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "lms" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


def _vietnamese_words(text: str) -> list[str]:
    """Return the words that carry Vietnamese letters (tone marks, ă â đ ê ô ơ ư)."""
    words = re.findall(r"\w+", text)
    return [
        w for w in words if "đ" in w.lower() or any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", w))
    ]


def _visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return htmllib.unescape(page)


def test_every_message_has_an_english_translation():
    with PO.open("rb") as f:
        catalog = read_po(f, locale="en")
    untranslated = [
        m.id for m in catalog if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    assert untranslated == []
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert fuzzy == []
    assert MO.exists() and MO.stat().st_mtime >= PO.stat().st_mtime - 1, "run: pybabel compile -d lms/translations"


def test_every_template_string_is_in_the_catalogue():
    """Strings marked in the code but missing from the .po would show in Vietnamese to English users."""
    from babel.messages.extract import extract_from_dir

    with PO.open("rb") as f:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f, locale="en") if m.id}
    method_map = [
        ("lms/**.py", "python"),
        ("courses/**.py", "python"),
        ("lms/templates/**.html", "jinja2"),
        ("courses/**/templates/**.html", "jinja2"),
    ]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
    missing = set()
    for sub in ("lms", "courses"):
        for filename, _lineno, message, _comments, _context in extract_from_dir(
            ROOT / sub,
            method_map=[(p.split("/", 1)[1], m) for p, m in method_map if p.startswith(sub)],
            keywords=keywords,
        ):
            msgid = message if isinstance(message, str) else message[0]
            if msgid and msgid not in known:
                missing.add(f"{sub}/{filename}: {msgid}")
    assert sorted(missing) == []


@pytest.fixture
def walk(client, tree, make_person, make_user, course, default_framework):  # type: ignore[no-untyped-def]
    """Pages of the main journeys, per role: returns {label: html} in the requested language."""
    from datetime import date

    from lms.titles.services import award_titles

    citizen = make_person(tree["A1"], full_name="Trần Thị Bích Ngọc")
    make_user("citizen", person=citizen, login="citizen@example.vn")
    make_user("officer", area=tree["D"], login="officer@example.vn")
    other = make_person(tree["A2"], full_name="Phạm Văn Bình")
    make_eligible(citizen)
    make_eligible(other)
    score()
    award_titles([other.id], 2026, "15/QĐ-UBND", date(2026, 11, 1), "officer@example.vn", tree["A"])
    db.session.commit()
    score()

    def pages(lang: str) -> dict[str, str]:
        out = {}
        app = client.application
        anonymous = app.test_client()
        anonymous.get(f"/lang/{lang}")
        for url in ("/", "/courses", "/courses/KNS-01", "/auth/login", "/auth/register", "/stats?period=2026", "/nope"):
            out[f"anonymous {url}"] = anonymous.get(url).get_data(as_text=True)
        learner = app.test_client()
        learner.get(f"/lang/{lang}")
        sign_in(learner, "citizen@example.vn")
        submit(learner, "/courses/KNS-01", "/courses/KNS-01/enrol")
        lesson = f"/courses/KNS-01/lessons/{course.lessons[0].id}"
        for url in ("/", "/record?period=2026", "/courses/KNS-01", lesson, "/officer/eligible"):
            out[f"citizen {url}"] = learner.get(url).get_data(as_text=True)
        officer = app.test_client()
        officer.get(f"/lang/{lang}")
        sign_in(officer, "officer@example.vn")
        for url in (
            "/officer/eligible?period=2026",
            f"/officer/people/{other.id}?period=2026",
            "/officer/audit",
            "/dashboard?period=2026",
            "/dashboard?area=A&period=2026",
        ):
            out[f"officer {url}"] = officer.get(url).get_data(as_text=True)
        return out

    return pages


# data shown as it is stored (names of people, areas, decisions, lessons), not interface text
DATA = [
    "Trần Thị Bích Ngọc",
    "Phạm Văn Bình",
    "Xã Hòa Ân",
    "Xã Bình Lâm",
    "Thôn Bắc",
    "Thôn 1",
    "Thôn 2",
    "QĐ-UBND",
    "Bài 1: Mật khẩu",
    "Mật khẩu",
    "Đặt mã PIN.",
    "Học cách dùng",
    "điện thoại",
    "an toàn",
    "Bài 2: Tin nhắn lừa đảo",
    "Tiếng Việt",
]


def test_main_pages_in_english_have_no_vietnamese_interface_text(walk):
    problems = {}
    for label, page in walk("en").items():
        assert '<html lang="en">' in page, label
        text = _visible_text(page)
        for value in DATA:
            text = text.replace(value, " ")
        words = _vietnamese_words(text)
        if words:
            problems[label] = sorted(set(words))
    assert problems == {}


def test_main_pages_in_vietnamese(walk):
    for label, page in walk("vi").items():
        assert '<html lang="vi">' in page, label
        assert "Học Tập Suốt Đời" in page, label
        assert "Log out" not in page and "Log in" not in page, label
