"""Helpers shared by the page views and templates: years, safe redirects, labels, number formats."""

from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol
from flask import current_app, flash, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from lms.util import today_local

FIRST_PERIOD, LAST_PERIOD = 2021, 2100
DB_INT_MAX = 2**31 - 1  # the largest id (or page number) the database's INTEGER holds


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: a number past the database's integer range matches no route (404),
    instead of reaching a query that the database refuses (a 500)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - Werkzeug's name
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(map, *args, **kwargs)


BIGINT_MAX = 2**63 - 1  # past this, no column or OFFSET of the database can take the number
PAGE_ARGS = ("page", "per_page")  # read by the pagers (Flask-SQLAlchemy's paginate too): OFFSET = page × size


def out_of_range(args: Any, form: Any) -> bool:
    """True when a query or form value is a whole number no database column could hold (more than 63
    bits), or a page argument past the integer range: such a request is refused (400), never run."""
    for name, value in args.items(multi=True):
        if _whole(value) and (name in PAGE_ARGS and abs(int(value)) > DB_INT_MAX or abs(int(value)) > BIGINT_MAX):
            return True
    return any(_whole(value) and abs(int(value)) > BIGINT_MAX for _name, value in form.items(multi=True))


def _whole(text: str) -> bool:
    """True for a whole number as a browser sends it (digits, an optional sign, blanks around)."""
    text = text.strip()
    return len(text) > 9 and text.lstrip("+-").isdigit() and text.lstrip("+-").isascii()


