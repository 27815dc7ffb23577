"""The Celery process entry: `celery -A worker.celery_app worker` (and `beat`)."""

from sqlalchemy.orm import configure_mappers

from lms import create_app
from worker.schedule import configure_schedule

flask_app = create_app()
# map every model now, in the parent process: a task's time limit interrupting the lazy first-use
# mapping would leave the pool process unable to use any model
configure_mappers()
celery_app = flask_app.extensions["celery"]
celery_app.autodiscover_tasks(["worker"], related_name="tasks", force=True)
configure_schedule(celery_app, flask_app.config)
