"""The base of every form: WTForms' built-in messages in the user's language.

WTForms ships no Vietnamese catalogue, so its own messages ("This field is required.") are mapped here
to msgids of this project's catalogue (Vietnamese source, English in lms/translations).
"""

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, FieldList, FormField

MESSAGES = {
    "This field is required.": _l("Vui lòng điền mục này."),
    "Not a valid choice.": _l("Lựa chọn không hợp lệ."),
    "Invalid Choice: could not coerce.": _l("Lựa chọn không hợp lệ."),
    "Not a valid integer value.": _l("Hãy nhập một số nguyên."),
    "Not a valid date value.": _l("Ngày không hợp lệ."),
    "Invalid input.": _l("Giá trị không hợp lệ."),
    "Field must be equal to %(other_name)s.": _l("Giá trị phải trùng với mục %(other_name)s."),
    "Field must be between %(min)d and %(max)d characters long.": _l("Cần từ %(min)d đến %(max)d ký tự."),
    "Number must be at least %(min)s.": _l("Số phải từ %(min)s trở lên."),
    "Number must be at most %(max)s.": _l("Số không được lớn hơn %(max)s."),
    "Number must be between %(min)s and %(max)s.": _l("Số phải nằm trong khoảng %(min)s đến %(max)s."),
}
PLURAL_MESSAGES = {
    "Field must be at least %(min)d character long.": _l("Cần ít nhất %(min)d ký tự."),
    "Field cannot be longer than %(max)d character.": _l("Không được dài quá %(max)d ký tự."),
    "Field must be exactly %(max)d character long.": _l("Cần đúng %(max)d ký tự."),
}


class _Translations:
    """What WTForms asks for its own messages; unknown ones stay as WTForms wrote them."""

    def gettext(self, string: str) -> str:
        found = MESSAGES.get(string)
        return str(found) if found is not None else string

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        found = PLURAL_MESSAGES.get(singular)
        if found is not None:
            return str(found)
        return singular if n == 1 else plural


TRANSLATIONS = _Translations()


def drop_nul(value: Any) -> Any:
    """Remove NUL bytes from submitted text (PostgreSQL refuses them in strings)."""
    return value.replace("\x00", "") if isinstance(value, str) else value


class Form(FlaskForm):
    """A Flask-WTF form (CSRF token included): built-in messages translated, NUL bytes dropped."""

    class Meta:
        def get_translations(self, form: Any) -> _Translations:
            return TRANSLATIONS

        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            if issubclass(unbound_field.field_class, (FieldList, FormField)):
                return unbound_field.bind(form=form, **options)  # containers take no filters (NUL: refused at 400)
            filters = (drop_nul, *unbound_field.kwargs.get("filters", ()))
            return unbound_field.bind(form=form, filters=filters, **options)


class FiniteDecimalField(DecimalField):
    """A DecimalField that refuses NaN and infinities (they break every comparison: a 500 otherwise)."""

    data: Any  # a Decimal, or None when nothing (valid) was typed

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if self.data is not None and not self.data.is_finite():
            self.data = None
            raise ValueError(self.invalid_value_message or str(MESSAGES["Invalid input."]))
