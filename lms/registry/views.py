"""Officers' registry pages: people, families, clans, units and villages of their area (admin: everything)."""

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from lms import paging
from lms.areas.models import Area
from lms.areas.services import area_by_code
from lms.auth.services import officer_area, require_area, require_person
from lms.cli import poke_worker
from lms.extensions import db
from lms.people.models import Clan, Family, Person, Unit, counted
from lms.registry import queries
from lms.registry.forms import (
    BULK_ACTIONS,
    BulkMarkForm,
    ClanForm,
    ConfirmPeopleForm,
    FamilyForm,
    MergeForm,
    PersonForm,
    UnitForm,
    VillageForm,
)
from lms.registry.services import (
    RegistryError,
    confirm_people,
    create_person,
    edit_person,
    merge_person,
    save_family,
    save_group,
    save_village,
    set_flags,
)
from lms.web import flash_form_errors, text_arg

bp = Blueprint("registry", __name__, url_prefix="/officer/registry")
bp.record_once(paging.install)


def _actor() -> str:
    return str(current_user.login)


def _flag_arg(name: str) -> bool | None:
    """Read a yes/no filter: "1" → True, "0" → False, anything else → no filter."""
    return {"1": True, "0": False}.get(request.args.get(name, ""))


def _village_choices(scope: Area) -> dict[str, list[SelectChoice]]:
    """Return the villages of the scope as grouped select choices (by commune)."""
    groups: dict[str, list[SelectChoice]] = {}
    for group in queries.village_groups(scope):
        label = group["commune"].name if group["commune"] else _("Thôn, khu phố")
        groups[label] = [SelectChoice(v.id, v.name) for v in group["villages"]]
    if scope.level == "village":
        groups[scope.name] = [SelectChoice(scope.id, scope.name)]
    return groups


def _area_choices(scope: Area, levels: tuple[str, ...], current: int | None = None) -> list[SelectChoice]:
    """Return the areas of the given levels inside the scope as select choices."""
    found = queries.areas_at(scope, levels)
    if current is not None and current not in {a.id for a in found}:
        extra = db.session.get(Area, current)
        found = [extra, *found] if extra is not None else found
    return [SelectChoice(a.id, f"{a.name} ({a.code})") for a in found]


def _form_errors(form: Any, exc: RegistryError) -> None:
    """Show a refused change on the field at fault (or as a flash)."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = [*field.errors, str(exc)]
    else:
        flash(str(exc), "error")


def _commit_or_error(form: Any) -> bool:
    """Commit; a code taken meanwhile by another officer comes back as a form error."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        form.code.errors = [*form.code.errors, _("Mã %(code)s đã được dùng.", code=form.code.data)]
        return False
    poke_worker()
    return True


def _save(form: Any, save: Callable[[], Any], message: Callable[[Any], str], endpoint: str) -> Any:
    """Run a registry save: a RegistryError or a code taken meanwhile becomes a form error; on success
    commit, flash and return the redirect to the list filtered on the saved code (else None)."""
    try:
        saved = save()
    except RegistryError as exc:
        db.session.rollback()
        _form_errors(form, exc)
        return None
    if not _commit_or_error(form):
        return None
    flash(message(saved), "success")
    return redirect(url_for(endpoint, q=saved.code))


# ---- people -------------------------------------------------------------------------------------
def _people_filter(scope: Area) -> queries.PeopleFilter:
    """Read the people list's filters from the query string; a filter outside the scope is a 403."""
    wanted = queries.PeopleFilter(
        q=text_arg("q", 100), official=_flag_arg("official"), khuyen_hoc=_flag_arg("khuyen_hoc")
    )
    if code := text_arg("village", 64):
        village = area_by_code(code)
        if village is None:
            abort(404)
        require_area(village)
        wanted.village = village
    if code := text_arg("family", 64):
        family = db.session.scalar(sa.select(Family).where(Family.code == code))
        if family is None:
            abort(404)
        require_area(family.village)
        wanted.family = family
    if code := text_arg("unit", 64):
        unit = db.session.scalar(sa.select(Unit).where(Unit.code == code))
        if unit is None:
            abort(404)
        wanted.unit = unit
    return wanted


