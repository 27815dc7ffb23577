"""Notice and consent, a citizen's own data (JSON and XLSX), correction requests, the access log.

Views, the CLI and tasks call these functions; the erasure lives in lms.privacy.erasure.
"""

import io
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from lms.areas.models import Area
from lms.areas.services import areas_under
from lms.audit.models import AuditEntry
from lms.audit.services import audit
from lms.auth.models import User
from lms.extensions import db
from lms.people.models import GENDERS, Person
from lms.privacy.models import CORRECTION_FIELDS, Consent, CorrectionRequest
from lms.util import LOCAL_TZ, today_local, utcnow

# The version of the privacy notice (templates/privacy/notice_text.html). Change the text: change the
# version; every citizen is asked again at their next login.
NOTICE_VERSION = "2026-12-05"
VIEW_ACTION = "person.view"
API_READ_ACTION = "api.person_record"  # a person's learning record read through the API (lms.api.tokens)


class PrivacyError(ValueError):
    """A request that cannot be accepted; the message (translated) says why."""


# ---- notice and consent ------------------------------------------------------------------------------
def record_consent(user: User, way: str) -> Consent:
    """Record that the account holder agreed to the current notice (registration, activation, login)."""
    consent = Consent(user_id=user.id, version=NOTICE_VERSION, way=way, given_at=utcnow())
    db.session.add(consent)
    db.session.flush()
    return consent


def consented_version(user: User) -> str | None:
    """Return the notice version the user last agreed to (None: never)."""
    return db.session.scalar(
        sa.select(Consent.version).where(Consent.user_id == user.id).order_by(Consent.id.desc()).limit(1)
    )


def needs_consent(user: User) -> bool:
    """True when a citizen has not agreed to the current notice (asked at login)."""
    return user.role == "citizen" and consented_version(user) != NOTICE_VERSION


# ---- the citizen's own data ---------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    """Return a value as JSON holds it: dates ISO 8601, decimals as text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _rows(stmt: sa.Executable) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row.items()} for row in db.session.execute(stmt).mappings()]


def _area(area: Area | None) -> dict[str, Any] | None:
    return None if area is None else {"code": area.code, "name": area.name, "level": area.level}