KIND_LABELS = {
    "course": _l("Khóa học"),
    "session": _l("Tập huấn"),
    "declaration": _l("Kê khai đã xác nhận"),
    "plan": _l("Kế hoạch học tập"),
}
LEVEL_LABELS = {"basic": _l("cơ bản"), "proficient": _l("thành thạo")}
SOURCE_LABELS = {"online": _l("trực tuyến"), "import": _l("nhập từ tệp"), "session": _l("tập huấn")}
AREA_LEVEL_LABELS = {
    "province": _l("Tỉnh"),
    "district": _l("Huyện"),
    "commune": _l("Xã, phường, thị trấn"),
    "village": _l("Thôn, khu phố"),
}
ROLE_LABELS = {
    "citizen": _l("Công dân"),
    "trainer": _l("Báo cáo viên"),
    "officer": _l("Cán bộ"),
    "approver": _l("Lãnh đạo phê duyệt"),
    "admin": _l("Quản trị"),
}
# the titles, as counted side by side: meeting the standard (đạt chuẩn) and recognised (đã công nhận)
TITLE_LABELS = {
    "person": _l("Công dân học tập"),
    "family": _l("Gia đình học tập"),
    "clan": _l("Dòng họ học tập"),
    "village": _l("Cộng đồng học tập (thôn, khu phố)"),
    "unit": _l("Đơn vị học tập"),
}
AUDIT_ACTION_LABELS = {
    "title.award": _l("Công nhận danh hiệu"),
    "title.revoke": _l("Thu hồi danh hiệu"),
    "user.role": _l("Phân quyền tài khoản"),
    "user.create": _l("Tạo tài khoản"),
    "user.disable": _l("Khóa tài khoản"),
    "user.enable": _l("Mở lại tài khoản"),
    "user.unlock": _l("Gỡ giới hạn đăng nhập sai"),
    "user.reset": _l("Cấp mật khẩu tạm"),
    "user.password": _l("Đổi mật khẩu"),
    "user.2fa_enable": _l("Bật xác thực hai bước"),
    "user.2fa_disable": _l("Tắt xác thực hai bước"),
    "user.2fa_reset": _l("Đặt lại xác thực hai bước"),
    "user.2fa_codes": _l("Tạo mã khôi phục mới"),
    "user.2fa_recovery": _l("Đăng nhập bằng mã khôi phục"),
    "framework.publish": _l("Ban hành bộ tiêu chí"),
    "framework.delete": _l("Xóa bản nháp bộ tiêu chí"),
    "group.confirm": _l("Công nhận danh hiệu tập thể"),
    "group.revoke": _l("Thu hồi danh hiệu tập thể"),
    "title.propose": _l("Đề nghị công nhận danh hiệu"),
    "title.correct": _l("Sửa số, ngày quyết định"),
    "title.revoke_decision": _l("Thu hồi cả quyết định"),
    "group.propose": _l("Đề nghị công nhận danh hiệu tập thể"),
    "group.correct": _l("Sửa số, ngày quyết định tập thể"),
    "group.revoke_decision": _l("Thu hồi cả quyết định tập thể"),
    "activation.codes": _l("In mã kích hoạt tài khoản"),
    "user.activate": _l("Kích hoạt tài khoản"),
    "export.report_xlsx": _l("Xuất báo cáo (XLSX)"),
    "export.report_pdf": _l("Xuất báo cáo (PDF)"),
    "export.holders_xlsx": _l("Xuất danh sách đạt danh hiệu"),
    "recompute.start": _l("Tính toán lại"),
    "job.resend": _l("Gửi lại việc nền"),
    "area.merge": _l("Sáp nhập địa bàn"),
    "area.move": _l("Chuyển địa bàn sang cấp trên khác"),
    "area.dissolve": _l("Giải thể địa bàn"),
    "import.areas": _l("Nhập địa bàn từ tệp"),
    "import.units": _l("Nhập đơn vị từ tệp"),
    "import.families": _l("Nhập hộ gia đình từ tệp"),
    "import.clans": _l("Nhập dòng họ từ tệp"),
    "import.people": _l("Nhập người dân từ tệp"),
    "import.evidence": _l("Nhập minh chứng từ tệp"),
    "import.group-scores": _l("Nhập điểm tiêu chí tập thể từ tệp"),
    "person.create": _l("Thêm người dân"),
    "person.update": _l("Sửa thông tin người dân"),
    "person.flags": _l("Đánh dấu cán bộ / hội viên Khuyến học"),
    "person.confirm": _l("Xác nhận cư trú người tự đăng ký"),
    "person.merge": _l("Gộp người tự đăng ký vào người trong sổ"),
    "family.create": _l("Thêm hộ gia đình"),
    "family.update": _l("Sửa hộ gia đình"),
    "clan.create": _l("Thêm dòng họ"),
    "clan.update": _l("Sửa dòng họ"),
    "unit.create": _l("Thêm đơn vị"),
    "unit.update": _l("Sửa đơn vị"),
    "village.create": _l("Thêm thôn, khu phố"),
    "village.update": _l("Sửa thôn, khu phố"),
    "declaration.verify": _l("Xác nhận minh chứng"),
    "declaration.reject": _l("Từ chối minh chứng"),
    "api_token.create": _l("Tạo mã truy cập API"),
    "api_token.revoke": _l("Thu hồi mã truy cập API"),
    "api.areas": _l("API: đọc danh mục địa bàn"),
    "api.indicators": _l("API: đọc chỉ số các địa bàn"),
    "api.results": _l("API: đọc kết quả người dân"),
    "api.person_record": _l("API: đọc sổ học tập của người dân"),
    "export.national": _l("Xuất biểu mẫu báo cáo Trung ương"),
    "trainer.assign": _l("Giao địa bàn cho báo cáo viên"),
    "trainer.unassign": _l("Thu hồi địa bàn của báo cáo viên"),
    "session.attendance": _l("Điểm danh theo danh sách"),
    "session.search": _l("Tìm người dân để điểm danh"),
    "retention.declaration-files": _l("Xóa tệp của minh chứng bị từ chối đã hết hạn lưu"),
    "retention.import-files": _l("Xóa tệp nhập dữ liệu đã hết hạn lưu"),
    "retention.unreferenced-uploads": _l("Xóa tệp tải lên không còn được dùng"),
    "announcement.publish": _l("Đăng thông báo, đợt tuyên truyền"),
    "announcement.withdraw": _l("Thu hồi thông báo"),
    "contribution.create": _l("Ghi đóng góp xã hội hóa"),
    "contribution.attach": _l("Đính kèm tệp vào đóng góp"),
    "contribution.delete": _l("Xóa đóng góp khỏi sổ"),
    "association.branch_create": _l("Thêm chi hội Khuyến học"),
    "association.branch_update": _l("Sửa chi hội Khuyến học"),
    "association.member_add": _l("Thêm hội viên Khuyến học"),
    "association.member_remove": _l("Đưa hội viên ra khỏi danh sách Khuyến học"),
    "training_plan.add": _l("Thêm lớp vào kế hoạch tập huấn"),
    "training_plan.remove": _l("Bỏ lớp khỏi kế hoạch tập huấn"),
    "training_plan.link": _l("Gắn lớp đã tổ chức vào kế hoạch"),
    "export.review_docx": _l("Xuất báo cáo sơ kết, tổng kết (DOCX)"),
    "export.contributions_xlsx": _l("Xuất sổ xã hội hóa (XLSX)"),
    "export.contributions_pdf": _l("Xuất sổ xã hội hóa (PDF)"),
    "import.contributions": _l("Nhập sổ đóng góp từ tệp"),
    "import.kh-branches": _l("Nhập chi hội Khuyến học từ tệp"),
    "import.kh-members": _l("Nhập danh sách hội viên Khuyến học từ tệp"),
}


