"""Validate a criteria framework document (from YAML or JSON) and report the path of every fault."""

import json
from pathlib import Path
from typing import Any

import yaml
from flask_babel import gettext as _

PERSON_RULES: dict[str, tuple[set[str], set[str]]] = {
    # kind: (required keys, optional keys)
    "courses_completed": ({"categories", "points_each"}, set()),
    "learning_hours": ({"evidence", "points_per_hour"}, set()),
    "sessions_attended": ({"points_each"}, set()),
    "digital_level": ({"basic", "proficient"}, set()),
    "declaration": (set(), set()),
    "learning_plan": ({"points"}, set()),
    "family_members_learning": ({"points_each"}, set()),
}
GROUP_RULES: dict[str, tuple[set[str], set[str]]] = {
    "member_share": ({"predicate", "points"}, {"mode"}),
    "entered": (set(), set()),
}
PERSON_PREDICATES = {"learned", "has_learning_plan", "eligible", "holds_title"}
FAMILY_PREDICATES = {"attains_title"}
SUBJECT_MEMBERS = {"family": "adults", "clan": "families", "village": "families", "unit": "officials"}
SUBJECTS = {"person", *SUBJECT_MEMBERS}
HOURS_EVIDENCE = {"course", "session"}
AUDIENCES = {"resident", "worker", "official", "student"}


