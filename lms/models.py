"""Import every model module so the metadata (and Alembic) sees all tables."""

from lms.api import models as api_models  # noqa: F401
from lms.areas import models as area_models  # noqa: F401
from lms.association import models as association_models  # noqa: F401
from lms.audit import models as audit_models  # noqa: F401
from lms.auth import models as auth_models  # noqa: F401
from lms.communication import models as communication_models  # noqa: F401
from lms.contributions import models as contribution_models  # noqa: F401
from lms.criteria import models as criteria_models  # noqa: F401
from lms.decisions import models as decision_models  # noqa: F401
from lms.declarations import models as declaration_models  # noqa: F401
from lms.evidence import models as evidence_models  # noqa: F401
from lms.imports import models as import_models  # noqa: F401
from lms.indicators import models as indicator_models  # noqa: F401
from lms.people import models as people_models  # noqa: F401
from lms.privacy import models as privacy_models  # noqa: F401
from lms.recompute import models as recompute_models  # noqa: F401
from lms.titles import models as title_models  # noqa: F401
from lms.trainers import models as trainer_models  # noqa: F401
from lms.training_plans import models as training_plan_models  # noqa: F401
