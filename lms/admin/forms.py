"""Admin forms: framework upload, publish, re-run a failed batch."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField

from lms.forms import Form


class FrameworkUploadForm(Form):
    """Upload a criteria framework (YAML or JSON) to check it and see its dry run."""

    file = FileField(_l("Tệp bộ tiêu chí (YAML hoặc JSON)"), validators=[FileRequired(message=_l("Hãy chọn một tệp."))])
    submit = SubmitField(_l("Kiểm tra và chạy thử"))


class ActionForm(Form):
    """A button that changes state (publish, re-run): only the CSRF token."""

    submit = SubmitField(_l("Xác nhận"))
