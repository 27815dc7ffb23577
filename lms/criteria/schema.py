"""Validate a criteria framework document (from YAML or JSON) and report the path of every fault."""

import json
from pathlib import Path
from typing import Any

import yaml

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
    text = Path(path).read_text(encoding="utf-8-sig")
    try:
        data = json.loads(text) if str(path).lower().endswith(".json") else yaml.safe_load(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise FrameworkError([("$", f"not valid YAML/JSON: {exc}")]) from exc
    if not isinstance(data, dict):
        raise FrameworkError([("$", "the document must be a mapping")])
    return data


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def _check_rule(rule: Any, path: str, subject: str, faults: list[tuple[str, str]]) -> None:
    if not isinstance(rule, dict) or "kind" not in rule:
        faults.append((path, "a rule must be a mapping with a `kind`"))
        return
    kinds = PERSON_RULES if subject == "person" else GROUP_RULES
    kind = rule["kind"]
    if kind not in kinds:
        faults.append((f"{path}.kind", f"unknown rule kind {kind!r} for subject {subject!r}"))
        return
    required, optional = kinds[kind]
    for key in sorted(required - rule.keys()):
        faults.append((f"{path}.{key}", "missing"))
    for key in sorted(rule.keys() - required - optional - {"kind"}):
        faults.append((f"{path}.{key}", "unknown key"))
    for key in ("points_each", "points_per_hour", "points", "basic", "proficient"):
        if key in rule and not _number(rule[key]):
            faults.append((f"{path}.{key}", "must be a number >= 0"))
    if kind == "courses_completed":
        cats = rule.get("categories")
        if not (cats == "any" or (isinstance(cats, list) and cats and all(isinstance(c, str) for c in cats))):
            faults.append((f"{path}.categories", "must be `any` or a list of category codes"))
    if kind == "learning_hours":
        ev = rule.get("evidence")
        if not (isinstance(ev, list) and ev and set(ev) <= HOURS_EVIDENCE):
            faults.append((f"{path}.evidence", "must be a list of: course, session"))
    if kind == "member_share":
        predicate = rule.get("predicate")
        allowed = FAMILY_PREDICATES if SUBJECT_MEMBERS.get(subject) == "families" else PERSON_PREDICATES
        if predicate not in allowed:
            faults.append((f"{path}.predicate", f"unknown predicate {predicate!r} for members of a {subject}"))
        if rule.get("mode", "share") not in ("share", "all"):
            faults.append((f"{path}.mode", "must be `all` when given"))


def _check_items(items: Any, path: str, subject: str, faults: list[tuple[str, str]]) -> set[str]:
    codes: set[str] = set()
    if not isinstance(items, list) or not items:
        faults.append((path, "a title needs a non-empty list of items"))
        return codes
    for i, item in enumerate(items):
        ipath = f"{path}[{i}]"
        if not isinstance(item, dict):
            faults.append((ipath, "an item must be a mapping"))
            continue
        code = item.get("code")
        if not isinstance(code, str) or not code:
            faults.append((f"{ipath}.code", "missing"))
        elif code in codes:
            faults.append((f"{ipath}.code", f"duplicate item code {code!r}"))
        else:
            codes.add(code)
        if "max" not in item:
            faults.append((f"{ipath}.max", "item score cap missing"))
        elif not _number(item["max"]):
            faults.append((f"{ipath}.max", "must be a number >= 0"))
        rules = item.get("rules")
        if not isinstance(rules, list) or not rules:
            faults.append((f"{ipath}.rules", "an item needs at least one rule"))
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
            faults.append((f"{path}.{key}", f"{rule[key]} exceeds the item's maximum {maximum}"))


def validate(doc: dict[str, Any]) -> dict[str, Any]:
    """Return the document if it is a valid framework, else raise FrameworkError with every fault."""
    faults: list[tuple[str, str]] = []
    if not isinstance(doc.get("code"), str):
        faults.append(("code", "missing"))
    period = doc.get("period")
    if not isinstance(period, int) or not 2000 <= period <= 2100:
        faults.append(("period", "must be a year such as 2026"))
    params = doc.get("parameters") or {}
    if not isinstance(params, dict) or not isinstance(params.get("adult_min_age", 18), int):
        faults.append(("parameters.adult_min_age", "must be a whole number"))
    titles = doc.get("titles")
    if not isinstance(titles, dict) or "citizen" not in titles:
        faults.append(("titles", "must be a mapping with at least the `citizen` title"))
        raise FrameworkError(faults)
    seen_subjects: set[str] = set()
    for name, title in titles.items():
        tpath = f"titles.{name}"
        if not isinstance(title, dict):
            faults.append((tpath, "a title must be a mapping"))
            continue
        subject = title.get("subject")
        if subject not in SUBJECTS:
            faults.append((f"{tpath}.subject", f"must be one of {sorted(SUBJECTS)}"))
            continue
        if subject in seen_subjects:
            faults.append((f"{tpath}.subject", f"a second title for subject {subject!r}"))
        seen_subjects.add(subject)
        if name == "citizen" and subject != "person":
            faults.append((f"{tpath}.subject", "the citizen title's subject is `person`"))
        if subject != "person" and title.get("members", SUBJECT_MEMBERS[subject]) != SUBJECT_MEMBERS[subject]:
            faults.append((f"{tpath}.members", f"members of a {subject} are {SUBJECT_MEMBERS[subject]}"))
        threshold = title.get("threshold")
        if not isinstance(threshold, dict) or "total" not in threshold:
            faults.append((f"{tpath}.threshold.total", "threshold missing"))
        else:
            for key in ("total", "total_disadvantaged", "each_item_min"):
                if key in threshold and not _number(threshold[key]):
                    faults.append((f"{tpath}.threshold.{key}", "must be a number >= 0"))
        codes = _check_items(title.get("items"), f"{tpath}.items", subject, faults)
        overrides = title.get("overrides") or {}
        if overrides and subject != "person":
            faults.append((f"{tpath}.overrides", "overrides apply to the person title only"))
            continue
        if not isinstance(overrides, dict):
            faults.append((f"{tpath}.overrides", "must be a mapping audience → item → rules"))
            continue
        for audience, items in overrides.items():
            apath = f"{tpath}.overrides.{audience}"
            if audience not in AUDIENCES:
                faults.append((apath, f"unknown audience {audience!r}"))
            if not isinstance(items, dict):
                faults.append((apath, "must map item codes to rule lists"))
                continue
            for code, rules in items.items():
                if code not in codes:
                    faults.append((f"{apath}.{code}", f"override for an unknown item {code!r}"))
                if not isinstance(rules, list) or not rules:
                    faults.append((f"{apath}.{code}", "needs a non-empty list of rules"))
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
