"""The Celery process entry: `celery -A worker.celery_app worker` (and `beat`)."""

from lms import create_app
from worker.schedule import configure_schedule

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
celery_app.autodiscover_tasks(["worker"], related_name="tasks", force=True)
configure_schedule(celery_app, flask_app.config)