@bp.get("/people")
def people() -> ResponseReturnValue:
    """List the people of the officer's area: search by name or code, filter, page by keyset."""
    scope = officer_area()
    wanted = _people_filter(scope)
    query = queries.people_in(scope, wanted).options(
        selectinload(Person.village), selectinload(Person.family), selectinload(Person.unit)
    )
    page = paging.keyset_page(query, [Person.name_folded, Person.id], lambda p: (p.name_folded, p.id))
    return render_template(
        "registry/people.html",
        scope=scope,
        wanted=wanted,
        page=page,
        accounts=queries.accounts_of([p.id for p in page.items]),
        village_groups=queries.village_groups(scope),
        units=queries.visible_groups(Unit, scope),
        bulk_form=BulkMarkForm(),
    )


@bp.get("/unconfirmed")
def unconfirmed() -> ResponseReturnValue:
    """List the self-registered people of the officer's area waiting for confirmation of their residence."""
    scope = officer_area()
    query = queries.unconfirmed_in(scope).options(selectinload(Person.village))
    page = db.paginate(query, per_page=50, error_out=False)
    accounts = queries.accounts_of([p.id for p in page.items])
    rows = [(person, accounts.get(person.id)) for person in page.items]
    return render_template("registry/unconfirmed.html", scope=scope, page=page, rows=rows, form=ConfirmPeopleForm())


@bp.post("/unconfirmed/confirm")
def confirm_unconfirmed() -> ResponseReturnValue:
    """Confirm the residence of the ticked self-registered people (bulk): from now on they count."""
    scope = officer_area()
    form = ConfirmPeopleForm()
    if form.validate_on_submit():
        ids = request.form.getlist("person_ids", type=int)
        if not ids:
            flash(_("Hãy chọn ít nhất một người."), "error")
        else:
            n = confirm_people(ids, actor=_actor(), scope=scope)
            db.session.commit()
            poke_worker()
            flash(_("Đã xác nhận cư trú cho %(n)d người.", n=n), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for(".unconfirmed"))


@bp.route("/people/<int:person_id>/merge", methods=["GET", "POST"])
def merge_page(person_id: int) -> ResponseReturnValue:
    """Merge a self-registered person into the registry person they are (imported people often register too)."""
    officer_area()  # the role first: an id says nothing to those who may not use the page
    person = db.get_or_404(Person, person_id)
    scope = require_person(person)
    if person.confirmed:
        abort(404)
    form = MergeForm()
    if form.validate_on_submit():
        target = db.session.scalar(sa.select(Person).where(Person.code == form.target.data))
        if target is None or not queries.within_scope(target, scope):
            form.target.errors = [_("Không có người dân mã %(code)s trong địa bàn.", code=form.target.data)]
        else:
            code, target_code = person.code, target.code
            try:
                merge_person(person, target, actor=_actor(), scope=scope)
            except RegistryError as exc:
                db.session.rollback()
                _form_errors(form, exc)
            else:
                db.session.commit()
                poke_worker()
                flash(_("Đã gộp %(code)s vào %(target)s.", code=code, target=target_code), "success")
                return redirect(url_for(".unconfirmed"))
    status = 400 if form.errors else 200
    return render_template(
        "registry/merge.html",
        person=person,
        account=queries.accounts_of([person.id]).get(person.id),
        candidates=queries.merge_candidates(person, scope),
        form=form,
    ), status


@bp.post("/people/mark")
def mark_people() -> ResponseReturnValue:
    """Mark or unmark the ticked people as officials or study-promotion members."""
    scope = officer_area()
    form = BulkMarkForm()
    back = request.form.get("back") or ""
    if form.validate_on_submit():
        ids = request.form.getlist("person_ids", type=int)
        if not ids:
            flash(_("Hãy chọn ít nhất một người."), "error")
        else:
            field, value = BULK_ACTIONS[form.action.data]
            try:
                n = set_flags(ids, field, value, actor=_actor(), scope=scope)
            except RegistryError as exc:
                db.session.rollback()
                flash(str(exc), "error")
            else:
                db.session.commit()
                poke_worker()
                flash(_("Đã cập nhật %(n)d người.", n=n), "success")
    else:
        flash_form_errors(form)
    target = back if back.startswith("/officer/registry/people") and not back.startswith("//") else None
    return redirect(target or url_for(".people"))


