"""The beat schedule: drain the outbox every few seconds (a lost poke is never a lost recompute)."""

from typing import Any

from celery import Celery
from celery.schedules import crontab


def configure_schedule(celery_app: Celery, config: Any) -> None:
    """Install the periodic tasks."""
    celery_app.conf.beat_schedule = {
        "drain-outbox": {
            "task": "worker.tasks.drain",
            "schedule": float(config.get("DRAIN_INTERVAL_SECONDS", 3.0)),
            "options": {"expires": 30},
        },
        "nightly-drift-check": {"task": "worker.tasks.nightly_drift", "schedule": crontab(hour=1, minute=30)},
        "retention": {"task": "worker.tasks.retention", "schedule": crontab(hour=3, minute=15)},
    }