def form_errors(form: Any) -> list[str]:
    """Return every error message of a form, flattened."""
    return [str(message) for messages in form.errors.values() for message in messages]


def flash_form_errors(form: Any) -> None:
    """Flash each error of a form that did not validate (the page it redirects to shows them)."""
    for message in form_errors(form):
        flash(message, "error")


def current_period() -> int:
    """Return the current evaluation year (the calendar year in Vietnam)."""
    return today_local().year


def period_arg(name: str = "period") -> int:
    """Return the evaluation year asked for in the query string, else the current one."""
    value = request.args.get(name, type=int)
    if value is None or not FIRST_PERIOD <= value <= LAST_PERIOD:
        return current_period()
    return value


def text_arg(name: str, max_length: int = 100) -> str:
    """Return a query-string argument as clean text: no NUL bytes (PostgreSQL refuses them), stripped, capped."""
    return (request.args.get(name) or "").replace("\x00", "").strip()[:max_length]


def period_choices(extra: int | None = None, published: list[int] | None = None) -> list[int]:
    """Return the years worth offering in a year selector: those with a framework and this year.
    `published`: periods_with_framework(), when the caller has read it (lms.pagecache.published_periods)."""
    from lms.criteria.services import periods_with_framework

    years = set(periods_with_framework() if published is None else published) | {current_period()}
    if extra is not None:
        years.add(extra)
    return sorted(years, reverse=True)


def safe_next(target: str | None) -> str | None:
    """Return `target` if it is a path on this site (no scheme, no host), else None."""
    if not target:
        return None
    target = target.strip()
    if target.endswith("?"):
        target = target[:-1]
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    try:  # a POST-only route (say, an enrol button pressed while logged out) cannot be opened after login
        current_app.url_map.bind("localhost").match(parts.path, method="GET")
    except HTTPException:
        return None
    return target


def external_url(endpoint: str, **values: Any) -> str:
    """Return the absolute address of a page as printed or shared (certificates, sheets, QR codes).

    It starts with PUBLIC_BASE_URL (required in production), never with the request's Host header,
    which a client chooses; only the development default falls back to the request's own address.
    """
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def referrer_path() -> str | None:
    """Return the path of the Referer header if it is a page of this site, else None.

    "This site" is PUBLIC_BASE_URL's host when configured (never only the Host header a client sent).
    """
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    base = current_app.config.get("PUBLIC_BASE_URL")
    site = urlsplit(base).netloc if base else request.host
    if parts.netloc != site or parts.scheme not in ("http", "https"):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return safe_next(path)


def _rejoin(names: dict[str, Any]) -> dict[str, str]:
    """Undo YAML's split of an unquoted flow mapping at commas.

    `{vi: Đọc, cập nhật thông tin, en: Reading}` loads as {"vi": "Đọc", "cập nhật thông tin": None,
    "en": "Reading"}: each key with no value is the rest of the previous name. Quoted names need none of this.
    """
    out: dict[str, str] = {}
    last: str | None = None
    for key, value in names.items():
        if value is None and last is not None:
            out[last] = f"{out[last]}, {key}"
        elif value is not None:
            out[key], last = str(value), key
    return out


def localized(names: dict[str, Any] | None) -> str:
    """Return the name in the current language (falling back to Vietnamese)."""
    if not names:
        return ""
    names = _rejoin(names)
    lang = str(get_locale() or "vi")
    return names.get(lang) or names.get("vi") or next(iter(names.values()), "")


def lang() -> str:
    """Return the current interface language code."""
    return str(get_locale() or "vi")


@lru_cache(maxsize=16)
def _number_symbols(locale: str) -> tuple[str, str, str]:
    """Return the group, decimal and minus symbols of a locale (read once: Babel's lookups are slow)."""
    return get_group_symbol(locale), get_decimal_symbol(locale), get_minus_sign_symbol(locale)