def _person_form(scope: Area, person: Person | None) -> PersonForm:
    form = PersonForm(obj=None)
    form.village.choices = _village_choices(scope)
    clans = queries.visible_groups(Clan, scope)
    units = queries.visible_groups(Unit, scope)
    if person is not None:  # keep a membership outside the usual choices selectable
        if person.clan is not None and person.clan not in clans:
            clans.append(person.clan)
        if person.unit is not None and person.unit not in units:
            units.append(person.unit)
    form.clan.choices = [SelectChoice("", _("— Không —")), *(SelectChoice(c.id, f"{c.name} ({c.code})") for c in clans)]
    form.unit.choices = [SelectChoice("", _("— Không —")), *(SelectChoice(u.id, f"{u.name} ({u.code})") for u in units)]
    if person is not None:
        form.code.render_kw = {"readonly": True}
        if request.method == "GET":
            form.code.data = person.code
            form.full_name.data = person.full_name
            form.birth_year.data = person.birth_year
            form.gender.data = person.gender
            form.village.data = person.village_id
            form.family_code.data = person.family.code if person.family else ""
            form.clan.data = person.clan_id
            form.unit.data = person.unit_id
            form.is_official.data = person.is_official
            form.khuyen_hoc_member.data = person.khuyen_hoc_member
            form.group.data = person.group or ""
            form.phone.data = person.phone or ""
            form.email.data = person.email or ""
        else:
            form.code.data = person.code  # the code is the import key: it never changes here
    return form


def _person_values(form: PersonForm) -> dict[str, Any] | None:
    """Return the person's fields from a valid form, or None (with a field error) for an unknown family."""
    family_id = None
    if form.family_code.data:
        family_id = db.session.scalar(sa.select(Family.id).where(Family.code == form.family_code.data))
        if family_id is None:
            form.family_code.errors = [_("Không tìm thấy hộ gia đình có mã %(code)s.", code=form.family_code.data)]
            return None
    email = (form.email.data or "").strip().lower()
    return {
        "full_name": form.full_name.data.strip(),
        "birth_year": form.birth_year.data,
        "gender": form.gender.data,
        "village_id": form.village.data,
        "family_id": family_id,
        "clan_id": form.clan.data,
        "unit_id": form.unit.data,
        "is_official": bool(form.is_official.data),
        "khuyen_hoc_member": bool(form.khuyen_hoc_member.data),
        "group": form.group.data or None,
        "phone": (form.phone.data or "").strip() or None,
        "email": email or None,
    }


@bp.route("/people/new", methods=["GET", "POST"])
def new_person() -> ResponseReturnValue:
    """Register a person in a village of the officer's area."""
    scope = officer_area()
    form = _person_form(scope, None)
    if form.validate_on_submit() and (values := _person_values(form)) is not None:
        try:
            person = create_person(values, form.code.data, actor=_actor(), scope=scope)
        except RegistryError as exc:
            db.session.rollback()
            _form_errors(form, exc)
        else:
            if _commit_or_error(form):
                flash(_("Đã thêm %(name)s.", name=person.full_name), "success")
                return redirect(url_for(".people", q=person.code))
    return render_template("registry/person_form.html", form=form, person=None, scope=scope)


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
def edit_person_page(person_id: int) -> ResponseReturnValue:
    """Change a person of the officer's area: details, village, family, groups, marks."""
    officer_area()
    person = db.get_or_404(Person, person_id)
    scope = require_person(person)
    if request.method == "GET":
        from lms.privacy.services import log_access

        log_access(current_user, person, "registry.person")
    form = _person_form(scope, person)
    if form.validate_on_submit() and (values := _person_values(form)) is not None:
        try:
            changes = edit_person(person, values, actor=_actor(), scope=scope)
        except RegistryError as exc:
            db.session.rollback()
            _form_errors(form, exc)
        else:
            db.session.commit()
            if changes:
                poke_worker()
                flash(_("Đã lưu thay đổi của %(name)s.", name=person.full_name), "success")
            else:
                flash(_("Không có gì thay đổi."), "info")
            return redirect(url_for(".edit_person_page", person_id=person.id))
    account = queries.accounts_of([person.id]).get(person.id)
    return render_template("registry/person_form.html", form=form, person=person, account=account, scope=scope)


