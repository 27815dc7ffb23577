"""Học Tập Suốt Đời: the learning platform of the "Công dân học tập" programme."""

import os
from typing import Any

from flask import Flask

from config import CONFIGS


def create_app(config_name: str | None = None, test_config: dict[str, Any] | None = None) -> Flask:
    """Create the Flask app: read the configuration, bind extensions, register blueprints and CLI."""
    app = Flask(__name__, instance_path=os.environ.get("LMS_INSTANCE_DIR") or None)
    name = config_name or os.environ.get("LMS_CONFIG", "development")
    app.config.from_object(CONFIGS[name]())
    if test_config:
        app.config.update(test_config)
    from lms.setup import register_blueprints, register_cli, register_extensions, register_hooks

    register_extensions(app)
    register_blueprints(app)
    register_hooks(app)
    register_cli(app)
    return app
