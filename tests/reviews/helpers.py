"""One of each thing the plan's tools own, in commune A, for the access matrix (tests/web/test_access.py)."""

from datetime import date
from decimal import Decimal
from typing import Any

from lms.extensions import db


def plan_world(tree: dict[str, Any]) -> dict[str, int]:
    """A contribution with a file in village A1, an announcement of commune A for everyone in it;
    returns the ids the access matrix's URLs name."""
    from datetime import timedelta

    from lms.communication.services import publish
    from lms.contributions.models import ContributionFile
    from lms.contributions.services import record
    from lms.util import utcnow

    item = record(
        tree["A1"],
        contributor_kind="business",
        contributor="Công ty Minh Phát",
        kind="money",
        value=Decimal(1000000),
        purpose="",
        when=date(2026, 3, 1),
        reference="99/BN",
        actor="test",
    )
    found = ContributionFile(contribution_id=item.id, sha256="0" * 64, size=1, kind="pdf", name="bn.pdf")
    db.session.add(found)
    ann = publish(tree["A"], kind="announcement", title="Thông báo", body="", audience="everyone",
                  starts_at=utcnow() - timedelta(days=1), ends_at=None, period=2026, actor="test")  # fmt: skip
    from lms.association.services import add_member, save_branch
    from lms.people.models import Person

    branch = save_branch(None, "KH-A1", "Chi hội thôn 1", tree["A1"], None, "test")
    member_person = Person(code="KH000001", full_name="Hội Viên", name_folded="hoi vien", birth_year=1960,
                           gender="nam", village_id=tree["A1"].id)  # fmt: skip
    db.session.add(member_person)
    db.session.flush()
    member = add_member(branch, member_person, "member", None, "test")
    from lms.training_plans.services import add_planned

    planned = add_planned(tree["A1"], 2026, 2, "Kỹ năng số", "", 20, Decimal(3), "test")
    db.session.commit()
    return {
        "contribution": item.id,
        "contribution_file": found.id,
        "announcement": ann.id,
        "branch": branch.id,
        "branch_member": member.id,
        "planned": planned.id,
    }
