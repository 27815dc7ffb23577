"""The learning record (sổ học tập): what a citizen's page shows beside the score explanation."""

from typing import Any

from flask import current_app


def gap_categories(rules: list[dict[str, Any]]) -> set[str]:
    """Return the course categories whose completion would add points under these rules."""
    found: set[str] = set()
    for rule in rules:
        if rule.get("kind") == "courses_completed" and isinstance(rule.get("categories"), list):
            found.update(rule["categories"])
        elif rule.get("kind") == "digital_level":
            found.add("digital_skill")
    return found


def learning() -> dict[str, Any]:
    """Return the learning side's read queries (registered by the courses package), or no-ops."""
    return current_app.extensions.get(
        "learning",
        {"enrolments_of": lambda _pid: [], "courses_by_code": lambda _codes: {}, "suggestions": lambda *a, **k: []},
    )


def record_context(person_id: int, explanation: Any) -> dict[str, Any]:
    """Return the enrolments, the catalogue courses behind course evidence, and courses closing gaps."""
    queries = learning()
    codes = set()
    suggestion_map: dict[str, list[Any]] = {}
    if explanation is not None:
        codes = {e.ref for item in explanation.items for e in item.evidence if e.kind == "course"}
        wanted = {item.code: gap_categories(item.rules) for item in explanation.items if item.missing > 0}
        pool = queries["suggestions"](set().union(*wanted.values()) if wanted else set(), person_id, limit=12)
        for code, categories in wanted.items():
            suggestion_map[code] = [c for c in pool if c.category in categories][:2]
    return {
        "recommended": recommended(explanation, suggestion_map) if explanation is not None else [],
        "enrolments": queries["enrolments_of"](person_id),
        "courses": queries["courses_by_code"](codes),
        "suggestions": suggestion_map,
    }


def recommended(explanation: Any, suggestion_map: dict[str, list[Any]], limit: int = 3) -> list[Any]:
    """Return up to three courses closing the largest gaps first (items by points missing, largest first)."""
    chosen: list[Any] = []
    for item in explanation.weakest:
        for course in suggestion_map.get(item.code, []):
            if course not in chosen:
                chosen.append(course)
    return chosen[:limit]


def citizen_summary(person_id: int, period: int) -> dict[str, Any]:
    """What a citizen's home page shows: this year's points against the threshold, the course in progress
    and the one next step ("plan", "course", "record" or "wait": eligible, the officers decide)."""
    from lms.criteria.models import PersonResult
    from lms.extensions import db

    result = db.session.get(PersonResult, (person_id, period))
    in_progress = next((row for row in learning()["enrolments_of"](person_id) if row["completed_at"] is None), None)
    if result is not None and result.eligible:
        step = "wait"
    elif result is None or not result.has_plan:
        step = "plan"
    elif in_progress is not None:
        step = "course"
    else:
        step = "record"
    return {"period": period, "result": result, "course": in_progress, "step": step}
