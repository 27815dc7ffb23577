"""The page cache (lms.pagecache): cached pages change when their data does, never cross users or languages."""

import re
from datetime import date

from lms.extensions import db
from tests.web.conftest import make_eligible, score, sign_in, submit, token_of


def figure_cells(html: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", html, flags=re.S)


def test_the_cache_is_on_and_serves_the_second_view(client, citizen, default_framework, renders):
    sign_in(client, "0912345678")
    client.get("/record?period=2026")  # the first view after login shows (and takes) the welcome message
    renders.clear()
    first = client.get("/record?period=2026").get_data(as_text=True)
    assert "records/record.html" in renders
    renders.clear()
    second = client.get("/record?period=2026").get_data(as_text=True)
    assert renders == []  # served from the cache: nothing rendered
    assert re.sub(r'value="[^"]+"', "", first) == re.sub(r'value="[^"]+"', "", second)


def test_dashboard_changes_after_a_recompute_changes_the_figures(
    client, tree, make_person, make_user, default_framework, renders
):
    people = [make_person(tree["A1"], full_name=f"Người {i}") for i in range(2)]
    score()
    make_user("officer", area=tree["A"], login="canbo.a@example.vn")
    sign_in(client, "canbo.a@example.vn")
    client.get("/dashboard?period=2026")
    before = client.get("/dashboard?period=2026").get_data(as_text=True)
    renders.clear()
    assert client.get("/dashboard?period=2026").get_data(as_text=True) == before
    assert renders == []  # cached
    make_eligible(people[0])
    score()
    after = client.get("/dashboard?period=2026").get_data(as_text=True)
    assert "indicators/dashboard.html" in renders
    assert figure_cells(after) != figure_cells(before)


def test_dashboard_differs_by_scope(client, tree, make_person, make_user, default_framework):
    make_person(tree["A1"])
    score()
    make_user("officer", area=tree["D"], login="canbo.huyen@example.vn")
    make_user("officer", area=tree["A"], login="canbo.a@example.vn")
    sign_in(client, "canbo.huyen@example.vn")
    district_view = client.get("/dashboard?area=A&period=2026").get_data(as_text=True)
    client.post("/auth/logout", data={"csrf_token": token_of(district_view)})
    sign_in(client, "canbo.a@example.vn")
    commune_view = client.get("/dashboard?area=A&period=2026").get_data(as_text=True)
    # the district officer may go up to the district from the commune; the commune officer may not
    assert 'href="/dashboard?area=D&amp;period=2026"' in district_view
    assert 'href="/dashboard?area=D' not in commune_view
    assert client.get("/dashboard?area=D&period=2026").status_code == 404


def test_record_changes_after_new_evidence_is_scored(client, citizen, default_framework, renders):
    from lms.evidence.services import add_evidence

    score()
    sign_in(client, "0912345678")
    before = client.get("/record?period=2026").get_data(as_text=True)
    client.get("/record?period=2026")
    assert "Kế hoạch học tập" not in before
    add_evidence(citizen.person, kind="plan", ref="", when=date(2026, 2, 1), source="import")
    db.session.commit()
    listed = client.get("/record?period=2026").get_data(as_text=True)  # listed before it is scored
    assert "Kế hoạch học tập" in listed
    score()
    renders.clear()
    after = client.get("/record?period=2026").get_data(as_text=True)
    assert "records/record.html" in renders
    assert "Còn thiếu 70 điểm." in after and after != listed


def test_record_changes_after_a_title_is_awarded(client, citizen, tree, default_framework):
    from lms.titles.services import award_titles

    make_eligible(citizen.person)
    score()
    sign_in(client, "0912345678")
    client.get("/record?period=2026")
    assert "Đã được công nhận" not in client.get("/record?period=2026").get_data(as_text=True)
    award_titles([citizen.person.id], 2026, "7/QĐ-UBND", date(2026, 11, 1), "test", tree["A"])
    db.session.commit()
    assert "7/QĐ-UBND" in client.get("/record?period=2026").get_data(as_text=True)


def test_one_user_never_sees_another_users_page_or_token(app, course, citizen, tree, make_person, make_user):
    other = make_user("citizen", person=make_person(tree["A1"], full_name="Lê Văn Bình"), login="0987654321")
    first, second = app.test_client(), app.test_client()
    sign_in(first, "0912345678")
    sign_in(second, other.login)
    page_a = first.get("/courses/KNS-01").get_data(as_text=True)
    page_a = first.get("/courses/KNS-01").get_data(as_text=True)  # from the cache
    page_b = second.get("/courses/KNS-01").get_data(as_text=True)
    page_b = second.get("/courses/KNS-01").get_data(as_text=True)
    assert "Trần Thị Bích Ngọc" in page_a and "Lê Văn Bình" not in page_a
    assert "Lê Văn Bình" in page_b and "Trần Thị Bích Ngọc" not in page_b
    token_a, token_b = token_of(page_a), token_of(page_b)
    assert token_a != token_b
    assert "csrf-" not in page_a and "csrf-" not in page_b  # no placeholder left in the page
    # each token works for its own session only
    assert second.post("/courses/KNS-01/enrol", data={"csrf_token": token_a}).status_code == 400
    assert first.post("/courses/KNS-01/enrol", data={"csrf_token": token_a}).status_code == 302


def test_course_page_follows_enrolment_progress_and_edits(client, course, citizen, renders):
    from courses.authoring.services import LessonInput, update_lesson

    sign_in(client, "0912345678")
    client.get("/courses/KNS-01")
    assert 'action="/courses/KNS-01/enrol"' in client.get("/courses/KNS-01").get_data(as_text=True)
    submit(client, "/courses/KNS-01", "/courses/KNS-01/enrol")
    client.get("/courses/KNS-01")  # takes the flash message
    page = client.get("/courses/KNS-01").get_data(as_text=True)
    assert 'action="/courses/KNS-01/enrol"' not in page and "0/2" in page
    lesson = course.lessons[0]
    submit(client, f"/courses/KNS-01/lessons/{lesson.id}", f"/courses/KNS-01/lessons/{lesson.id}/done")
    client.get("/courses/KNS-01")
    assert "1/2" in client.get("/courses/KNS-01").get_data(as_text=True)
    update_lesson(lesson, LessonInput(module="", title="Bài 1: Mật khẩu mạnh", body="Nội dung mới", video_url=""))
    db.session.commit()
    renders.clear()
    assert "Bài 1: Mật khẩu mạnh" in client.get("/courses/KNS-01").get_data(as_text=True)
    assert "catalogue/course.html" in renders


def test_locale_switch_gives_the_other_language(client, citizen, default_framework):
    make_eligible(citizen.person)
    score()
    sign_in(client, "0912345678")
    assert "Sổ học tập" in client.get("/record?period=2026").get_data(as_text=True)
    client.get("/record?period=2026")
    english = client.get("/record?period=2026&lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "Learning record" in english
    english = client.get("/record?period=2026").get_data(as_text=True)  # the session keeps English
    assert '<html lang="en">' in english and "Sổ học tập" not in english
    client.get("/lang/vi")
    assert '<html lang="vi">' in client.get("/record?period=2026").get_data(as_text=True)


def test_flash_messages_are_never_cached(client, course, citizen):
    sign_in(client, "0912345678")
    client.get("/courses/KNS-01")
    client.get("/courses/KNS-01")
    submit(client, "/courses/KNS-01", "/courses/KNS-01/enrol")
    flashed = client.get("/courses/KNS-01").get_data(as_text=True)
    assert "Bạn đã ghi danh khóa học." in flashed
    assert "Bạn đã ghi danh khóa học." not in client.get("/courses/KNS-01").get_data(as_text=True)