class FrameworkError(ValueError):
    """A framework document is invalid; `faults` lists (path, message) pairs."""

    def __init__(self, faults: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{p}: {m}" for p, m in faults))
        self.faults = faults


def load_document(path: str | Path) -> dict[str, Any]:
    """Read a framework document from a YAML or JSON file."""
    return parse_document(Path(path).read_bytes(), str(path))


def parse_document(raw: bytes, filename: str) -> dict[str, Any]:
    """Parse framework bytes as JSON (by name or content) or YAML; raise FrameworkError when unreadable."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FrameworkError([("$", _("tệp không phải văn bản UTF-8"))]) from exc
    try:
        is_json = filename.lower().endswith(".json") or text.lstrip().startswith("{")
        data = json.loads(text) if is_json else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise FrameworkError([("$", _parse_fault(exc.lineno, exc.colno, exc.msg))]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = str(getattr(exc, "problem", None) or exc)
        if mark is None:
            raise FrameworkError([("$", _("không đọc được tệp: %(problem)s", problem=_problem(problem)))]) from exc
        raise FrameworkError([("$", _parse_fault(mark.line + 1, mark.column + 1, problem))]) from exc
    if not isinstance(data, dict):
        raise FrameworkError([("$", _("tài liệu phải là một bảng khóa–giá trị"))])
    return data


def _problems() -> dict[str, str]:
    """The parser's usual complaints (PyYAML's and json's English), in the user's language."""
    return {
        "mapping values are not allowed here": _("không được có dấu hai chấm ở đây (thiếu dấu cách, hoặc thụt lề sai)"),
        "could not find expected ':'": _("thiếu dấu hai chấm sau khóa"),
        "found character '\\t' that cannot start any token": _("có ký tự tab: YAML chỉ thụt lề bằng dấu cách"),
        "expected <block end>": _("thụt lề không khớp với các dòng trên"),
        "expected ',' or ']'": _("thiếu dấu phẩy hoặc dấu ngoặc vuông đóng"),
        "expected ',' or '}'": _("thiếu dấu phẩy hoặc dấu ngoặc nhọn đóng"),
        "found undefined alias": _("tham chiếu (alias) chưa được định nghĩa"),
        "found unexpected end of stream": _("tệp kết thúc giữa chừng (thiếu dấu nháy hoặc ngoặc đóng)"),
        "found duplicate anchor": _("anchor bị trùng"),
        "Expecting value": _("thiếu giá trị"),
        "Expecting property name enclosed in double quotes": _("tên khóa phải trong dấu nháy kép"),
        "Expecting ',' delimiter": _("thiếu dấu phẩy"),
        "Expecting ':' delimiter": _("thiếu dấu hai chấm"),
        "Extra data": _("có dữ liệu thừa sau phần chính"),
    }


def _problem(text: str) -> str:
    for known, translated in _problems().items():
        if text.startswith(known):
            return translated
    return _("cú pháp không hợp lệ (%(detail)s)", detail=text)


def _parse_fault(line: int, column: int, problem: str) -> str:
    """A parser error as the admin reads it: where (line and column, from 1) and what."""
    return _(
        "lỗi cú pháp ở dòng %(line)d, cột %(column)d: %(problem)s", line=line, column=column, problem=_problem(problem)
    )


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def _check_rule(rule: Any, path: str, subject: str, faults: list[tuple[str, str]]) -> None:
    if not isinstance(rule, dict) or "kind" not in rule:
        faults.append((path, _("quy tắc phải là bảng khóa–giá trị có `kind`")))
        return
    kinds = PERSON_RULES if subject == "person" else GROUP_RULES
    kind = rule["kind"]
    if kind not in kinds:
        faults.append(
            (
                f"{path}.kind",
                _("loại quy tắc không xác định %(kind)r cho đối tượng %(subject)r", kind=kind, subject=subject),
            )
        )
        return
    required, optional = kinds[kind]
    for key in sorted(required - rule.keys()):
        faults.append((f"{path}.{key}", _("còn thiếu")))
    for key in sorted(rule.keys() - required - optional - {"kind"}):
        faults.append((f"{path}.{key}", _("khóa không xác định")))
    for key in ("points_each", "points_per_hour", "points", "basic", "proficient"):
        if key in rule and not _number(rule[key]):
            faults.append((f"{path}.{key}", _("phải là số không âm")))
    if kind == "courses_completed":
        cats = rule.get("categories")
        if not (cats == "any" or (isinstance(cats, list) and cats and all(isinstance(c, str) for c in cats))):
            faults.append((f"{path}.categories", _("phải là `any` hoặc danh sách mã lĩnh vực")))
    if kind == "learning_hours":
        ev = rule.get("evidence")
        if not (isinstance(ev, list) and ev and set(ev) <= HOURS_EVIDENCE):
            faults.append((f"{path}.evidence", _("phải là danh sách gồm: course, session")))
    if kind == "member_share":
        predicate = rule.get("predicate")
        allowed = FAMILY_PREDICATES if SUBJECT_MEMBERS.get(subject) == "families" else PERSON_PREDICATES
        if predicate not in allowed:
            faults.append(
                (
                    f"{path}.predicate",
                    _(
                        "điều kiện không xác định %(predicate)r cho thành viên của %(subject)s",
                        predicate=predicate,
                        subject=subject,
                    ),
                )
            )
        if rule.get("mode", "share") not in ("share", "all"):
            faults.append((f"{path}.mode", _("nếu có thì phải là `all`")))


def _check_items(items: Any, path: str, subject: str, faults: list[tuple[str, str]]) -> set[str]:
    codes: set[str] = set()
    if not isinstance(items, list) or not items:
        faults.append((path, _("danh hiệu cần danh sách chỉ số không rỗng")))
        return codes
    for i, item in enumerate(items):
        ipath = f"{path}[{i}]"
        if not isinstance(item, dict):
            faults.append((ipath, _("chỉ số phải là bảng khóa–giá trị")))
            continue
        code = item.get("code")
        if not isinstance(code, str) or not code:
            faults.append((f"{ipath}.code", _("còn thiếu")))
        elif code in codes:
            faults.append((f"{ipath}.code", _("trùng mã chỉ số %(code)r", code=code)))
        else:
            codes.add(code)
        if "max" not in item:
            faults.append((f"{ipath}.max", _("thiếu điểm tối đa của chỉ số")))
        elif not _number(item["max"]):
            faults.append((f"{ipath}.max", _("phải là số không âm")))
        rules = item.get("rules")
        if not isinstance(rules, list) or not rules:
            faults.append((f"{ipath}.rules", _("chỉ số cần ít nhất một quy tắc")))
            continue
        for j, rule in enumerate(rules):
            _check_rule(rule, f"{ipath}.rules[{j}]", subject, faults)
            _check_rule_cap(rule, item.get("max"), f"{ipath}.rules[{j}]", faults)
    return codes


def _check_rule_cap(rule: Any, maximum: Any, path: str, faults: list[tuple[str, str]]) -> None:
    """A rule's fixed points may not exceed its item's maximum (the score would be silently capped)."""
    if not isinstance(rule, dict) or not _number(maximum):
        return
    for key in ("points", "basic", "proficient"):
        if _number(rule.get(key)) and rule[key] > maximum:
            faults.append(
                (
                    f"{path}.{key}",
                    _("%(points)s vượt điểm tối đa %(maximum)s của chỉ số", points=rule[key], maximum=maximum),
                )
            )


def validate(doc: dict[str, Any]) -> dict[str, Any]:
    """Return the document if it is a valid framework, else raise FrameworkError with every fault."""
    faults: list[tuple[str, str]] = []
    if not isinstance(doc.get("code"), str):
        faults.append(("code", _("còn thiếu")))
    period = doc.get("period")
    if not isinstance(period, int) or not 2000 <= period <= 2100:
        faults.append(("period", _("phải là một năm, ví dụ 2026")))
    params = doc.get("parameters") or {}
    if not isinstance(params, dict) or not isinstance(params.get("adult_min_age", 18), int):
        faults.append(("parameters.adult_min_age", _("phải là số nguyên")))
    titles = doc.get("titles")
    if not isinstance(titles, dict) or "citizen" not in titles:
        faults.append(("titles", _("phải có ít nhất danh hiệu `citizen`")))
        raise FrameworkError(faults)
    seen_subjects: set[str] = set()
    for name, title in titles.items():
        tpath = f"titles.{name}"
        if not isinstance(title, dict):
            faults.append((tpath, _("danh hiệu phải là bảng khóa–giá trị")))
            continue
        subject = title.get("subject")
        if subject not in SUBJECTS:
            faults.append((f"{tpath}.subject", _("phải là một trong %(values)s", values=", ".join(sorted(SUBJECTS)))))
            continue
        if subject in seen_subjects:
            faults.append((f"{tpath}.subject", _("danh hiệu thứ hai cho đối tượng %(subject)r", subject=subject)))
        seen_subjects.add(subject)
        if name == "citizen" and subject != "person":
            faults.append((f"{tpath}.subject", _("đối tượng của danh hiệu citizen là `person`")))
        if subject != "person" and title.get("members", SUBJECT_MEMBERS[subject]) != SUBJECT_MEMBERS[subject]:
            faults.append(
                (
                    f"{tpath}.members",
                    _("thành viên của %(subject)s là %(members)s", subject=subject, members=SUBJECT_MEMBERS[subject]),
                )
            )
        threshold = title.get("threshold")
        if not isinstance(threshold, dict) or "total" not in threshold:
            faults.append((f"{tpath}.threshold.total", _("thiếu ngưỡng (threshold)")))
        else:
            for key in ("total", "total_disadvantaged", "each_item_min"):
                if key in threshold and not _number(threshold[key]):
                    faults.append((f"{tpath}.threshold.{key}", _("phải là số không âm")))
        codes = _check_items(title.get("items"), f"{tpath}.items", subject, faults)
        overrides = title.get("overrides") or {}
        if overrides and subject != "person":
            faults.append((f"{tpath}.overrides", _("overrides chỉ dùng cho danh hiệu cá nhân")))
            continue
        if not isinstance(overrides, dict):
            faults.append((f"{tpath}.overrides", _("phải có dạng đối tượng → chỉ số → quy tắc")))
            continue
        for audience, items in overrides.items():
            apath = f"{tpath}.overrides.{audience}"
            if audience not in AUDIENCES:
                faults.append((apath, _("nhóm đối tượng không xác định %(audience)r", audience=audience)))
            if not isinstance(items, dict):
                faults.append((apath, _("phải ánh xạ mã chỉ số sang danh sách quy tắc")))
                continue
            for code, rules in items.items():
                if code not in codes:
                    faults.append((f"{apath}.{code}", _("override cho chỉ số không tồn tại %(code)r", code=code)))
                if not isinstance(rules, list) or not rules:
                    faults.append((f"{apath}.{code}", _("cần danh sách quy tắc không rỗng")))
                    continue
                item_max = next(
                    (i.get("max") for i in title.get("items") or [] if isinstance(i, dict) and i.get("code") == code),
                    None,
                )
                for j, rule in enumerate(rules):
                    _check_rule(rule, f"{apath}.{code}[{j}]", subject, faults)
                    _check_rule_cap(rule, item_max, f"{apath}.{code}[{j}]", faults)
    if faults:
        raise FrameworkError(faults)
    return doc