# ---- families -----------------------------------------------------------------------------------
@bp.get("/families")
def families() -> ResponseReturnValue:
    """List the families of the officer's area (search by code or name, filter by village)."""
    scope = officer_area()
    village = None
    if code := text_arg("village", 64):
        village = area_by_code(code)
        if village is None:
            abort(404)
        require_area(village)
    query = queries.families_in(scope, text_arg("q", 100), village).options(selectinload(Family.village))
    page = paging.keyset_page(query, [Family.code], lambda f: (f.code,))
    counts = queries.member_counts(Person.family_id, [f.id for f in page.items])
    return render_template(
        "registry/families.html",
        scope=scope,
        page=page,
        counts=counts,
        village=village,
        village_groups=queries.village_groups(scope),
    )


def _family_page(scope: Area, family: Family | None) -> ResponseReturnValue:
    form = FamilyForm(obj=family if request.method == "GET" else None)
    form.village.choices = _village_choices(scope)
    if family is not None:
        form.code.render_kw = {"readonly": True}
        form.code.data = family.code
        if request.method == "GET":
            form.village.data = family.village_id
    if form.validate_on_submit():
        values = {"code": form.code.data.strip(), "name": form.name.data.strip(), "village_id": form.village.data}
        done = _save(
            form,
            lambda: save_family(family, values, actor=_actor(), scope=scope),
            lambda saved: _("Đã lưu hộ gia đình %(name)s.", name=saved.name),
            ".families",
        )
        if done is not None:
            return done
    return render_template("registry/group_form.html", form=form, kind="family", subject=family, scope=scope)


@bp.route("/families/new", methods=["GET", "POST"])
def new_family() -> ResponseReturnValue:
    """Register a family in a village of the officer's area."""
    return _family_page(officer_area(), None)


@bp.route("/families/<int:family_id>/edit", methods=["GET", "POST"])
def edit_family(family_id: int) -> ResponseReturnValue:
    """Rename a family or move it to another village of the officer's area."""
    officer_area()
    family = db.get_or_404(Family, family_id)
    return _family_page(require_area(family.village), family)


# ---- clans and units ----------------------------------------------------------------------------
GROUPS: dict[str, dict[str, Any]] = {
    "clan": {"model": Clan, "form": ClanForm, "levels": ("district", "commune", "village"), "endpoint": ".clans"},
    "unit": {"model": Unit, "form": UnitForm, "levels": ("district", "commune"), "endpoint": ".units"},
}


def _group_list(kind: str) -> ResponseReturnValue:
    scope = officer_area()
    model = GROUPS[kind]["model"]
    query = (queries.clans_in if kind == "clan" else queries.units_in)(scope, text_arg("q", 100))
    page = paging.keyset_page(query.options(selectinload(model.area)), [model.code], lambda g: (g.code,))
    column = Person.clan_id if kind == "clan" else Person.unit_id
    counts = queries.member_counts(column, [g.id for g in page.items])
    officials = {}
    if kind == "unit" and page.items:
        officials = dict(
            db.session.execute(
                sa.select(Person.unit_id, sa.func.count())
                .where(Person.unit_id.in_([g.id for g in page.items]), Person.is_official.is_(True), counted())
                .group_by(Person.unit_id)
            ).all()
        )
    return render_template(
        "registry/groups.html", kind=kind, scope=scope, page=page, counts=counts, officials=officials
    )


