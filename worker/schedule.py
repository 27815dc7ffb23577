"""The beat schedule: drain the outbox every few seconds (a lost poke is never a lost recompute), and
sweep the jobs (a lost message is never a lost job)."""

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
        # jobs whose message the broker lost, or whose worker died, are re-sent (QUALITY R7)
        "sweep-jobs": {
            "task": "worker.tasks.sweep_jobs",
            "schedule": float(config.get("JOB_SWEEP_INTERVAL_SECONDS", 30.0)),
            "options": {"expires": 60},
        },
        "nightly-drift-check": {"task": "worker.tasks.nightly_drift", "schedule": crontab(hour=1, minute=30)},
        "retention": {"task": "worker.tasks.retention", "schedule": crontab(hour=3, minute=15)},
    }