def personal_data(user: User) -> dict[str, Any]:
    """Return everything held on the signed-in citizen: account, person record, links, learning, declarations,
    plans, results, awards, requests and the audit entries about them (and nothing about anyone else)."""
    from courses.catalogue.models import Course, Enrolment
    from courses.plans.models import LearningPlan
    from courses.quizzes.models import Attempt
    from courses.sessions.models import Attendance, Registration, TrainingSession
    from lms.criteria.models import PersonResult
    from lms.declarations.models import Declaration
    from lms.evidence.models import Evidence
    from lms.titles.models import Award

    person = user.person
    if person is None:
        raise PrivacyError(_("Tài khoản này không gắn với hồ sơ người dân nào."))
    pid = person.id
    data: dict[str, Any] = {
        "generated_at": _plain(utcnow()),
        "notice_version": NOTICE_VERSION,
        "account": {
            "login": user.login,
            "role": user.role,
            "created_at": _plain(user.created_at),
            "last_login_at": _plain(user.last_login_at),
            "two_factor": user.two_factor_enabled,
        },
        "consents": _rows(
            sa.select(Consent.version, Consent.given_at, Consent.way)
            .where(Consent.user_id == user.id)
            .order_by(Consent.id)
        ),
        "person": {
            "code": person.code,
            "full_name": person.full_name,
            "birth_year": person.birth_year,
            "gender": person.gender,
            "phone": person.phone,
            "email": person.email,
            "village": _area(person.village),
            "commune": _area(person.village.parent) if person.village is not None else None,
            "family": None if person.family is None else {"code": person.family.code, "name": person.family.name},
            "clan": None if person.clan is None else {"code": person.clan.code, "name": person.clan.name},
            "unit": None if person.unit is None else {"code": person.unit.code, "name": person.unit.name},
            "group": person.group,
            "is_official": person.is_official,
            "khuyen_hoc_member": person.khuyen_hoc_member,
            "confirmed": person.confirmed,
        },
        "evidence": _rows(
            sa.select(
                Evidence.kind,
                Evidence.ref,
                Evidence.category,
                Evidence.date,
                Evidence.hours,
                Evidence.level,
                Evidence.points,
                Evidence.source,
            )
            .where(Evidence.person_id == pid)
            .order_by(Evidence.date, Evidence.id)
        ),  # fmt: skip
        "enrolments": _rows(
            sa.select(
                Course.code.label("course"),
                Course.title,
                Enrolment.enrolled_at,
                Enrolment.left_at,
                Enrolment.quiz_passed_at,
                Enrolment.completed_at,
                Enrolment.completed_hours,
                Enrolment.certificate_code,
            )
            .join(Course, Course.id == Enrolment.course_id)
            .where(Enrolment.person_id == pid)
            .order_by(Enrolment.id)
        ),  # fmt: skip
        "quiz_attempts": _rows(
            sa.select(
                Course.code.label("course"),
                Attempt.number,
                Attempt.started_at,
                Attempt.submitted_at,
                Attempt.correct,
                Attempt.total,
                Attempt.passed,
            )
            .join(Enrolment, Enrolment.id == Attempt.enrolment_id)
            .join(Course, Course.id == Enrolment.course_id)
            .where(Enrolment.person_id == pid)
            .order_by(Attempt.id)
        ),  # fmt: skip
        "certificates": _rows(
            sa.select(Course.code.label("course"), Course.title, Enrolment.completed_at, Enrolment.certificate_code)
            .join(Course, Course.id == Enrolment.course_id)
            .where(
                Enrolment.person_id == pid, Enrolment.certificate_code.is_not(None), Enrolment.completed_at.is_not(None)
            )
            .order_by(Enrolment.completed_at)
        ),
        "training_sessions": _rows(
            sa.select(
                TrainingSession.code.label("session"),
                TrainingSession.title,
                TrainingSession.starts_at,
                Registration.registered_at,
            )
            .join(TrainingSession, TrainingSession.id == Registration.session_id)
            .where(Registration.person_id == pid)
            .order_by(Registration.id)
        ),  # fmt: skip
        "attendance": _rows(
            sa.select(
                TrainingSession.code.label("session"),
                TrainingSession.title,
                Attendance.method,
                Attendance.checked_in_at,
            )
            .join(TrainingSession, TrainingSession.id == Attendance.session_id)
            .where(Attendance.person_id == pid)
            .order_by(Attendance.id)
        ),  # fmt: skip
        "declarations": _rows(
            sa.select(
                Declaration.period,
                Declaration.item,
                Declaration.text,
                Declaration.declared_on,
                Declaration.file_name,
                Declaration.status,
                Declaration.points,
                Declaration.reason,
                Declaration.created_at,
                Declaration.decided_at,
            )
            .where(Declaration.person_id == pid)
            .order_by(Declaration.id)
        ),  # fmt: skip
        "plans": [
            {
                "period": plan.period,
                "goals": plan.goals,
                "courses": [c.code for c in plan.courses],
                "updated_at": _plain(plan.updated_at),
            }
            for plan in db.session.scalars(
                sa.select(LearningPlan).where(LearningPlan.person_id == pid).order_by(LearningPlan.period)
            )
        ],
        "results": _rows(
            sa.select(
                PersonResult.period,
                PersonResult.total,
                PersonResult.threshold,
                PersonResult.eligible,
                PersonResult.learned,
                PersonResult.has_plan,
                PersonResult.digital_level,
            )
            .where(PersonResult.person_id == pid)
            .order_by(PersonResult.period)
        ),  # fmt: skip
        "awards": _rows(
            sa.select(
                Award.period,
                Award.decision_no,
                Award.decision_date,
                Award.awarded_at,
                Award.revoked_at,
                Award.revoke_reason,
            )
            .where(Award.person_id == pid)
            .order_by(Award.period)
        ),  # fmt: skip
        "correction_requests": _rows(
            sa.select(
                CorrectionRequest.field,
                CorrectionRequest.value,
                CorrectionRequest.note,
                CorrectionRequest.status,
                CorrectionRequest.answer,
                CorrectionRequest.created_at,
                CorrectionRequest.answered_at,
            )
            .where(CorrectionRequest.person_id == pid)
            .order_by(CorrectionRequest.id)
        ),  # fmt: skip
        "audit": _rows(
            sa.select(
                AuditEntry.at,
                AuditEntry.actor,
                AuditEntry.action,
                AuditEntry.subject,
                AuditEntry.before,
                AuditEntry.after,
            )
            .where(sa.or_(AuditEntry.subject == f"person {person.code}", AuditEntry.actor == user.login))
            .order_by(AuditEntry.id)
        ),
    }
    return data