def _group_page(kind: str, scope: Area, group: Clan | Unit | None) -> ResponseReturnValue:
    spec = GROUPS[kind]
    form = spec["form"](obj=group if request.method == "GET" else None)
    form.area.choices = _area_choices(scope, spec["levels"], group.area_id if group else None)
    if group is not None:
        form.code.render_kw = {"readonly": True}
        form.code.data = group.code
        if request.method == "GET":
            form.area.data = group.area_id
    if form.validate_on_submit():
        values = {"code": form.code.data.strip(), "name": form.name.data.strip(), "area_id": form.area.data}
        if kind == "unit":
            values["level"] = form.level.data
        done = _save(
            form,
            lambda: save_group(spec["model"], group, values, actor=_actor(), scope=scope),
            lambda saved: _("Đã lưu %(name)s.", name=saved.name),
            spec["endpoint"],
        )
        if done is not None:
            return done
    return render_template("registry/group_form.html", form=form, kind=kind, subject=group, scope=scope)


@bp.get("/clans")
def clans() -> ResponseReturnValue:
    """List the clans registered in the officer's area."""
    return _group_list("clan")


@bp.route("/clans/new", methods=["GET", "POST"])
def new_clan() -> ResponseReturnValue:
    """Register a clan with an area of the officer's scope."""
    return _group_page("clan", officer_area(), None)


@bp.route("/clans/<int:clan_id>/edit", methods=["GET", "POST"])
def edit_clan(clan_id: int) -> ResponseReturnValue:
    """Change a clan of the officer's area."""
    officer_area()
    clan = db.get_or_404(Clan, clan_id)
    return _group_page("clan", require_area(clan.area), clan)


@bp.get("/units")
def units() -> ResponseReturnValue:
    """List the units (agencies, schools, enterprises) registered in the officer's area."""
    return _group_list("unit")


@bp.route("/units/new", methods=["GET", "POST"])
def new_unit() -> ResponseReturnValue:
    """Register a unit with an area of the officer's scope."""
    return _group_page("unit", officer_area(), None)


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
def edit_unit(unit_id: int) -> ResponseReturnValue:
    """Change a unit of the officer's area."""
    officer_area()
    unit = db.get_or_404(Unit, unit_id)
    return _group_page("unit", require_area(unit.area), unit)


# ---- villages -----------------------------------------------------------------------------------
@bp.get("/villages")
def villages() -> ResponseReturnValue:
    """List the villages (thôn, khu phố) of the officer's area."""
    scope = officer_area()
    query = queries.villages_in(scope, text_arg("q", 100)).options(selectinload(Area.parent))
    page = paging.keyset_page(query, [Area.code], lambda a: (a.code,))
    counts = queries.member_counts(Person.village_id, [a.id for a in page.items])
    return render_template("registry/villages.html", scope=scope, page=page, counts=counts)


def _village_page(scope: Area, village: Area | None) -> ResponseReturnValue:
    form = VillageForm(obj=village if request.method == "GET" else None)
    form.parent.choices = _area_choices(scope, ("commune",))
    if village is not None:
        form.code.render_kw = {"readonly": True}
        form.code.data = village.code
        form.parent.render_kw = {"disabled": True}
        form.parent.choices = [SelectChoice(village.parent_id, village.parent.name if village.parent else "")]
        form.parent.data = village.parent_id
    if form.validate_on_submit():
        values = {
            "code": form.code.data.strip(),
            "name": form.name.data.strip(),
            "parent_id": form.parent.data,
            "disadvantaged": bool(form.disadvantaged.data),
        }
        done = _save(
            form,
            lambda: save_village(village, values, actor=_actor(), scope=scope),
            lambda saved: _("Đã lưu %(name)s.", name=saved.name),
            ".villages",
        )
        if done is not None:
            return done
    return render_template("registry/group_form.html", form=form, kind="village", subject=village, scope=scope)


@bp.route("/villages/new", methods=["GET", "POST"])
def new_village() -> ResponseReturnValue:
    """Create a village under a commune of the officer's area."""
    return _village_page(officer_area(), None)


@bp.route("/villages/<int:area_id>/edit", methods=["GET", "POST"])
def edit_village(area_id: int) -> ResponseReturnValue:
    """Rename a village of the officer's area or change its disadvantaged flag."""
    officer_area()
    village = db.get_or_404(Area, area_id)
    if village.level != "village":
        abort(404)
    return _village_page(require_area(village), village)