def format_number(value: Any, locale: str) -> str:
    """Format like Babel's `#,##0.##` (half-even to two decimals, trailing zeros dropped), but fast.

    A dashboard formats a hundred figures: Babel's format_decimal parses the pattern every time.
    """
    group, decimal, minus = _number_symbols(locale)
    kind = type(value)
    if kind is int and abs(value) < 1e15:  # a count: its digits grouped, nothing else to do
        text = f"{abs(value):,}"
        if group != ",":
            text = text.replace(",", group)
        return (minus + text) if value < 0 else text
    if (kind is int or (kind is float and round(value, 2) == value)) and abs(value) < 1e15:
        # a whole number, or a float of at most two decimals (its shortest form, which Decimal(str())
        # reads): nothing to round, the float's own formatting gives the same digits without Decimal
        text = f"{abs(value):,.2f}".rstrip("0").rstrip(".")
        negative = value < 0
    else:
        rounded = Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_EVEN)
        text = f"{abs(rounded):,.2f}".rstrip("0").rstrip(".")
        negative = rounded < 0
    text = text.translate({ord(","): group, ord("."): decimal})
    return (minus + text) if negative else text


def number(value: Any) -> str:
    """Format points, hours or counts in the current language (at most two decimals)."""
    return number_in(str(get_locale() or "vi"), value)


def number_in(locale: str, value: Any) -> str:
    """`number` for a known locale (templates get it bound to the request's locale: no lookup per figure)."""
    if value is None:
        return "—"
    return format_number(value, locale)


def percent_of(value: Any, maximum: Any) -> float:
    """Return value / maximum as a percentage clamped to 0 … 100 (for bars)."""
    try:
        v, m = float(value or 0), float(maximum or 0)
    except (TypeError, ValueError):
        return 0.0
    if m <= 0:
        return 0.0
    return max(0.0, min(100.0, 100.0 * v / m))


def bar_svg(value: Any, maximum: Any, text: Any, kind: str = "", targets: Any = ()) -> Markup:
    """A progress bar (templates/_macros.html `bar`): the SVG the macro printed, built here — pages print
    one per indicator, criterion item or course, and a macro call with its loop and filters costs more
    than the markup. Numbers as the macro's `'%.1f' | format(...)` (through float); the label and kind escaped."""
    marks = "".join(
        f'\n  <rect class="bar-target bar-target-{i}" x="{float(min(max(t, 0), 99.4)):.1f}" y="0" width="0.6"'
        ' height="10"></rect>'
        for i, t in enumerate(targets, start=1)
    )
    return Markup(  # noqa: S704 (every value escaped or a formatted number)  # nosec B704
        f'\n<svg class="bar {escape(kind)}" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
        f'aria-label="{escape(text)}" focusable="false">\n'
        '  <rect class="bar-track" x="0" y="0" width="100" height="10" rx="2"></rect>\n'
        f'  <rect class="bar-fill" x="0" y="0" width="{percent_of(value, maximum):.1f}" height="10" rx="2">'
        f"</rect>{marks}\n</svg>"
    )


def when(value: Any) -> str:
    """Format a timestamp in Vietnam's time zone, short form."""
    if value is None:
        return "—"
    return format_datetime(value, "short")


def label(mapping: dict[str, Any], code: str | None) -> str:
    """Return the translated label of a code, or the code itself when it has none."""
    if code is None:
        return ""
    found = mapping.get(code)
    return str(found) if found is not None else code


AUDIT_FIELD_LABELS = {
    "of": _l("Của"),
    "period": _l("Năm"),
    "contacts": _l("Kèm số điện thoại, email"),
    "rows": _l("Số dòng"),
    "format": _l("Định dạng"),
    "role": _l("Vai trò"),
    "area": _l("Địa bàn"),
    "name": _l("Tên"),
    "disabled": _l("Bị khóa"),
    "people": _l("Người dân"),
    "person": _l("Người dân"),
    "decision_no": _l("Số quyết định"),
    "decision_date": _l("Ngày quyết định"),
    "reason": _l("Lý do"),
    "status": _l("Trạng thái"),
    "version": _l("Phiên bản"),
    "two_factor": _l("Xác thực hai bước"),
    "scope": _l("Quyền"),
    "revoked": _l("Đã thu hồi"),
    "item": _l("Tiêu chí"),
    "points": _l("Điểm"),
    "count": _l("Số lượng"),
    "code": _l("Mã"),
    "login": _l("Tên đăng nhập"),
    "into": _l("Vào"),
    "moved": _l("Đã chuyển"),
    "present": _l("Có mặt"),
    "absent": _l("Vắng"),
    "found": _l("Tìm thấy"),
    "skipped": _l("Bỏ qua"),
    "activated": _l("Đã kích hoạt"),
    "error": _l("Lỗi"),
    "token": _l("Mã truy cập"),
    "q": _l("Tìm"),
    "job_id": _l("Việc số"),
    "award_id": _l("Quyết định công nhận số"),
    "confirmation_id": _l("Công nhận tập thể số"),
    "queued_at": _l("Xếp hàng lúc"),
}


