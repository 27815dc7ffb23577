"""Communication pages: officers publish and follow reach, print posters; citizens read their notifications."""

from datetime import datetime, time, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from lms.areas.models import Area
from lms.auth.services import area_thing_or_404, officer_area, require_area, require_role
from lms.communication import services
from lms.communication.forms import AUDIENCE_LABELS, KIND_LABELS, AnnouncementForm, WithdrawForm
from lms.communication.models import Announcement
from lms.extensions import db
from lms.markup import render_markdown
from lms.people.models import Person, Unit
from lms.registry.queries import areas_at, visible_groups
from lms.util import LOCAL_TZ
from lms.web import current_period, flash_form_errors, period_arg, period_choices

bp = Blueprint("communication", __name__)


def _form(scope: Area) -> AnnouncementForm:
    form = AnnouncementForm(period=current_period())
    form.village.choices = [SelectChoice(0, "—")] + [
        SelectChoice(a.id, a.name) for a in areas_at(scope, ("village",)) if a.valid_to is None
    ]
    form.unit.choices = [SelectChoice(0, "—")] + [SelectChoice(u.id, u.name) for u in visible_groups(Unit, scope)]
    return form


def _local_start(day: object) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)  # type: ignore[arg-type]


@bp.route("/officer/announcements", methods=["GET", "POST"])
def index() -> ResponseReturnValue:
    """The announcements and campaigns of the officer's area for a year; publish one."""
    scope = officer_area()
    period = period_arg()
    form = _form(scope)
    if form.validate_on_submit():
        village = db.session.get(Area, form.village.data) if form.village.data else None
        unit = db.session.get(Unit, form.unit.data) if form.unit.data else None
        if village is not None:
            require_area(village)
        if unit is not None and unit.id not in {u.id for u in visible_groups(Unit, scope)}:
            abort(404)
        link_kind = form.link_kind.data or None
        link_ref = (form.link_ref.data or "").strip() or None
        if link_kind and services.link_target(link_kind, link_ref) is None:
            form.link_ref.errors = [_("Không tìm thấy khóa học hoặc lớp tập huấn có mã này.")]
        else:
            try:
                ann = services.publish(
                    scope,
                    kind=form.kind.data or "",
                    title=form.title.data or "",
                    body=form.body.data or "",
                    audience=form.audience.data or "",
                    starts_at=_local_start(form.starts_on.data),
                    ends_at=_local_start(form.ends_on.data) + timedelta(days=1) if form.ends_on.data else None,
                    period=int(form.period.data or period),
                    actor=str(current_user.login),
                    village=village,
                    unit=unit,
                    link_kind=link_kind,
                    link_ref=link_ref,
                )
            except services.AnnouncementError as exc:
                db.session.rollback()
                form.audience.errors = [str(exc)]
            else:
                db.session.commit()
                flash(_("Đã đăng “%(title)s”.", title=ann.title), "success")
                return redirect(url_for(".show", announcement_id=ann.id))
    status = 400 if form.errors else 200
    items = list(db.session.scalars(services.announcements_in(scope, period)))
    return render_template(
        "communication/index.html",
        scope=scope,
        period=period,
        periods=period_choices(period),
        items=[(a, services.reach(a)[0]) for a in items],
        form=form,
        kind_labels=KIND_LABELS,
        audience_labels=AUDIENCE_LABELS,
    ), status


@bp.get("/officer/announcements/<int:announcement_id>")
def show(announcement_id: int) -> ResponseReturnValue:
    """One announcement with its reach by commune."""
    ann = area_thing_or_404(Announcement, announcement_id)
    total, by_commune = services.reach(ann)
    return render_template(
        "communication/show.html",
        ann=ann,
        body=render_markdown(ann.body),
        total=total,
        by_commune=by_commune,
        withdraw_form=WithdrawForm(formdata=None),
        kind_labels=KIND_LABELS,
        audience_labels=AUDIENCE_LABELS,
        target=services.link_target(ann.link_kind, ann.link_ref),
    )


@bp.post("/officer/announcements/<int:announcement_id>/withdraw")
def withdraw(announcement_id: int) -> ResponseReturnValue:
    """Stop showing an announcement (audited)."""
    ann = area_thing_or_404(Announcement, announcement_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        services.withdraw(ann, str(current_user.login))
        db.session.commit()
        flash(_("Đã thu hồi tin."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for(".show", announcement_id=ann.id))


@bp.get("/officer/announcements/<int:announcement_id>/poster.pdf")
def poster(announcement_id: int) -> ResponseReturnValue:
    """The A4 notice of an announcement for the village board, with its QR code."""
    ann = area_thing_or_404(Announcement, announcement_id)
    response = Response(services.poster_pdf(ann), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="thong-bao-{ann.id}.pdf"'
    return response


# ---- citizens -------------------------------------------------------------------------------------
def _citizen() -> Person:
    user = require_role("citizen")
    if user.person is None:
        abort(403)
    return user.person


@bp.get("/notifications")
def notifications() -> ResponseReturnValue:
    """The announcements shown to the citizen, newest first, unread ones marked."""
    person = _citizen()
    rows = db.session.execute(services.for_person(person).limit(100)).all()
    unread = sum(1 for _ann, read in rows if not read)
    return render_template("communication/notifications.html", rows=rows, unread=unread, kind_labels=KIND_LABELS)


@bp.get("/notifications/<int:announcement_id>")
def notification(announcement_id: int) -> ResponseReturnValue:
    """One announcement shown to the citizen; opening it counts in the reach."""
    person = _citizen()
    ann = db.get_or_404(Announcement, announcement_id)
    if not services.shown_to(ann, person):
        abort(404)
    services.mark_read(ann, person)
    db.session.commit()
    return render_template(
        "communication/notification.html",
        ann=ann,
        body=render_markdown(ann.body),
        target=services.link_target(ann.link_kind, ann.link_ref),
        kind_labels=KIND_LABELS,
    )


def home_notifications(person: Person) -> tuple[list[Announcement], int]:
    """Return the three newest announcements shown to a citizen and their unread count (the home page)."""
    rows = db.session.execute(services.for_person(person).limit(3)).all()
    return [ann for ann, _read in rows], services.unread_count(person)
