"""Unbound Flask extensions, bound to the app in create_app."""

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from celery import Celery, Task
from flask import Flask
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with the constraint naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    if TYPE_CHECKING:  # every model maps one Table (SQLAlchemy types it as the wider FromClause)
        __table__: ClassVar[Table]


db = SQLAlchemy(model_class=Base)
# The models' base class: Flask-SQLAlchemy builds db.Model from Base at run time, which mypy cannot see
# through, so type checkers are told it is the typed declarative Base (same metadata, same Mapped[] columns).
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Rate limits (lms.auth.limits): the storage is RATELIMIT_STORAGE_URI — Redis in production, memory
# otherwise. A moving window: a limit of N per minute never lets N + 1 through in any 60 seconds.
limiter = Limiter(key_func=get_remote_address, strategy="moving-window")


def _transport_options(broker: str, visibility_timeout: int, instance_path: str) -> dict[str, object]:
    """Redis: redeliver unacknowledged tasks after the timeout, sweeping every second.

    The embedded broker (kombu's filesystem transport) keeps its messages under instance/broker/.
    """
    if broker.startswith("redis"):
        return {
            "visibility_timeout": visibility_timeout,
            "unacked_restore_interval": 1,
            "unacked_restore_throttle": 1,
        }
    if broker.startswith("filesystem"):
        return embedded_broker_folders(instance_path)
    return {}


def embedded_broker_folders(instance_path: str) -> dict[str, object]:
    """Create and return the folders of the embedded broker (one machine, any number of processes)."""
    root = Path(instance_path) / "broker"
    folders = {"data_folder_in": root / "queue", "data_folder_out": root / "queue", "control_folder": root / "control"}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    return {name: str(folder) for name, folder in folders.items()}


def task_routes(routes: dict[str, object]) -> dict[str, object]:
    """Turn CELERY_TASK_ROUTES ({"task": "queue"} or {"task": {"queue": …}}) into Celery's task_routes."""
    return {task: {"queue": route} if isinstance(route, str) else route for task, route in routes.items()}


def task_time_limits(limits: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    """Turn CELERY_TASK_TIME_LIMITS ({"task": [soft, hard]}) into Celery task annotations."""
    return {task: {"soft_time_limit": soft, "time_limit": hard} for task, (soft, hard) in limits.items()}


def celery_init_app(app: Flask) -> "Celery[Any]":
    """Create the Celery app bound to this Flask app: every task runs inside an app context."""

    class FlaskTask(Task[Any, Any]):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    from config import Config

    broker = Config.broker_url(app.config.get("REDIS_URL"), app.config.get("CELERY_BROKER_URL"))
    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.conf.update(
        broker_url=broker,
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        broker_transport_options=_transport_options(broker, app.config["CELERY_VISIBILITY_TIMEOUT"], app.instance_path),
        task_soft_time_limit=app.config["CELERY_TASK_SOFT_TIME_LIMIT"],
        task_time_limit=app.config["CELERY_TASK_TIME_LIMIT"],
        task_annotations=task_time_limits(app.config.get("CELERY_TASK_TIME_LIMITS") or {}),
        task_routes=task_routes(app.config.get("CELERY_TASK_ROUTES") or {}),
        timezone="Asia/Ho_Chi_Minh",
        **app.config.get("CELERY_EXTRA", {}),
    )
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app