def _detail_value(key: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_l("Có") if value else _l("Không"))
    if key == "role":
        return label(ROLE_LABELS, str(value))
    if isinstance(value, list | tuple):
        shown = ", ".join(_detail_value(key, v) for v in value[:10])
        return shown + (f" … (+{len(value) - 10})" if len(value) > 10 else "")
    if isinstance(value, dict):
        return ", ".join(f"{k} {_detail_value(k, v)}" for k, v in value.items())
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        try:  # an ISO date (decision dates): the platform's dd/mm/yyyy
            from datetime import date as _date

            return format_date(_date.fromisoformat(value[:10]), "short") + value[10:16].replace("T", " ")
        except ValueError:
            return value
    if isinstance(value, float):
        return number(value)
    return str(value)  # years, ids and counts as they are (2026, never 2.026)


def details(data: dict[str, Any] | None) -> str:
    """Render an audit entry's before/after dict for people: Vietnamese (or English) labels, yes/no,
    dates as dd/mm/yyyy, long lists shortened (`Của: BB-HOAAN; Kèm số điện thoại, email: Không`)."""
    if not data:
        return ""
    return "; ".join(f"{label(AUDIT_FIELD_LABELS, str(k))}: {_detail_value(str(k), v)}" for k, v in data.items())


def page_url(page: int) -> str:
    """Return the current page's URL with another page number (other query arguments kept)."""
    args: dict[str, Any] = request.args.to_dict()
    args["page"] = str(page)
    return url_for(request.endpoint or "main.index", **(request.view_args or {}), **args)


SITE_MENUS = 64  # at most this many rendered site parts kept per process, per part (roles × languages × hosts)


def _rendered_once(part: str, key: tuple[Any, ...], template: str, **context: Any) -> Markup:
    """A site part rendered once per process for each key (nothing of one viewer may be in it)."""
    cache: dict[tuple[Any, ...], Markup] = current_app.extensions.setdefault(f"lms_site_{part}", {})
    html = cache.get(key)
    if html is None:
        html = Markup(render_template(template, **context))  # noqa: S704 (an autoescaped template)  # nosec B704
        if len(cache) >= SITE_MENUS:
            cache.clear()
        cache[key] = html
    return html


def site_menu() -> Markup:
    """The header and the main menu (templates/_site_menu.html): the same for every viewer of a role and
    language, so rendered once per process for each and reused — some twenty links and labels that every
    page would otherwise build again (a url_for and a translation each). Nothing of one viewer is in it:
    the account links and the sign-out form (its CSRF token) stay in base.html, rendered each time."""
    from flask_login import current_user

    authenticated = bool(current_user.is_authenticated)
    favicon = url_for("static", filename="favicon.svg")  # its digest follows the file (register_static_digests)
    role = current_user.role if authenticated else None
    key = (authenticated, role, lang(), request.script_root, request.host, favicon)
    return _rendered_once("menus", key, "_site_menu.html", favicon=favicon)


def site_footer() -> Markup:
    """The page footer (templates/_site_footer.html): the same for every viewer of a language, so rendered
    once per process for each (four links and five labels every page would otherwise build again)."""
    return _rendered_once("footers", (lang(), request.script_root, request.host), "_site_footer.html")


def install_template_helpers(state: BlueprintSetupState) -> None:
    """Make the helpers above available to every template (installed once per app)."""
    app = state.app
    app.jinja_env.globals.update(
        localized=localized,
        number=number,
        percent_of=percent_of,
        bar_svg=bar_svg,
        when=when,
        label=label,
        page_url=page_url,
        details=details,
        lang=lang,
        site_menu=site_menu,
        site_footer=site_footer,
        KIND_LABELS=KIND_LABELS,
        LEVEL_LABELS=LEVEL_LABELS,
        SOURCE_LABELS=SOURCE_LABELS,
        AREA_LEVEL_LABELS=AREA_LEVEL_LABELS,
        ROLE_LABELS=ROLE_LABELS,
        AUDIT_ACTION_LABELS=AUDIT_ACTION_LABELS,
    )
