"""Admin pages: record an area reorganisation (merge, move, dissolve). Each form is checked, then
shown as a confirmation page describing what changes; only the confirmed post writes (audited)."""

from typing import Any

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, StringField, SubmitField
from wtforms.validators import Length, Optional

from lms.admin.views import _actor, bp
from lms.areas.models import Area
from lms.areas.reorg import Plan, ReorgError, apply, changes, plan_dissolve, plan_merge, plan_move
from lms.auth.services import require_role
from lms.extensions import db
from lms.forms import Form

DATE_HINT = _l("Dạng NNNN-TT-NN, ví dụ 2025-07-01. Các năm trước ngày này giữ nguyên số liệu trên địa bàn cũ.")


class _ReorgForm(Form):
    effective = StringField(_l("Ngày có hiệu lực"), validators=[Optional(), Length(max=40)], render_kw={"type": "date"})
    decision = StringField(_l("Văn bản quyết định (số, tên)"), validators=[Optional(), Length(max=200)])
    confirmed = HiddenField()
    submit = SubmitField(_l("Kiểm tra"))


class MergeForm(_ReorgForm):
    """Merge areas of one level into a new area."""

    sources = StringField(
        _l("Mã các địa bàn sáp nhập (cách nhau bởi dấu phẩy)"), validators=[Optional(), Length(max=2000)]
    )
    code = StringField(_l("Mã địa bàn mới"), validators=[Optional(), Length(max=64)])
    name = StringField(_l("Tên địa bàn mới"), validators=[Optional(), Length(max=200)])
    parent = StringField(
        _l("Mã cấp trên của địa bàn mới (để trống: cấp trên chung)"), validators=[Optional(), Length(max=64)]
    )
    disadvantaged = BooleanField(_l("Địa bàn mới thuộc vùng khó khăn"))


class MoveForm(_ReorgForm):
    """Move an area under another parent."""

    area = StringField(_l("Mã địa bàn cần chuyển"), validators=[Optional(), Length(max=64)])
    parent = StringField(_l("Mã địa bàn cấp trên mới"), validators=[Optional(), Length(max=64)])


class DissolveForm(_ReorgForm):
    """Dissolve an area: its areas go to its parent."""

    area = StringField(_l("Mã địa bàn giải thể"), validators=[Optional(), Length(max=64)])


FORMS: dict[str, type[_ReorgForm]] = {"merge": MergeForm, "move": MoveForm, "dissolve": DissolveForm}


def _plan(kind: str, form: Any) -> Plan:
    if kind == "merge":
        return plan_merge(
            form.sources.data,
            form.code.data,
            form.name.data,
            form.effective.data,
            parent_code=form.parent.data,
            decision=form.decision.data,
            disadvantaged=bool(form.disadvantaged.data),
        )
    if kind == "move":
        return plan_move(form.area.data, form.parent.data, form.effective.data, decision=form.decision.data)
    return plan_dissolve(form.area.data, form.effective.data, decision=form.decision.data)


def _page(forms: dict[str, _ReorgForm], status: int = 200) -> Any:
    codes = db.session.execute(
        sa.select(Area.code, Area.name)
        .where(Area.level != "village", Area.valid_to.is_(None))
        .order_by(Area.path)
        .limit(5000)
    ).all()
    return (
        render_template("admin/areas.html", forms=forms, changes=changes(), codes=codes, date_hint=DATE_HINT),
        status,
    )


@bp.get("/areas")
def areas() -> ResponseReturnValue:
    """List the recorded reorganisations and the forms to record one."""
    require_role("admin")
    return _page({kind: cls(formdata=None) for kind, cls in FORMS.items()})


@bp.post("/areas/<kind>")
def reorganise(kind: str) -> ResponseReturnValue:
    """Check a reorganisation and show what it changes; write it once confirmed."""
    actor = _actor()
    if kind not in FORMS:
        return _page({k: cls(formdata=None) for k, cls in FORMS.items()}, 404)
    form = FORMS[kind]()
    forms = {k: (form if k == kind else cls(formdata=None)) for k, cls in FORMS.items()}
    if not form.validate_on_submit():
        return _page(forms, 400)
    try:
        plan = _plan(kind, form)
    except ReorgError as exc:
        db.session.rollback()
        target = getattr(form, exc.field or "", None) or form.effective
        target.errors = [*target.errors, str(exc)]
        return _page(forms, 400)
    if form.confirmed.data != "1":
        form.confirmed.data = "1"
        return render_template("admin/area_confirm.html", form=form, kind=kind, plan=plan)
    change = apply(plan, actor)
    db.session.commit()
    from lms.cli import poke_worker

    poke_worker()
    flash(
        _(
            "Đã ghi nhận việc sắp xếp địa bàn (hiệu lực từ %(date)s). Số liệu các năm từ %(year)d đang được tính lại.",
            date=format_date(change.effective, "short"),
            year=change.effective.year,
        ),
        "success",
    )
    return redirect(url_for(".areas"))
