"""The demo of the plan's own work for Bắc Bình: the Khuyến học roll, announcements with their reach,
training plans with held sessions, and a register of contributions. Idempotent: it runs once, and a
demo loaded before these tools existed gets them on the next `flask --app lms demo`."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from lms.areas.models import Area
from lms.association.models import Member
from lms.association.services import sync_roll
from lms.auth.services import find_login
from lms.communication.models import Announcement, AnnouncementRead
from lms.communication.services import in_audience, publish
from lms.contributions.models import Contribution
from lms.contributions.services import record
from lms.demo.population import CITIZEN_CODE, PERIOD
from lms.evidence.services import add_evidence
from lms.extensions import db
from lms.people.models import Person, counted
from lms.training_plans.services import add_planned, link_session
from lms.util import LOCAL_TZ

ACTOR = "demo"
CONTRIBUTIONS = [  # (contributor kind, name, kind, value, purpose)
    ("business", "Công ty TNHH Thanh long Bắc Bình", "scholarship", "30000000", "Học bổng cho học viên vượt khó"),
    ("organisation", "Hội Khuyến học huyện Bắc Bình", "money", "15000000", "Quỹ khuyến học, khuyến tài"),
    ("person", "Ông Nguyễn Văn Hùng", "in_kind", "8000000", "Tặng 4 máy tính cho Trung tâm học tập cộng đồng"),
    ("anonymous", "", "money", "2000000", "Mua sách cho tủ sách thôn"),
    ("business", "HTX Nông nghiệp Phan Hòa", "learning_space", "12000000", "Cho mượn hội trường làm lớp học"),
    ("person", "Cô Trần Thị Mai (giáo viên nghỉ hưu)", "volunteer_hours", "48", "Dạy kỹ năng số cho người cao tuổi"),
    ("organisation", "Đoàn Thanh niên xã", "volunteer_hours", "36", "Hướng dẫn cài ứng dụng học tập"),
    ("business", "Ngân hàng Chính sách xã hội huyện", "money", "10000000", "Hỗ trợ lớp tập huấn"),
]
TOPICS = [
    ("Kỹ năng số cơ bản cho người dân", "Người dân từ 15 tuổi", 40, "4"),
    ("Quán triệt bộ tiêu chí Công dân học tập", "Cán bộ, hội viên Khuyến học", 30, "3"),
    ("Kỹ thuật trồng thanh long theo VietGAP", "Hộ nông dân", 35, "6"),
    ("Phổ biến pháp luật về hòa giải ở cơ sở", "Tổ hòa giải, người dân", 25, "3"),
]


def load_plan_demo() -> None:
    """Fill the plan's tools for the demo district, once."""
    district = db.session.scalar(sa.select(Area).where(Area.code == "BT-BB"))
    if district is None or db.session.scalar(sa.select(Announcement.id).limit(1)) is not None:
        return
    communes = list(
        db.session.scalars(
            sa.select(Area).where(Area.parent_id == district.id, Area.valid_to.is_(None)).order_by(Area.code)
        )
    )
    roll()
    announcements(district, communes)
    training(district, communes)
    contributions(communes)
    db.session.flush()


def roll() -> None:
    """Put everyone marked as a Khuyến học member on the roll of their village's branch; the eldest chairs it."""
    sync_roll(
        sa.select(Person.id, Person.village_id, Person.khuyen_hoc_member).where(Person.khuyen_hoc_member.is_(True))
    )
    chairs = sa.select(sa.func.min(Member.id)).join(Person, Person.id == Member.person_id).group_by(Member.branch_id)
    db.session.execute(sa.update(Member).where(Member.id.in_(chairs)).values(position="chair"))


def _local(day: date, hour: int = 7) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL_TZ)