SHEET_TITLES = {
    "account": "Tài khoản",
    "consents": "Đồng ý",
    "person": "Hồ sơ",
    "evidence": "Minh chứng",
    "enrolments": "Khóa học",
    "quiz_attempts": "Bài kiểm tra",
    "certificates": "Chứng nhận",
    "training_sessions": "Đăng ký tập huấn",
    "attendance": "Điểm danh",
    "declarations": "Kê khai",
    "plans": "Kế hoạch",
    "results": "Kết quả",
    "awards": "Công nhận",
    "correction_requests": "Yêu cầu sửa",
    "audit": "Nhật ký",
}


def _cell(value: Any) -> Any:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_cell(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(str(_cell(v)) for v in value)
    return value


def personal_data_xlsx(user: User) -> bytes:
    """Return the same data as an XLSX workbook: one sheet per part (every cell written as text-safe)."""
    from openpyxl import Workbook

    from lms.exports import xlsx_row

    data = personal_data(user)
    book = Workbook(write_only=True)
    for key, title in SHEET_TITLES.items():
        part = data[key]
        sheet = book.create_sheet(title)
        if isinstance(part, dict):
            sheet.append(xlsx_row(sheet, ["field", "value"]))
            for name, value in part.items():
                sheet.append(xlsx_row(sheet, [name, _cell(value)]))
        elif part:
            columns = list(part[0].keys())
            sheet.append(xlsx_row(sheet, columns))
            for row in part:
                sheet.append(xlsx_row(sheet, [_cell(row[c]) for c in columns]))
        else:
            sheet.append(xlsx_row(sheet, ["—"]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---- corrections ------------------------------------------------------------------------------------------
def request_correction(person: Person, field: str, value: str, note: str, *, actor: str) -> CorrectionRequest:
    """A citizen asks the commune to correct a field of their record; it waits in the officers' queue."""
    value, note = (value or "").strip(), (note or "").strip()
    if field not in CORRECTION_FIELDS:
        raise PrivacyError(_("Hãy chọn thông tin cần sửa."))
    if not value:
        raise PrivacyError(_("Hãy ghi thông tin đúng."))
    pending = sa.select(sa.func.count(CorrectionRequest.id)).where(
        CorrectionRequest.person_id == person.id, CorrectionRequest.status == "pending"
    )
    if (db.session.scalar(pending) or 0) >= 10:
        raise PrivacyError(_("Bạn đã có 10 yêu cầu đang chờ; hãy đợi xã trả lời."))
    request = CorrectionRequest(person_id=person.id, field=field, value=value[:200], note=note[:2000])
    db.session.add(request)
    db.session.flush()
    audit(actor, "correction.request", f"person {person.code}", area_id=person.village_id, after={"field": field})
    return request


def corrections_query(scope: Area, status: str = "pending") -> sa.Select[Any]:
    """The correction requests of people living in the scope, oldest first."""
    return (
        sa.select(CorrectionRequest)
        .join(Person, Person.id == CorrectionRequest.person_id)
        .where(Person.village_id.in_(areas_under(scope)), CorrectionRequest.status == status)
        .order_by(CorrectionRequest.created_at, CorrectionRequest.id)
    )


def answered_query(scope: Area) -> sa.Select[Any]:
    """The answered correction requests of the scope, latest first."""
    return (
        sa.select(CorrectionRequest)
        .join(Person, Person.id == CorrectionRequest.person_id)
        .where(Person.village_id.in_(areas_under(scope)), CorrectionRequest.status != "pending")
        .order_by(CorrectionRequest.answered_at.desc(), CorrectionRequest.id.desc())
    )


def _corrected_value(field: str, value: str) -> Any:
    if field == "birth_year":
        try:
            year = int(value.strip())
        except ValueError:
            raise PrivacyError(_("Năm sinh phải là một số, ví dụ 1985.")) from None
        if not 1900 <= year <= today_local().year:
            raise PrivacyError(_("Năm sinh không hợp lệ."))
        return year
    if field == "gender":
        if value.strip().lower() not in GENDERS:
            raise PrivacyError(_("Giới tính phải là nam, nữ hoặc khác."))
        return value.strip().lower()
    if field == "phone":
        digits = "".join(ch for ch in value if ch.isdigit() or ch == "+")
        if not 8 <= len(digits) <= 15:
            raise PrivacyError(_("Số điện thoại không hợp lệ."))
        return digits
    if field == "email" and ("@" not in value or len(value) > 200):
        raise PrivacyError(_("Email không hợp lệ."))
    return value.strip()


def answer_correction(
    request: CorrectionRequest, *, accept: bool, answer: str, actor: str, scope: Area
) -> CorrectionRequest:
    """Answer a request: accepted, the field is changed in the registry (audited, recomputed; "other":
    the officer made the change by hand); refused, the answer says why. The answer is recorded."""
    from lms.registry.services import edit_person

    answer = (answer or "").strip()
    if request.status != "pending":
        raise PrivacyError(_("Yêu cầu này đã được trả lời."))
    if not accept and not answer:
        raise PrivacyError(_("Hãy ghi lý do từ chối để người dân biết."))
    person = request.person
    if accept and request.field != "other":
        edit_person(person, {request.field: _corrected_value(request.field, request.value)}, actor=actor, scope=scope)
    request.status = "done" if accept else "refused"
    request.answer = answer[:2000]
    request.answered_at = utcnow()
    request.answered_by = actor
    audit(
        actor,
        "correction.answer",
        f"person {person.code}",
        area_id=scope.id,
        after={"field": request.field, "status": request.status},
    )
    db.session.flush()
    return request


# ---- access to personal data ---------------------------------------------------------------------------------
def log_access(viewer: User, person: Person, page: str) -> None:
    """Record that an officer opened a person's page (once per officer, person and day: the first page opened)."""
    start = datetime.combine(today_local(), time.min, tzinfo=LOCAL_TZ)
    subject = f"person {person.code}"
    seen = db.session.scalar(
        sa.select(AuditEntry.id)
        .where(
            AuditEntry.action == VIEW_ACTION,
            AuditEntry.actor == viewer.login,
            AuditEntry.subject == subject,
            AuditEntry.at >= start,
        )
        .limit(1)
    )
    if seen is None:
        audit(viewer.login, VIEW_ACTION, subject, area_id=person.village_id, after={"page": page})
        db.session.commit()


ACCESS_LOG_LIMIT = 200


def access_log(person_code: str = "", actor: str = "") -> list[AuditEntry]:
    """Who looked at whom: officers opening people's pages, API tokens reading a person's record, exports
    with phone and email; newest first."""
    reads = sa.or_(AuditEntry.action.in_((VIEW_ACTION, API_READ_ACTION)), AuditEntry.action.like("export.%"))
    query = sa.select(AuditEntry).where(reads)
    if person_code:
        query = query.where(AuditEntry.subject.in_((f"person {person_code}", person_code)))
    if actor:
        query = query.where(AuditEntry.actor == actor)
    found: list[AuditEntry] = []
    for entry in db.session.scalars(query.order_by(AuditEntry.id.desc()).limit(ACCESS_LOG_LIMIT * 5)):
        if entry.action in (VIEW_ACTION, API_READ_ACTION) or (entry.after or {}).get("contacts"):
            found.append(entry)
        if len(found) >= ACCESS_LOG_LIMIT:
            break
    return found