def announcements(district: Area, communes: list[Area]) -> None:
    """Announcements and campaigns of the district and of two communes, about half of each audience reached."""
    course = db.metadata.tables["course"]
    digital = db.session.scalar(sa.select(course.c.code).where(course.c.category == "digital_skill").limit(1))
    citizen = db.session.scalar(sa.select(Person).where(Person.code == CITIZEN_CODE))
    village = citizen.village if citizen is not None else None  # the demo citizen's: their home shows it
    home = village.parent if village is not None and village.parent is not None else communes[0]
    today = date.today()
    items = [
        publish(district, kind="campaign", title="Tháng hưởng ứng “Học tập suốt đời” năm 2026",
                body="Mỗi người dân hãy đăng ký **ít nhất một khóa học** trên nền tảng trong tháng này.\n\n"
                     "- Học kỹ năng số miễn phí\n- Nhận chứng nhận có mã xác thực",
                audience="everyone", starts_at=_local(today - timedelta(days=20)), ends_at=None, period=PERIOD,
                actor=ACTOR, link_kind="course" if digital else None, link_ref=digital),
        publish(district, kind="announcement", title="Hội viên Khuyến học học tập bộ tiêu chí Công dân học tập",
                body="Đề nghị cán bộ, hội viên hoàn thành khóa **Quán triệt tiêu chí** trước ngày 30/11.",
                audience="khuyen_hoc", starts_at=_local(today - timedelta(days=10)), ends_at=None, period=PERIOD,
                actor=ACTOR),
        publish(home, kind="announcement", title="Còn thiếu một tiêu chí? Cán bộ xã hỗ trợ kê khai",
                body="Bạn đã đủ tổng điểm nhưng còn thiếu điểm sàn một tiêu chí. Mời đến UBND xã sáng thứ Bảy.",
                audience="missing_one", starts_at=_local(today - timedelta(days=5)), ends_at=None, period=PERIOD,
                actor=ACTOR),
    ]  # fmt: skip
    if village is not None:
        items.append(
            publish(
                home,
                kind="announcement",
                title=f"Lớp kỹ năng số tại nhà văn hóa {village.name}",
                body="Mang theo điện thoại thông minh. Có giảng viên hướng dẫn cài đặt.",
                audience="village",
                village=village,
                starts_at=_local(today - timedelta(days=3)),
                ends_at=_local(today + timedelta(days=30)),
                period=PERIOD,
                actor=ACTOR,
            )  # fmt: skip
        )
    db.session.flush()
    person, area = Person.__table__, Area.__table__
    one = Announcement.__table__.alias("one")
    village_t = area.alias("village")
    for n, ann in enumerate(items):
        readers = (
            sa.select(
                sa.literal(ann.id),
                person.c.id,
                sa.literal(_local(today - timedelta(days=1)), sa.DateTime(timezone=True)),
            )
            .select_from(person.join(village_t, village_t.c.id == person.c.village_id).join(one, one.c.id == ann.id))
            .where(in_audience(one, person, village_t), counted(person), person.c.id % (n + 2) == 0)
            .where(person.c.code != CITIZEN_CODE)  # the demo citizen finds them unread
        )
        db.session.execute(
            sa.insert(AnnouncementRead).from_select(["announcement_id", "person_id", "read_at"], readers)
        )


def training(district: Area, communes: list[Area]) -> None:
    """Plan four sessions in each of the first communes; hold two of them (attendance counts as evidence)."""
    trainer = find_login("giangvien@demo.hoctap.vn")
    sessions = db.metadata.tables["training_session"]
    attendance = db.metadata.tables["session_attendance"]
    for c_index, commune in enumerate(communes[:4]):
        for q_index, (topic, audience, target, hours) in enumerate(TOPICS):
            planned = add_planned(commune, PERIOD, q_index + 1, topic, audience, target, Decimal(hours), ACTOR)
            if trainer is None or q_index >= 2 or c_index >= 3:
                continue
            day = date(PERIOD, 3 * q_index + 3, 10 + c_index)
            code = f"TH-{commune.code}-{q_index + 1}"[:32]
            start = _local(day, 8)
            session_id = db.session.execute(
                sa.insert(sessions)
                .values(
                    code=code,
                    title=topic,
                    description="",
                    area_id=commune.id,
                    place="Hội trường UBND xã",
                    starts_at=start,
                    ends_at=start + timedelta(hours=int(hours)),
                    hours=Decimal(hours),
                    trainer_id=trainer.id,
                    created_at=start - timedelta(days=7),
                )  # fmt: skip
                .returning(sessions.c.id)
            ).scalar_one()
            link_session(planned, session_id, ACTOR)
            people = db.session.scalars(
                sa.select(Person).join(Area, Area.id == Person.village_id)
                .where(Area.parent_id == commune.id, Person.birth_year < 2005)
                .order_by(Person.id).offset(7 * q_index).limit(target - 8 - 3 * c_index)
            ).all()  # fmt: skip
            for person in people:
                db.session.execute(sa.insert(attendance).values(session_id=session_id, person_id=person.id,
                                                                method="list", checked_in_at=start))  # fmt: skip
                add_evidence(person, kind="session", ref=code, when=day, hours=Decimal(hours), source="session")


def contributions(communes: list[Area]) -> None:
    """A register of contributions across the communes, for the reports and the public totals."""
    if db.session.scalar(sa.select(Contribution.id).limit(1)) is not None:
        return
    for n, (who_kind, name, kind, value, purpose) in enumerate(CONTRIBUTIONS * 2):
        commune = communes[n % len(communes)]
        record(commune, contributor_kind=who_kind, contributor=name, kind=kind, value=Decimal(value),
               purpose=purpose, when=date(PERIOD, 1 + n % 11, 5 + n), reference=f"{n + 1:02d}/BN-XHH",
               actor=ACTOR)  # fmt: skip
